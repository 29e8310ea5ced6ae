"""Payments against a real localstripe process: one PaymentIntent per order, fulfilment only
when Stripe says the payment succeeded, and a webhook that is verified and safe to replay."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
import stripe
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.models import Enrolment, Order, OrderStatus, PaymentEvent
from checkout.payments import ensure_payment_intent, fulfil_from_payment_intent, stripe_client
from checkout.services import create_order
from tests.builders import make_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(stripe_settings, partner, framework):
    learner = get_user_model().objects.create_user(email="learner@example.org", password="x")
    course = make_credential(
        partner,
        framework[1][:1],
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )
    return create_order(learner, course.pk, include_credit=True)


def pay_in_browser(intent_id, card="4242424242424242"):
    """What Stripe.js does in the browser: attach a card to the intent and confirm it."""
    client = stripe_client()
    method = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(intent_id)


def signed(payload, secret="whsec_test_secret", timestamp=None):
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def succeeded_event(intent_id, event_id="evt_1"):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": intent_id, "object": "payment_intent"}},
        }
    )


def test_one_payment_intent_per_order_with_amount_in_cents(order):
    intent = ensure_payment_intent(order)
    again = ensure_payment_intent(Order.objects.get(pk=order.pk))
    assert intent.id == again.id == Order.objects.get(pk=order.pk).payment_intent_id
    assert (intent.amount, intent.currency) == (42500, "usd")
    assert intent.metadata["order_number"] == order.number


def test_paid_intent_fulfils_the_order_once(order):
    intent = ensure_payment_intent(order)
    assert fulfil_from_payment_intent(intent.id)[1] is None  # not paid yet: nothing happens
    assert pay_in_browser(intent.id).status == "succeeded"
    assert fulfil_from_payment_intent(intent.id)[1].fulfilled_now
    assert not fulfil_from_payment_intent(intent.id)[1].fulfilled_now
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and Enrolment.objects.count() == 1
    assert (order.card_brand, order.card_last4) == ("visa", "4242")  # for the receipt


def test_declined_and_3d_secure_cards_leave_the_order_payable(order):
    intent = ensure_payment_intent(order)
    with pytest.raises(stripe.CardError, match="declined"):
        pay_in_browser(intent.id, card="4000000000000341")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and not Enrolment.objects.exists()

    other = create_order(
        get_user_model().objects.create_user(email="b@example.org"), order.lines.first().microcredential_id
    )
    intent = ensure_payment_intent(other)
    assert pay_in_browser(intent.id, card="4000002500003155").status == "requires_action"
    assert fulfil_from_payment_intent(intent.id)[1] is None
    other.refresh_from_db()
    assert other.status == OrderStatus.PENDING


def test_webhook_replayed_fifty_times_enrols_once(client, order):
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    payload = succeeded_event(intent.id)
    url = reverse("stripe_webhook")
    responses = [
        client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(payload))
        for _ in range(50)
    ]
    assert {r.status_code for r in responses} == {200}
    assert responses[0].content == b"fulfilled"
    assert PaymentEvent.objects.count() == 1 and Enrolment.objects.count() == 1


def test_unsigned_or_tampered_webhooks_are_refused_and_change_nothing(client, order):
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    payload = succeeded_event(intent.id)
    url = reverse("stripe_webhook")
    assert client.post(url, payload, content_type="application/json").status_code == 400
    tampered = payload.replace("evt_1", "evt_2")
    assert (
        client.post(
            url, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(payload)
        ).status_code
        == 400
    )
    wrong_secret = signed(payload, secret="whsec_other")
    assert (
        client.post(
            url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=wrong_secret
        ).status_code
        == 400
    )
    assert client.get(url).status_code == 405
    assert not PaymentEvent.objects.exists() and not Enrolment.objects.exists()
