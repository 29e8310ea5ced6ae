"""Enrolling from the credential page and the receipts under My learning: a learner's own, nobody
else's. The My learning page itself is issuance's (tests/issuance/test_my_learning.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.models import Enrolment
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
