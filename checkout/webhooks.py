"""Stripe webhook endpoint: verify the signature, ask Stripe, then record the event id and act once.

Stripe is asked (the PaymentIntent, the list of refunds) before any transaction starts; the
event's id and its effects are then written in one short transaction, so a replay is a no-op and
no database lock is held while Stripe answers.
"""

import logging

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

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check below replaces it.
@require_POST
def stripe_webhook(request):
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("Invalid payload or signature.")

    intent_id = ""
    data_object = event.data.object if event.data else None
    kind = getattr(data_object, "object", "") if data_object is not None else ""
    if kind == "payment_intent":
        intent_id = data_object.id
    elif kind in ("charge", "refund"):
        intent_id = getattr(data_object, "payment_intent", "") or ""
        intent_id = intent_id if isinstance(intent_id, str) else intent_id.id
    if PaymentEvent.objects.filter(event_id=event.id).exists():
        return HttpResponse("Already processed.")
    try:
        fetched = _ask_stripe(event.type, intent_id)
    except stripe.InvalidRequestError as error:
        # Stripe says the object does not exist (or the request is wrong): retrying cannot help.
        logger.warning("Webhook %s: %s", event.id, error)
        PaymentEvent.objects.get_or_create(
            event_id=event.id,
            defaults={"event_type": event.type, "payment_intent_id": intent_id, "outcome": str(error)[:255]},
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
                    event_id=event.id, event_type=event.type, payment_intent_id=intent_id
                )
        except IntegrityError:
            return HttpResponse("Already processed.")
        outcome = _apply(event, intent_id, fetched)
        PaymentEvent.objects.filter(pk=record.pk).update(outcome=outcome[:255])
    return HttpResponse(outcome)


def _ask_stripe(event_type, intent_id):
    """What Stripe says about the event's object, read outside any transaction (None: nothing to ask)."""
    if not intent_id:
        return None
    if event_type == "payment_intent.succeeded":
        return retrieve_intent(intent_id)
    if event_type in REFUND_EVENTS and Order.objects.filter(payment_intent_id=intent_id).exists():
        return list_refunds(intent_id)
    return None


def _apply(event, intent_id, fetched):
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
    if event.type in REFUND_EVENTS and intent_id:
        if fetched is None:
            return "no order for this payment"
        return apply_refunds_from_stripe(intent_id, fetched)
    return "ignored"
