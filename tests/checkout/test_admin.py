"""Staff browse orders and enrolments in the Wagtail admin, filter, search and export them,
and cannot edit or delete them (amounts on a paid order never change)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.services import create_order, fulfil_order
from tests.builders import make_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(partner, framework):
    learner = get_user_model().objects.create_user(email="buyer@example.org", password="x")
    course = make_credential(partner, framework[1][:1], price=Decimal("25.00"), title="Spreadsheets")
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    return order


@pytest.fixture
def staff(client, site_tree):
    admin = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    client.force_login(admin)
    return client


def test_listings_search_filter_export_and_inspect(staff, paid_order):
    listing = staff.get(reverse("orders:index"), {"q": "buyer@example.org"})
    assert listing.status_code == 200 and paid_order.number in listing.content.decode()
    assert paid_order.number not in staff.get(reverse("orders:index"), {"status": "pending"}).content.decode()
    export = staff.get(reverse("orders:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert paid_order.number in body and "25.00" in body
    assert staff.get(reverse("orders:inspect", args=[paid_order.pk])).status_code == 200
    enrolments = staff.get(reverse("enrolments:index"), {"q": "buyer@"})
    assert "Spreadsheets" in enrolments.content.decode()


def test_orders_cannot_be_edited_created_or_deleted(staff, paid_order):
    for url in (
        reverse("orders:edit", args=[paid_order.pk]),
        reverse("orders:add"),
        reverse("orders:delete", args=[paid_order.pk]),
    ):
        response = staff.get(url)
        assert response.status_code in (302, 403), url
    response = staff.post(reverse("orders:edit", args=[paid_order.pk]), {"needs_review": "on"})
    assert response.status_code in (302, 403)
    paid_order.refresh_from_db()
    assert paid_order.total == Decimal("25.00") and not paid_order.needs_review


def test_refunds_and_payment_events_are_listed_read_only(staff, paid_order):
    from checkout.models import PaymentEvent, Refund

    Refund.objects.create(
        order=paid_order, amount=Decimal("25.00"), reason="Duplicate purchase", stripe_refund_id="re_1"
    )
    PaymentEvent.objects.create(
        event_id="evt_abc",
        event_type="payment_intent.succeeded",
        payment_intent_id="pi_1",
        outcome="fulfilled",
    )
    refunds = staff.get(reverse("refunds:index"), {"q": paid_order.number}).content.decode()
    assert "Duplicate purchase" in refunds and "re_1" in refunds
    events = staff.get(reverse("payment_events:index"), {"q": "pi_1"}).content.decode()
    assert "evt_abc" in events and "fulfilled" in events
    export = staff.get(reverse("payment_events:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "evt_abc" in body
    for name in ("refunds", "payment_events"):
        assert staff.get(reverse(f"{name}:add")).status_code in (302, 403)


def test_orders_show_amounts_with_their_currency_and_a_needs_review_badge(staff, paid_order):
    from checkout.models import Order

    flagged = Order.objects.get(pk=paid_order.pk)
    Order.objects.filter(pk=flagged.pk).update(needs_review=True)
    listing = staff.get(reverse("orders:index")).content.decode()
    assert "$25" in listing
    assert "Needs review</span>" in listing
    assert ">False<" not in listing and ">True<" not in listing
    inspect = staff.get(reverse("orders:inspect", args=[paid_order.pk])).content.decode()
    assert "Yes: see the history below" in inspect and "$25" in inspect
    Order.objects.filter(pk=flagged.pk).update(needs_review=False)
    listing = staff.get(reverse("orders:index")).content.decode()
    assert "Needs review</span>" not in listing and ">False<" not in listing
    inspect = staff.get(reverse("orders:inspect", args=[paid_order.pk])).content.decode()
    assert re.search(r"<dt>Needs review</dt>\s*<dd>\s*No\s*</dd>", inspect)


def test_hero_image_help_text_names_the_crop_the_page_uses():
    from pathlib import Path

    from catalog.models import MicrocredentialPage

    template = Path(__file__).resolve().parents[2] / "catalog/templates/catalog/microcredential_page.html"
    crop = re.search(r"page\.hero_image fill-(\d+)x(\d+)", template.read_text())
    help_text = MicrocredentialPage._meta.get_field("hero_image").help_text
    assert f"{crop[1]}×{crop[2]}" in help_text
