"""A registrar signs in to the Wagtail admin, finds a learner's enrolment under Issuance → Complete
enrolments, and marks it complete with the one-at-a-time action; the listing then shows the
completion and who reported it. axe checks each admin page on the way."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from checkout.models import EnrolmentStatus
from issuance.models import Completion, CompletionSource
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_complete_an_enrolment_in_the_admin(live_server, page, partner, axe_check, tmp_path):
    course = make_credential(partner, title="Project Management Foundations", short_code="ASU-PM-101")
    ada = make_learner("ada@example.edu", first_name="Ada", last_name="Lovelace")
    enrolment = make_enrolment(ada, course)
    make_enrolment(make_learner("grace@example.edu", first_name="Grace"), course)
    get_user_model().objects.create_superuser(
        email="registrar@example.edu", password="Registrar-pass-42", email_verified_at=timezone.now()
    )

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label(re.compile("Email")).fill("registrar@example.edu")
    page.get_by_label(re.compile("Password")).fill("Registrar-pass-42")
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page.get_by_role("button", name="Issuance")).to_be_visible()

    page.get_by_role("button", name="Issuance").click()
    page.get_by_role("link", name="Complete enrolments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete enrolments")
    row = page.get_by_role("row").filter(has_text="ada@example.edu")
    expect(row).to_contain_text("Project Management Foundations (ASU-PM-101)")
    expect(row).to_contain_text("Active")
    axe_check(page)
    page.screenshot(path=str(tmp_path / "listing.png"), full_page=True)

    row.get_by_role("link", name=re.compile("Mark complete")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mark complete")
    expect(page.get_by_label(re.compile("Completion date"))).to_have_value(timezone.localdate().isoformat())
    axe_check(page)
    done_on = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label(re.compile("Result")).fill("Distinction")
    page.get_by_label(re.compile("Completion date")).fill(done_on.isoformat())
    page.get_by_role("button", name="Mark complete").click()

    expect(
        page.get_by_text("Marked complete: ada@example.edu in Project Management Foundations.")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="ada@example.edu")
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("Distinction on")
    expect(row).to_contain_text("Staff in the admin (registrar@example.edu)")
    expect(row.get_by_role("link", name=re.compile("Mark complete"))).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="grace@example.edu")).to_contain_text("Active")
    # Wagtail's message fades in (a CSS transition of its opacity); axe would measure its contrast mid-fade.
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")
    axe_check(page)
    page.screenshot(path=str(tmp_path / "completed.png"), full_page=True)

    completion = Completion.objects.get()
    assert completion.enrolment_id == enrolment.pk and completion.result == "Distinction"
    assert completion.completed_on == done_on and completion.source == CompletionSource.ADMIN
    assert completion.reported_by.email == "registrar@example.edu"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
