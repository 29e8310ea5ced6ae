"""Signed but odd webhook events, old signatures, and payments whose PaymentIntent names another
order: a malformed event is a 400 that changes nothing, an old one is refused, and money taken
always ends in an enrolment or a flag that staff see."""

import hashlib
import hmac
import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.models import Enrolment, Order, OrderStatus, PaymentEvent
from checkout.payments import ensure_payment_intent, stripe_client
from checkout.refunds import refund
from checkout.services import create_order
from tests.checkout.conftest import review_notes
from tests.checkout.test_payments import pay_in_browser, signed, succeeded_event

pytestmark = pytest.mark.django_db


def post(client, payload, **signing):
    return client.post(
        reverse("stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload, **signing),
    )


@pytest.fixture
def paid_intent(learner, course):
    """A learner's order whose PaymentIntent has succeeded in Stripe; nobody has told us yet."""
    order = create_order(learner, course.pk)
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    return Order.objects.get(pk=order.pk)


def event(**fields):
    return json.dumps({"object": "event", **fields})


ODD_EVENTS = {
    "no id": event(
        type="payment_intent.succeeded", data={"object": {"object": "payment_intent", "id": "pi_1"}}
    ),
    "id is a number": event(
        id=123, type="payment_intent.succeeded", data={"object": {"object": "payment_intent", "id": "pi_1"}}
    ),
    "id is empty": event(
        id="", type="payment_intent.succeeded", data={"object": {"object": "payment_intent", "id": "pi_1"}}
    ),
    "id too long for its column": event(
        id="evt_" + "x" * 300,
        type="payment_intent.succeeded",
        data={"object": {"object": "payment_intent", "id": "pi_1"}},
    ),
    "id with a NUL": event(
        id="evt_\x00",
        type="payment_intent.succeeded",
        data={"object": {"object": "payment_intent", "id": "pi_1"}},
    ),
    "no type": event(id="evt_odd", data={"object": {"object": "payment_intent", "id": "pi_1"}}),
    "type is a list": event(id="evt_odd", type=["x"], data={"object": {"object": "payment_intent"}}),
    "no data": event(id="evt_odd", type="payment_intent.succeeded"),
    "data is a string": event(id="evt_odd", type="payment_intent.succeeded", data="x"),
    "no data.object": event(id="evt_odd", type="payment_intent.succeeded", data={}),
    "data.object is null": event(id="evt_odd", type="payment_intent.succeeded", data={"object": None}),
    "intent id is a number": event(
        id="evt_odd",
        type="payment_intent.succeeded",
        data={"object": {"object": "payment_intent", "id": 123}},
    ),
    "intent id is an object": event(
        id="evt_odd",
        type="payment_intent.succeeded",
        data={"object": {"object": "payment_intent", "id": {"id": "pi_1"}}},
    ),
    "intent id is missing": event(
        id="evt_odd", type="payment_intent.succeeded", data={"object": {"object": "payment_intent"}}
    ),
    "charge's intent is a number": event(
        id="evt_odd", type="charge.refunded", data={"object": {"object": "charge", "payment_intent": 5}}
    ),
    "charge's expanded intent has no id": event(
        id="evt_odd",
        type="charge.refunded",
        data={"object": {"object": "charge", "payment_intent": {"x": 1}}},
    ),
    "object kind is a number": event(
        id="evt_odd", type="payment_intent.succeeded", data={"object": {"object": 7}}
    ),
    "a list, not an event": json.dumps([1, 2]),
    "not JSON": "hello",
}


@pytest.mark.parametrize("payload", ODD_EVENTS.values(), ids=ODD_EVENTS.keys())
def test_signed_but_malformed_events_are_a_400_that_changes_nothing(client, paid_intent, payload):
    response = post(client, payload)
    assert response.status_code == 400
    paid_intent.refresh_from_db()
    assert paid_intent.status == OrderStatus.PENDING and not paid_intent.needs_review
    assert not PaymentEvent.objects.exists() and not Enrolment.objects.exists()


def test_a_body_that_is_not_utf8_is_a_400(client, stripe_settings):
    body = b'{"id": "evt_\xff"}'
    timestamp = int(time.time())
    signature = hmac.new(
        b"whsec_test_secret", str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    response = client.post(
        reverse("stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=f"t={timestamp},v1={signature}",
    )
    assert response.status_code == 400 and not PaymentEvent.objects.exists()


def test_an_old_signed_event_is_refused_and_changes_nothing(client, paid_intent):
    payload = succeeded_event(paid_intent.payment_intent_id, event_id="evt_old")
    # Captured ten minutes ago and sent again: the signature is genuine but too old (Stripe's
    # tolerance is five minutes).
    response = post(client, payload, timestamp=int(time.time()) - 600)
    assert response.status_code == 400
    paid_intent.refresh_from_db()
    assert paid_intent.status == OrderStatus.PENDING
    assert not PaymentEvent.objects.exists() and not Enrolment.objects.exists()
    # A signature from a minute ago is within the tolerance.
    assert post(client, payload, timestamp=int(time.time()) - 60).content == b"fulfilled"


@pytest.mark.parametrize("arrives_by", ["webhook", "return page"])
def test_an_intent_whose_metadata_names_another_order_flags_both(client, learner, course, arrives_by):
    mine = create_order(learner, course.pk)
    other = create_order(get_user_model().objects.create_user(email="sam@example.org"), course.pk)
    intent = ensure_payment_intent(mine)
    # Someone edits the intent in Stripe's dashboard (or a bug elsewhere writes the wrong order).
    stripe_client().v1.payment_intents.update(intent.id, params={"metadata": {"order_id": str(other.pk)}})
    pay_in_browser(intent.id)

    if arrives_by == "webhook":
        response = post(client, succeeded_event(intent.id, event_id="evt_mismatch"))
        assert response.status_code == 200 and response.content == b"held for review"
    else:
        client.force_login(learner)
        page = client.get(reverse("checkout:complete", args=[mine.number])).content.decode()
        assert "payment received" in page and "Our team is checking this order" in page

    mine.refresh_from_db()
    other.refresh_from_db()
    # The order the intent belongs to has the money on record and is flagged; nobody is enrolled.
    assert mine.status == OrderStatus.PAID and mine.needs_review and not Enrolment.objects.exists()
    [note] = review_notes(mine)
    assert f"names order {other.number}, not this order" in note
    # The order the metadata names is flagged too, and has no payment recorded on it.
    assert other.status == OrderStatus.PENDING and other.needs_review
    [note] = review_notes(other)
    assert intent.id in note and f"belongs to order {mine.number}" in note
    # Staff can refund the paid one from the admin.
    refund(mine, mine.lines.values_list("pk", flat=True), "Paid under the wrong metadata", None)
    assert Order.objects.get(pk=mine.pk).status == OrderStatus.REFUNDED


def test_an_intent_whose_metadata_names_no_order_of_ours_flags_its_own_order(client, learner, course):
    order = create_order(learner, course.pk)
    intent = ensure_payment_intent(order)
    stripe_client().v1.payment_intents.update(intent.id, params={"metadata": {"order_id": "999999"}})
    pay_in_browser(intent.id)
    assert post(client, succeeded_event(intent.id)).content == b"held for review"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.needs_review and not Enrolment.objects.exists()
    assert "names an order we do not have ('999999')" in review_notes(order)[0]


def test_a_paid_intent_that_no_order_has_flags_the_order_its_metadata_names(client, learner, course):
    order = create_order(learner, course.pk)
    # An intent made outside our checkout (say, by hand in Stripe's dashboard) for this order.
    stray = stripe_client().v1.payment_intents.create(
        params={"amount": 2500, "currency": "usd", "metadata": {"order_id": str(order.pk)}}
    )
    pay_in_browser(stray.id)
    response = post(client, succeeded_event(stray.id, event_id="evt_stray"))
    assert response.status_code == 200 and response.content == b"metadata names another order"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.needs_review and not Enrolment.objects.exists()
    assert (
        stray.id in review_notes(order)[0]
        and "no payment was recorded on this order" in review_notes(order)[0]
    )


def test_a_paid_intent_that_belongs_to_no_order_is_answered_and_recorded(client, stripe_settings):
    stray = stripe_client().v1.payment_intents.create(
        params={"amount": 2500, "currency": "usd", "metadata": {"order_id": "not a number"}}
    )
    pay_in_browser(stray.id)
    response = post(client, succeeded_event(stray.id, event_id="evt_nobody"))
    assert response.status_code == 200
    assert PaymentEvent.objects.get().outcome.startswith(f"No order has PaymentIntent {stray.id}")
