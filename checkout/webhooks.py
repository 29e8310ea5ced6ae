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
    if data_object is not None and getattr(data_object, "object", "") == "payment_intent":
        intent_id = data_object.id
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(event_id=event.id, event_type=event.type, payment_intent_id=intent_id)
    except IntegrityError:
        return HttpResponse("Already processed.")

    outcome = "ignored"
    if event.type == "payment_intent.succeeded" and intent_id:
        try:
            _intent, result = fulfil_from_payment_intent(intent_id)
            outcome = "fulfilled" if result and result.fulfilled_now else (result.reason if result else "not succeeded")
        except PaymentError as error:
            logger.warning("Webhook %s: %s", event.id, error)
            outcome = str(error)[:255]
    elif event.type == "payment_intent.payment_failed":
        outcome = "payment failed"
    PaymentEvent.objects.filter(pk=record.pk).update(outcome=outcome)
    return HttpResponse(outcome)
