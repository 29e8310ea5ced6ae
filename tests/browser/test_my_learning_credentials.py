"""A learner whose credential has been issued finds it in My learning, opens it through View
credential (counted), adds it to LinkedIn (counted), and sees their progress on the pathway it
belongs to; at desktop and phone widths, under axe and the site's Content-Security-Policy.

The issuer's credential page and LinkedIn are outside this machine's reach, so the browser's
requests to those two hosts are answered by Playwright (page.route) with a stand-in page: what the
test checks is that our redirects send the learner there, with the right address and parameters.
"""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from checkout.models import Enrolment
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion
from tests.builders import make_credential, make_pathway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CREDENTIAL_URL = "https://badges.example.org/credentials/ab12"
PASSWORD = "Correct-Horse-42"


def stand_in(route):
    route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Elsewhere</title><h1>Elsewhere</h1>"
    )


def log_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="My learning")).to_be_visible()


@pytest.fixture
def issued(partner):
    learner = User.objects.create_user(
        email="ada@example.edu", password=PASSWORD, first_name="Ada", email_verified_at=timezone.now()
    )
    spreadsheets = make_credential(partner, title="Spreadsheets for Business", price=Decimal("25"))
    dashboards = make_credential(partner, title="Dashboards for Managers", price=Decimal("49"))
    pathway = make_pathway(partner, [(spreadsheets, True), (dashboards, True)], title="Business Analytics")
    enrolment = Enrolment.objects.create(user=learner, microcredential=spreadsheets)
    completion, _ = record_completion(
        enrolment, result="Pass", completed_on=datetime.date(2026, 9, 14), source=CompletionSource.ADMIN
    )
    Completion.objects.filter(pk=completion.pk).update(
        credential_url=CREDENTIAL_URL, credential_id="ab12", issued_at=timezone.now()
    )
    return learner, completion, pathway


def test_the_learner_opens_and_shares_an_issued_credential(live_server, page, axe_check, issued, tmp_path):
    learner, completion, pathway = issued
    page.route("https://badges.example.org/**", stand_in)
    page.route("https://www.linkedin.com/**", stand_in)
    log_in(page, live_server, learner.email)

    page.get_by_role("link", name="My learning").click()
    row = page.get_by_role("row", name="Spreadsheets for Business")
    expect(row).to_contain_text("Completed: Pass")
    expect(row).to_contain_text("on 14 Sep 2026")
    view = row.get_by_role("link", name="View credential: Spreadsheets for Business")
    linkedin = row.get_by_role("link", name="Add to LinkedIn profile: Spreadsheets for Business")
    expect(view).to_be_visible()
    expect(linkedin).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "my-learning-1280.png"), full_page=True)

    view.click()
    page.wait_for_url(CREDENTIAL_URL)
    completion.refresh_from_db()
    assert (completion.claim_count, completion.share_count) == (1, 0) and completion.claimed_at

    page.go_back()
    page.get_by_role("link", name="Add to LinkedIn profile: Spreadsheets for Business").click()
    page.wait_for_url("https://www.linkedin.com/profile/add?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"] and query["certUrl"] == [CREDENTIAL_URL]
    assert query["name"] == ["Spreadsheets for Business"] and query["certId"] == ["ab12"]
    completion.refresh_from_db()
    assert (completion.claim_count, completion.share_count) == (1, 1)

    # On a phone the enrolments become cards, and the links are still there and usable.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/my-learning/")
    view = page.get_by_role("link", name="View credential: Spreadsheets for Business")
    expect(view).to_be_in_viewport()
    box = view.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # no sideways scrolling needed
    axe_check(page)
    page.screenshot(path=str(tmp_path / "my-learning-390.png"), full_page=True)

    # The pathway page shows what is done and what is left, and what that costs.
    page.goto(live_server.url + pathway.url)
    progress = page.get_by_role("region", name="Your progress")
    expect(progress).to_contain_text("1 of 2 credentials done")
    expect(progress).to_contain_text("Dashboards for Managers")
    expect(progress).to_contain_text("$49")
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe_check(page)
    page.screenshot(path=str(tmp_path / "pathway-1280.png"), full_page=True)
