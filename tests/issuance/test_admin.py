"""Staff manage issuer endpoints and watch deliveries under Issuance in the Wagtail admin."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from issuance.delivery import attempt_delivery
from issuance.models import Delivery, DeliveryStatus, IssuerEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, site_tree):
    admin = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    client.force_login(admin)
    return client


def shown_secrets(html):
    return re.findall(r"whsec_[A-Za-z0-9+/=]+", html)


def test_adding_an_endpoint_shows_its_secret_once(staff, partner):
    response = staff.post(
        reverse("issuer_endpoints:add"),
        {
            "url": "https://issuer.example.org/hooks",
            "description": "Credly for ASU",
            "partners": [partner.pk],
        },
    )
    endpoint = IssuerEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "issuer_endpoints:secret", args=[endpoint.pk]
    )
    assert list(endpoint.partners.all()) == [partner]
    page = staff.get(response["Location"]).content.decode()
    assert shown_secrets(page) == [endpoint.secret]
    assert "shown only this once" in page
    # Never again: not on a reload, the edit page, the inspect page or the listing.
    for url in (
        response["Location"],
        reverse("issuer_endpoints:edit", args=[endpoint.pk]),
        reverse("issuer_endpoints:inspect", args=[endpoint.pk]),
        reverse("issuer_endpoints:index"),
    ):
        assert shown_secrets(staff.get(url).content.decode()) == [], url


def test_a_bad_url_is_refused_and_nothing_is_made(staff):
    response = staff.post(reverse("issuer_endpoints:add"), {"url": "not a url"})
    assert response.status_code == 200 and "Enter a valid URL" in response.content.decode()
    assert not IssuerEndpoint.objects.exists()


def test_rotating_shows_the_new_secret_once(staff):
    endpoint = IssuerEndpoint.objects.create(url="https://issuer.example.org/hooks")
    old = endpoint.secret
    confirm = staff.get(reverse("issuer_endpoints:rotate", args=[endpoint.pk]))
    assert confirm.status_code == 200 and shown_secrets(confirm.content.decode()) == []
    response = staff.post(reverse("issuer_endpoints:rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret_rotated_at is not None
    assert shown_secrets(staff.get(response["Location"]).content.decode()) == [endpoint.secret]
    assert shown_secrets(staff.get(response["Location"]).content.decode()) == []


def test_pause_and_resume_from_the_admin(staff, delivery, receiver, django_capture_on_commit_callbacks):
    endpoint = delivery.endpoint
    staff.post(reverse("issuer_endpoints:pause", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_paused
    assert "Paused" in staff.get(reverse("issuer_endpoints:index")).content.decode()
    assert attempt_delivery(delivery.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("issuer_endpoints:resume", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_paused
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_disabled_endpoint_says_why_and_can_be_enabled(staff):
    from django.utils import timezone

    endpoint = IssuerEndpoint.objects.create(
        url="https://gone.example.org/hooks",
        disabled_at=timezone.now(),
        disabled_reason="The issuer answered 410 Gone.",
    )
    listing = staff.get(reverse("issuer_endpoints:index")).content.decode()
    assert "Disabled" in listing and "410 Gone" in listing and "Enable and resume" in listing
    staff.post(reverse("issuer_endpoints:resume", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None and endpoint.disabled_reason == ""


def test_endpoints_cannot_be_deleted(staff):
    endpoint = IssuerEndpoint.objects.create(url="https://issuer.example.org/hooks")
    response = staff.post(reverse("issuer_endpoints:delete", args=[endpoint.pk]))
    assert response.status_code in (302, 403) and IssuerEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_deliveries_listing_filters_and_shows_the_last_answer(staff, delivery, receiver):
    receiver.script.append((500, {"error": "database on fire"}, []))
    attempt_delivery(delivery.pk)
    listing = staff.get(reverse("deliveries:index"), {"status": "pending"}).content.decode()
    assert delivery.message_id in listing and "500" in listing and "database on fire" in listing
    assert (
        delivery.message_id not in staff.get(reverse("deliveries:index"), {"status": "dead"}).content.decode()
    )
    inspect = staff.get(reverse("deliveries:inspect", args=[delivery.pk])).content.decode()
    assert "Attempts" in inspect and "database on fire" in inspect and "credential.completed" in inspect


def test_replay_one_from_its_page_keeps_the_webhook_id(
    staff, delivery, receiver, django_capture_on_commit_callbacks
):
    receiver.script.extend(["500", "500", "500"])
    for _ in range(3):
        attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("deliveries:replay", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert {headers["webhook-id"] for headers, _ in receiver.log} == {delivery.message_id}


def test_replay_many_replays_what_the_filters_select(
    staff, partner, learner, endpoint, quick_retries, receiver, django_capture_on_commit_callbacks
):
    from tests.builders import make_credential

    from .conftest import complete

    rows = [complete(learner, make_credential(partner))[1][0] for _ in range(3)]
    Delivery.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(status=DeliveryStatus.DEAD, attempts=3)
    # The third waits for a retry an hour away (a due one would go out with the others: the
    # wake-up sends whatever is due).
    later = timezone.now() + datetime.timedelta(hours=1)
    Delivery.objects.filter(pk=rows[2].pk).update(next_attempt_at=later, attempts=1)
    query = {"status": "dead", "endpoint": endpoint.pk}
    confirm = staff.get(reverse("deliveries:replay_many"), query).content.decode()
    assert "Send these <strong>2</strong>" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("deliveries:replay_many") + f"?status=dead&endpoint={endpoint.pk}")
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses[rows[0].pk] == statuses[rows[1].pk] == DeliveryStatus.DELIVERED
    assert statuses[rows[2].pk] == DeliveryStatus.PENDING  # not selected: untouched
    assert Delivery.objects.get(pk=rows[2].pk).next_attempt_at == later
    assert {headers["webhook-id"] for headers, _ in receiver.log} == {rows[0].message_id, rows[1].message_id}


def test_staff_without_permission_cannot_replay_or_rotate(client, site_tree, delivery):
    editor = get_user_model().objects.create_user(email="editor@example.edu", password="pw", is_staff=True)
    group = Group.objects.create(name="Viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_delivery"),
        Permission.objects.get(codename="view_issuerendpoint"),
    )
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get(reverse("deliveries:index")).status_code == 200
    # Wagtail answers a refused admin action by sending the user back to the dashboard.
    for url in (
        reverse("deliveries:replay", args=[delivery.pk]),
        reverse("deliveries:replay_many") + "?status=pending",
        reverse("issuer_endpoints:rotate", args=[delivery.endpoint_id]),
        reverse("issuer_endpoints:pause", args=[delivery.endpoint_id]),
    ):
        response = client.post(url)
        assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/", url
    endpoint = IssuerEndpoint.objects.get(pk=delivery.endpoint_id)
    assert endpoint.secret == delivery.endpoint.secret and not endpoint.is_paused
    delivery.refresh_from_db()
    assert delivery.attempts == 0 and delivery.status == DeliveryStatus.PENDING
