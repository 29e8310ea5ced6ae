"""Talking to Stripe (or localstripe) with the official library.

Only parameters that both Stripe and localstripe accept are sent (localstripe refuses unknown
ones with 400): amount, currency, metadata. One PaymentIntent per order, created with an
idempotency key derived from the order; fulfilment always re-reads the intent from the API
rather than trusting the browser or a webhook body.
"""

import stripe
from django.conf import settings

from .models import Order
from .money import to_cents
from .services import fulfil_order


class PaymentError(Exception):
    pass


def stripe_client():
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def ensure_payment_intent(order):
    """The order's PaymentIntent, created on first use (same amount as the stored total)."""
    client = stripe_client()
    if order.payment_intent_id:
        return client.v1.payment_intents.retrieve(order.payment_intent_id)
    intent = client.v1.payment_intents.create(
        params={
            "amount": to_cents(order.total),
            "currency": order.currency.lower(),
            "metadata": {"order_id": str(order.pk), "order_number": order.number},
        },
        options={"idempotency_key": f"order-{order.number}-payment-intent"},
    )
    Order.objects.filter(pk=order.pk, payment_intent_id__isnull=True).update(payment_intent_id=intent.id)
    order.refresh_from_db(fields=["payment_intent_id"])
    if order.payment_intent_id != intent.id:  # another request created one first
        return client.v1.payment_intents.retrieve(order.payment_intent_id)
    return intent


def fulfil_from_payment_intent(intent_id):
    """Fulfil the order behind a PaymentIntent if Stripe says it succeeded."""
    intent = stripe_client().v1.payment_intents.retrieve(intent_id)
    order = Order.objects.filter(payment_intent_id=intent.id).first()
    if order is None:
        raise PaymentError(f"No order has PaymentIntent {intent.id}.")
    metadata = intent.metadata.to_dict() if intent.metadata else {}  # stripe 16 objects are not dicts
    if str(order.pk) != metadata.get("order_id"):
        raise PaymentError(f"PaymentIntent {intent.id} metadata does not name order {order.number}.")
    if intent.status != "succeeded":
        return None
    return fulfil_order(order.pk, intent.amount, intent.currency)
