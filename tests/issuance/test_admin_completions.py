"""Staff complete enrolments in the Wagtail admin: from a filtered listing, one at a time or with
the "Mark complete" bulk action; and see every completion with who reported it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from checkout.models import Enrolment, EnrolmentStatus
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion
from tests.builders import make_credential, make_enrolment, make_learner, make_partner

pytestmark = pytest.mark.django_db

LISTING = "/admin/complete_enrolments/"
BULK = "/admin/bulk/checkout/enrolment/mark_complete/"
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def world(partner, catalog):
    other = make_partner(catalog, title="Colorado Community College System")
    pm = make_credential(partner, title="Project Management", short_code="ASU-PM-101")
    cnc = make_credential(other, title="CNC Operation", short_code="CCCS-MF-120")
    ada, grace, alan = (
        make_learner(f"{name}@example.edu", first_name=name.title()) for name in ("ada", "grace", "alan")
    )
    return {
        "pm": pm,
        "cnc": cnc,
        "asu": partner,
        "ada_pm": make_enrolment(ada, pm),
        "grace_pm": make_enrolment(grace, pm),
        "alan_cnc": make_enrolment(alan, cnc),
    }


@pytest.fixture
def staff(client, site_tree):
    user = get_user_model().objects.create_superuser(email="registrar@example.edu", password="pw")
    client.force_login(user)
    client.user = user
    return client


def complete_url(enrolment):
    return reverse("complete_enrolments:complete", args=[enrolment.pk])


def page(response):
    return response.content.decode()


def test_the_listing_filters_by_credential_partner_and_status_and_searches(staff, world):
    everything = page(staff.get(LISTING))
    assert "ada@example.edu" in everything and "alan@example.edu" in everything
    assert "Project Management (ASU-PM-101)" in everything

    by_credential = page(staff.get(LISTING, {"microcredential": world["cnc"].pk}))
    assert "alan@example.edu" in by_credential and "ada@example.edu" not in by_credential
    by_partner = page(staff.get(LISTING, {"partner": world["asu"].pk}))
    assert "ada@example.edu" in by_partner and "alan@example.edu" not in by_partner
    record_completion(world["ada_pm"], result="Merit", completed_on=YESTERDAY, source="csv")
    completed = page(staff.get(LISTING, {"status": "completed"}))
    assert "ada@example.edu" in completed and "grace@example.edu" not in completed
    assert "Merit on" in completed and "CSV upload" in completed
    to_do = page(staff.get(LISTING, {"status": "active"}))
    assert "grace@example.edu" in to_do and "ada@example.edu" not in to_do
    searched = page(staff.get(LISTING, {"q": "grace"}))
    assert "grace@example.edu" in searched and "alan@example.edu" not in searched
    # Bad filter values are ignored or refused by the form, never an error page.
    for query in ({"microcredential": "abc"}, {"partner": "99999999999999999999"}, {"status": "nope"}):
        assert staff.get(LISTING, query).status_code == 200


def test_only_an_active_enrolment_offers_mark_complete(staff, world):
    record_completion(world["ada_pm"], result="Pass", completed_on=YESTERDAY, source="admin")
    Enrolment.objects.filter(pk=world["alan_cnc"].pk).update(status=EnrolmentStatus.REVOKED)
    listing = page(staff.get(LISTING))
    assert complete_url(world["grace_pm"]) in listing
    assert complete_url(world["ada_pm"]) not in listing and complete_url(world["alan_cnc"]) not in listing


def test_staff_mark_one_enrolment_complete(staff, world):
    form = staff.get(complete_url(world["grace_pm"]))
    assert form.status_code == 200
    assert "grace@example.edu" in page(form) and timezone.localdate().isoformat() in page(form)

    response = staff.post(
        complete_url(world["grace_pm"]), {"result": " Distinction ", "completed_on": YESTERDAY}
    )
    assert response.status_code == 302 and response["Location"] == LISTING
    completion = Completion.objects.get()
    assert completion.enrolment == world["grace_pm"] and completion.result == "Distinction"
    assert completion.completed_on == YESTERDAY and completion.source == CompletionSource.ADMIN
    assert completion.reported_by == staff.user
    world["grace_pm"].refresh_from_db()
    assert world["grace_pm"].status == EnrolmentStatus.COMPLETED
    listing = page(staff.get(LISTING, {"status": "completed"}))
    assert "Distinction on" in listing and "registrar@example.edu" in listing


def test_marking_twice_keeps_the_first_completion(staff, world):
    staff.post(complete_url(world["grace_pm"]), {"result": "Pass", "completed_on": YESTERDAY})
    again = staff.post(
        complete_url(world["grace_pm"]), {"result": "Fail", "completed_on": YESTERDAY}, follow=True
    )
    assert "Already completed, nothing changed" in page(again)
    assert Completion.objects.get().result == "Pass"
    assert "Already completed" in page(staff.get(complete_url(world["grace_pm"])))


def test_a_bad_form_writes_nothing(staff, world):
    url = complete_url(world["grace_pm"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for data in (
        {"result": "Pass", "completed_on": tomorrow},
        {"result": "Pass", "completed_on": "31/02/2026"},
        {"result": "   ", "completed_on": YESTERDAY},
        {"result": "x" * 101, "completed_on": YESTERDAY},
        {"result": "Pa\x00ss", "completed_on": YESTERDAY},
        {},
    ):
        response = staff.post(url, data)
        assert response.status_code == 200, data
    assert "The completion date is in the future." in page(
        staff.post(url, {"result": "P", "completed_on": tomorrow})
    )
    assert not Completion.objects.exists()


def test_a_refunded_enrolment_cannot_be_marked_complete(staff, world):
    Enrolment.objects.filter(pk=world["grace_pm"].pk).update(status=EnrolmentStatus.REVOKED)
    assert "was refunded" in page(staff.get(complete_url(world["grace_pm"])))
    response = staff.post(complete_url(world["grace_pm"]), {"result": "Pass", "completed_on": YESTERDAY})
    assert response.status_code == 200 and "was refunded" in page(response)
    assert not Completion.objects.exists()


def test_an_enrolment_that_does_not_exist_is_a_404(staff, world):
    for pk in ("999999", "abc", "99999999999999999999999", "0"):
        assert staff.get(f"/admin/complete_enrolments/complete/{pk}/").status_code == 404


# --- the bulk action ---


def test_the_bulk_action_completes_the_ticked_enrolments_in_one_go(staff, world):
    record_completion(world["ada_pm"], result="Merit", completed_on=YESTERDAY, source="api")
    Enrolment.objects.filter(pk=world["alan_cnc"].pk).update(status=EnrolmentStatus.REVOKED)
    extra = make_enrolment(make_learner("extra@example.edu"), world["cnc"])
    ids = [world["ada_pm"].pk, world["grace_pm"].pk, world["alan_cnc"].pk, extra.pk]
    query = "&".join(f"id={pk}" for pk in ids) + f"&next={LISTING}"

    confirm = page(staff.get(f"{BULK}?{query}"))
    assert "These 2 enrolments will be completed" in confirm
    assert "Already completed, left as they are" in confirm and "Merit on" in confirm
    assert "Refunded, so they cannot be completed" in confirm and "alan@example.edu" in confirm

    response = staff.post(f"{BULK}?{query}", {"result": "Pass", "completed_on": YESTERDAY})
    assert response.status_code == 302 and response["Location"] == LISTING
    made = Completion.objects.filter(source=CompletionSource.ADMIN)
    assert {c.enrolment_id for c in made} == {world["grace_pm"].pk, extra.pk}
    assert all(c.result == "Pass" and c.reported_by == staff.user for c in made)
    assert Completion.objects.get(enrolment=world["ada_pm"]).result == "Merit"
    assert not Completion.objects.filter(enrolment=world["alan_cnc"]).exists()
    assert "Marked 2 enrolments complete." in page(staff.get(LISTING))


def test_select_all_completes_what_the_filtered_listing_holds(staff, world):
    query = f"id=all&partner={world['asu'].pk}"
    confirm = page(staff.get(f"{BULK}?{query}"))
    assert (
        "ada@example.edu" in confirm and "grace@example.edu" in confirm and "alan@example.edu" not in confirm
    )
    staff.post(f"{BULK}?{query}", {"result": "Pass", "completed_on": YESTERDAY})
    assert set(Completion.objects.values_list("enrolment_id", flat=True)) == {
        world["ada_pm"].pk,
        world["grace_pm"].pk,
    }


def test_a_bulk_action_with_a_future_date_or_odd_ids_writes_nothing(staff, world):
    query = f"id={world['grace_pm'].pk}"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = staff.post(f"{BULK}?{query}", {"result": "Pass", "completed_on": tomorrow})
    assert response.status_code == 200 and "The completion date is in the future." in page(response)
    for odd in ("id=abc", "id=99999999999999999999999", "id=-1", "id=999999"):
        assert staff.get(f"{BULK}?{odd}").status_code == 404
    assert not Completion.objects.exists()


# --- who may ---


def test_completing_needs_the_add_completion_permission(client, world):
    editor = get_user_model().objects.create_user(
        email="editor@example.edu", password="pw", email_verified_at=timezone.now()
    )
    group = Group.objects.create(name="Course coordinators")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)
    url = complete_url(world["grace_pm"])
    assert client.get(LISTING).status_code in (302, 403)
    assert client.post(url, {"result": "Pass", "completed_on": YESTERDAY}).status_code in (302, 403)
    assert client.post(
        f"{BULK}?id={world['grace_pm'].pk}", {"result": "Pass", "completed_on": YESTERDAY}
    ).status_code in (302, 403)
    assert not Completion.objects.exists()
    assert "Complete enrolments" not in page(client.get("/admin/"))

    group.permissions.add(Permission.objects.get(codename="add_completion"))
    editor = get_user_model().objects.get(pk=editor.pk)  # permissions are cached per user object
    client.force_login(editor)
    assert client.get(LISTING).status_code == 200
    assert client.post(url, {"result": "Pass", "completed_on": YESTERDAY}).status_code == 302
    assert Completion.objects.get().reported_by == editor


# --- every completion ---


def test_completions_are_listed_read_only_with_who_reported_them(staff, world):
    record_completion(
        world["ada_pm"], result="Merit", completed_on=YESTERDAY, source="admin", reported_by=staff.user
    )
    listing = page(staff.get(reverse("completions:index")))
    assert "Project Management" in listing and "Merit" in listing and "registrar@example.edu" in listing
    completion = Completion.objects.get()
    assert staff.get(reverse("completions:inspect", args=[completion.pk])).status_code == 200
    for url in (
        reverse("completions:add"),
        reverse("completions:edit", args=[completion.pk]),
        reverse("completions:delete", args=[completion.pk]),
    ):
        assert staff.get(url).status_code in (302, 403), url
    export = staff.get(reverse("completions:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Merit" in body
