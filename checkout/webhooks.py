"""Stripe webhook endpoint: verify the signature, check the event's shape, ask Stripe, then act once.

Anything signed but malformed (no id or type, no data.object, a PaymentIntent id that is not a
string) is answered 400 and changes nothing, not even a PaymentEvent row: without a usable id
there is nothing to key a record on, and a row that could itself fail to save (an id too long for
its column, a NUL character PostgreSQL cannot store) would turn the 400 into a 500. Such events are
logged instead.

Stripe is asked (the PaymentIntent, the list of refunds) before any transaction starts; the
event's id and its effects are then written in one short transaction, so a replay is a no-op and
no database lock is held while Stripe answers.
"""

import json
import logging
import re
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Order, PaymentEvent
from .payments import PaymentError, fulfil_from_intent, retrieve_intent
from .refunds import apply_refunds_from_stripe, list_refunds

REFUND_EVENTS = {"charge.refunded", "charge.refund.updated", "refund.created", "refund.updated"}

# Stripe's ids are letters, digits and underscores ("evt_1Nq…", "pi_3Mx…"); PaymentEvent's columns
# hold 255 characters for ids and 100 for the type.
STRIPE_ID = re.compile(r"[A-Za-z0-9_-]{1,255}")
EVENT_TYPE = re.compile(r"[a-z0-9_.]{1,100}")

logger = logging.getLogger(__name__)


class InvalidEvent(ValueError):
    """The request is not a well-formed, correctly signed, recent Stripe event."""


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    payment_intent_id: str  # the PaymentIntent the event is about, or ""


def parse_event(payload, signature_header):
    """The event in a webhook request, or InvalidEvent.

    The signature and its timestamp are checked by the stripe library (events signed more than
    five minutes ago are refused, so a captured request cannot be replayed later); the shape is
    checked here, on the plain JSON, so no odd value reaches the handlers.
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        body = json.loads(payload)
    except (ValueError, TypeError, RecursionError, stripe.SignatureVerificationError) as error:
        raise InvalidEvent(f"Invalid payload or signature: {error}") from error
    if not isinstance(body, dict):
        raise InvalidEvent("The event is not a JSON object.")
    event_id, event_type, data = body.get("id"), body.get("type"), body.get("data")
    if not _matches(STRIPE_ID, event_id):
        raise InvalidEvent("The event has no valid id.")
    if not _matches(EVENT_TYPE, event_type):
        raise InvalidEvent("The event has no valid type.")
    data_object = data.get("object") if isinstance(data, dict) else None
    if not isinstance(data_object, dict):
        raise InvalidEvent("The event has no data.object.")
    kind = data_object.get("object", "")
    if not isinstance(kind, str):
        raise InvalidEvent("data.object.object is not a string.")
    intent_id = ""
    if kind == "payment_intent":
        intent_id = data_object.get("id")
    elif kind in ("charge", "refund"):
        intent_id = data_object.get("payment_intent") or ""
        if isinstance(intent_id, dict):  # expanded
            intent_id = intent_id.get("id")
    if intent_id != "" and not _matches(STRIPE_ID, intent_id):
        raise InvalidEvent("The event's PaymentIntent id is not a valid id.")
    return WebhookEvent(event_id, event_type, intent_id)


def _matches(pattern, value):
    return isinstance(value, str) and pattern.fullmatch(value) is not None


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check replaces it.
@require_POST
def stripe_webhook(request):
    try:
        event = parse_event(request.body, request.headers.get("Stripe-Signature", ""))
    except InvalidEvent as error:
        logger.warning("Webhook refused: %s", error)
        return HttpResponseBadRequest(str(error))
    if PaymentEvent.objects.filter(event_id=event.id).exists():
        return HttpResponse("Already processed.")
    try:
        fetched = _ask_stripe(event)
    except stripe.InvalidRequestError as error:
        # Stripe says the object does not exist (or the request is wrong): retrying cannot help.
        logger.warning("Webhook %s: %s", event.id, error)
        PaymentEvent.objects.get_or_create(
            event_id=event.id,
            defaults={
                "event_type": event.type,
                "payment_intent_id": event.payment_intent_id,
                "outcome": str(error)[:255],
            },
        )
        return HttpResponse("Unknown to Stripe; ignored.")
    except stripe.StripeError as error:
        # Nothing was written: Stripe delivers the event again later.
        logger.warning("Webhook %s: Stripe could not be reached: %s", event.id, error)
        return HttpResponse("Payment service unavailable; deliver again later.", status=503)
    # One transaction for "seen this event" and its effects; a concurrent delivery of the same
    # event waits for it and then finds the id taken.
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = PaymentEvent.objects.create(
                    event_id=event.id, event_type=event.type, payment_intent_id=event.payment_intent_id
                )
        except IntegrityError:
            return HttpResponse("Already processed.")
        outcome = _apply(event, fetched)
        PaymentEvent.objects.filter(pk=record.pk).update(outcome=outcome[:255])
    return HttpResponse(outcome)


def _ask_stripe(event):
    """What Stripe says about the event's object, read outside any transaction (None: nothing to ask)."""
    if not event.payment_intent_id:
        return None
    if event.type == "payment_intent.succeeded":
        return retrieve_intent(event.payment_intent_id)
    has_order = Order.objects.filter(payment_intent_id=event.payment_intent_id).exists
    if event.type in REFUND_EVENTS and has_order():
        return list_refunds(event.payment_intent_id)
    return None


def _apply(event, fetched):
    """The event's effects in the database, from what Stripe said; returns the outcome to record."""
    if event.type == "payment_intent.succeeded" and fetched is not None:
        try:
            result = fulfil_from_intent(fetched)
        except PaymentError as error:
            logger.warning("Webhook %s: %s", event.id, error)
            return str(error)
        if result is None:
            return "not succeeded"
        return "fulfilled" if result.fulfilled_now else result.reason
    if event.type == "payment_intent.payment_failed":
        return "payment failed"  # the order stays pending and payable; nothing to undo
    if event.type in REFUND_EVENTS and event.payment_intent_id:
        if fetched is None:
            return "no order for this payment"
        return apply_refunds_from_stripe(event.payment_intent_id, fetched)
    return "ignored"
