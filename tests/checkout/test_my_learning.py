"""Enrolling from the credential page and the receipts under My learning: a learner's own, nobody
else's. The My learning page itself is issuance's (tests/issuance/test_my_learning.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.models import Enrolment, Order
from checkout.services import create_order, fulfil_order
from tests.builders import make_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="ana@example.org", password="x")


def test_free_enrolment_from_the_credential_page(client, learner, partner, framework):
    free = make_credential(partner, framework[1][:1], title="Library Basics", price=Decimal("0"))
    assert "Log in to enrol for free" in client.get(free.url).content.decode()
    client.force_login(learner)
    assert "Enrol for free" in client.get(free.url).content.decode()
    response = client.post(reverse("checkout:enrol_free", args=[free.pk]), follow=True)
    assert "You are enrolled in Library Basics" in response.content.decode()
    assert Enrolment.objects.filter(user=learner, microcredential=free).exists()
    again = client.post(reverse("checkout:enrol_free", args=[free.pk]), follow=True)
    assert "already enrolled" in again.content.decode() and Enrolment.objects.count() == 1
    assert client.get(reverse("checkout:enrol_free", args=[free.pk])).status_code == 405


def test_the_receipt_of_a_paid_order(client, learner, partner, framework):
    course = make_credential(partner, framework[1][:1], title="Spreadsheets", price=Decimal("25.00"))
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    client.force_login(learner)
    receipt = client.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    assert "<strong>$25</strong>" in receipt and "Spreadsheets (" in receipt
    assert 'href="/my-learning/"' in receipt  # back to My learning, wherever that page lives


def test_other_peoples_receipts_are_404_and_login_is_required(client, learner, partner, framework):
    course = make_credential(partner, framework[1][:1], price=Decimal("25.00"))
    order = create_order(learner, course.pk)
    assert client.get(reverse("checkout:receipt", args=[order.number])).status_code == 302  # to log in
    other = get_user_model().objects.create_user(email="sam@example.org", password="x")
    client.force_login(other)
    assert client.get(reverse("checkout:receipt", args=[order.number])).status_code == 404
    assert client.get(reverse("checkout:receipt", args=["MC-NOPE"])).status_code == 404


def test_enrol_form_needs_csrf(learner, partner, framework):
    from django.test import Client

    free = make_credential(partner, framework[1][:1], price=Decimal("0"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(reverse("checkout:enrol_free", args=[free.pk])).status_code == 403
    assert not Enrolment.objects.exists()


def test_receipt_is_billed_to_the_learners_name_and_dated_by_the_payment(client, partner, framework):
    course = make_credential(partner, framework[1][:1], title="Spreadsheets", price=Decimal("25.00"))
    learner = get_user_model().objects.create_user(
        email="ana@example.org", password="x", first_name="Ana", last_name="Lima"
    )
    order = create_order(learner, course.pk)
    order.created_at = datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
    order.save(update_fields=["created_at"])
    client.force_login(learner)
    unpaid = client.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    assert "Ordered 1 March 2026, 09:15 UTC · Awaiting payment" in unpaid

    fulfil_order(order.pk, 2500, "USD")
    Order.objects.filter(pk=order.pk).update(paid_at=datetime(2026, 3, 4, 17, 40, tzinfo=UTC))
    receipt = client.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    receipt = receipt.split("<main", 1)[1]  # the header names who is signed in
    assert "Billed to Ana Lima" in receipt and "ana@example.org" not in receipt
    assert "Paid 4 March 2026, 17:40 UTC" in receipt and "1 March 2026" not in receipt


def test_receipt_without_a_name_is_billed_to_the_email_address(client, learner, partner, framework):
    course = make_credential(partner, framework[1][:1], price=Decimal("25.00"))
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    client.force_login(learner)
    assert (
        "Billed to ana@example.org"
        in client.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    )


def test_enrol_button_names_both_totals_from_the_database(client, learner, partner, framework):
    course = make_credential(
        partner,
        framework[1][:1],
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )
    client.force_login(learner)
    page = client.get(course.url).content.decode()
    # Without the box ticked the button shows $25; ticked, CSS swaps in the total with credit.
    assert '<span class="enrol-button__without-credit">Enrol — $25</span>' in page
    assert '<span class="enrol-button__with-credit">Enrol — $425</span>' in page
    type(course).objects.filter(pk=course.pk).update(credit_conversion_fee=Decimal("350.00"))
    assert "Enrol — $375" in client.get(course.url).content.decode()


def test_credential_page_points_to_the_learners_unpaid_order(client, learner, partner, framework):
    course = make_credential(partner, framework[1][:1], price=Decimal("25.00"))
    client.force_login(learner)
    assert "unpaid order" not in client.get(course.url).content.decode()
    order = create_order(learner, course.pk)
    page = client.get(course.url).content.decode()
    assert f"You have an unpaid order for this credential: {order.number}, $25" in page
    assert f'href="{reverse("checkout:pay", args=[order.number])}">Pay for order {order.number}</a>' in page
    other = get_user_model().objects.create_user(email="sam@example.org", password="x")
    client.force_login(other)
    assert "unpaid order" not in client.get(course.url).content.decode()
    fulfil_order(order.pk, 2500, "USD")
    client.force_login(learner)
    assert "unpaid order" not in client.get(course.url).content.decode()
