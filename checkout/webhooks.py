"""Stripe webhook endpoint: verify the signature, record the event id, then act once."""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import PaymentEvent
from .payments import PaymentError, fulfil_from_payment_intent
from .refunds import sync_refunds_from_stripe

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
    try:
        # One transaction for "seen this event" and its effects: if Stripe cannot be reached while
        # handling it, both roll back and the 503 makes Stripe deliver it again later.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = PaymentEvent.objects.create(
                        event_id=event.id, event_type=event.type, payment_intent_id=intent_id
                    )
            except IntegrityError:
                return HttpResponse("Already processed.")
            outcome = _handle(event, intent_id)
            PaymentEvent.objects.filter(pk=record.pk).update(outcome=outcome[:255])
    except stripe.InvalidRequestError as error:
        # Stripe says the object does not exist (or the request is wrong): retrying cannot help.
        logger.warning("Webhook %s: %s", event.id, error)
        PaymentEvent.objects.create(
            event_id=event.id, event_type=event.type, payment_intent_id=intent_id, outcome=str(error)[:255]
        )
        return HttpResponse("Unknown to Stripe; ignored.")
    except stripe.StripeError as error:
        logger.warning("Webhook %s: Stripe could not be reached: %s", event.id, error)
        return HttpResponse("Payment service unavailable; deliver again later.", status=503)
    return HttpResponse(outcome)


def _handle(event, intent_id):
    if event.type == "payment_intent.succeeded" and intent_id:
        try:
            _intent, result = fulfil_from_payment_intent(intent_id)
        except PaymentError as error:
            logger.warning("Webhook %s: %s", event.id, error)
            return str(error)
        return (
            "fulfilled" if result and result.fulfilled_now else (result.reason if result else "not succeeded")
        )
    if event.type == "payment_intent.payment_failed":
        return "payment failed"  # the order stays pending and payable; nothing to undo
    if event.type in REFUND_EVENTS and intent_id:
        return sync_refunds_from_stripe(intent_id)
    return "ignored"
