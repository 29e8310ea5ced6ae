"""Talking to Stripe (or localstripe) with the official library.

Only parameters that both Stripe and localstripe accept are sent (localstripe refuses unknown
ones with 400): amount, currency, metadata. One PaymentIntent per order, created with an
idempotency key derived from the order; fulfilment always re-reads the intent from the API
rather than trusting the browser or a webhook body.

No call to Stripe is made inside a database transaction: a transaction waiting on the network
would hold its locks (on SQLite, the whole database's write lock) for as long as Stripe takes, and
every other checkout would wait behind it. Stripe is asked first; what it said is then applied in
a short transaction (fulfil_from_intent()).
"""

import functools
import logging

import stripe
from django.conf import settings
from django.db import transaction

from .models import Order
from .money import to_cents
from .services import FulfilmentResult, fulfil_order

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    pass


def stripe_client():
    # One client per key and address, so its HTTP session (and kept-alive connection) is reused.
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=4)
def _client(secret_key, api_base):
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(secret_key, base_addresses=base, max_network_retries=2)


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


def stripe_js_url():
    """Stripe.js for the checkout page: the setting, else localstripe's patched fake, else Stripe's."""
    if settings.STRIPE_JS_URL:
        return settings.STRIPE_JS_URL
    if settings.STRIPE_API_BASE:
        return settings.STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/devtools/"
    return "https://js.stripe.com/v3/"


def retrieve_intent(intent_id):
    # The card's brand and last four digits come with the intent, for the receipt.
    return stripe_client().v1.payment_intents.retrieve(intent_id, params={"expand": ["payment_method"]})


def card_details(intent):
    method = intent.payment_method
    card = getattr(method, "card", None) if method is not None and not isinstance(method, str) else None
    if card is None:
        return "", ""
    return (getattr(card, "brand", "") or ""), (getattr(card, "last4", "") or "")


def fulfil_from_payment_intent(intent_id):
    """Fulfil the order behind a PaymentIntent if Stripe says it succeeded.

    Returns (intent, result): result is None while the intent has not succeeded.
    """
    intent = retrieve_intent(intent_id)
    return intent, fulfil_from_intent(intent)


def fulfil_from_intent(intent):
    """Apply a PaymentIntent just read from Stripe to its order; the database only, no Stripe call.

    The order is the one we stored the intent's id on, and the intent's metadata must name the
    same order. A succeeded intent where they disagree (metadata edited in Stripe, or naming an
    order that does not exist) is not fulfilled, and not dropped either: the order that has the
    intent records the payment and is flagged, and so is the order the metadata names, each with a
    note saying so. Returns None while the intent has not succeeded.
    """
    order = Order.objects.filter(payment_intent_id=intent.id).first()
    metadata = intent.metadata.to_dict() if intent.metadata else {}  # stripe 16 objects are not dicts
    named_id = metadata.get("order_id")
    if order is not None and str(order.pk) == named_id:
        if intent.status != "succeeded":
            return None
        brand, last4 = card_details(intent)
        return fulfil_order(order.pk, intent.amount, intent.currency, card_brand=brand, card_last4=last4)
    if intent.status != "succeeded":  # no money has moved; nothing for staff to do yet
        who = order.number if order else "no order"
        raise PaymentError(f"PaymentIntent {intent.id} (of {who}) has metadata naming order {named_id!r}.")
    return _flag_mismatched_payment(intent, order, named_id)


def _flag_mismatched_payment(intent, order, named_id):
    named = _order_by_pk(named_id)
    named = None if named is not None and order is not None and named.pk == order.pk else named
    paid = f"{intent.amount} {intent.currency}"
    if order is None and named is None:
        logger.error("PaymentIntent %s succeeded (%s); no order has it or is named.", intent.id, paid)
        raise PaymentError(f"No order has PaymentIntent {intent.id}, and its metadata names no order.")
    result = None
    if order is not None:
        if named is not None:
            metadata_says = f"order {named.number}"
        else:
            metadata_says = f"an order we do not have ({named_id!r})" if named_id else "no order"
        brand, last4 = card_details(intent)
        result = fulfil_order(
            order.pk,
            intent.amount,
            intent.currency,
            card_brand=brand,
            card_last4=last4,
            hold=f"the PaymentIntent's metadata in Stripe names {metadata_says}, not this order",
        )
    if named is not None:
        with transaction.atomic():
            named = Order.objects.select_for_update().get(pk=named.pk)
            belongs_to = f"order {order.number}" if order else "no order of ours"
            named.flag_for_review(
                f"Stripe's PaymentIntent {intent.id} ({paid}, succeeded) names this order in its metadata, "
                f"but it belongs to {belongs_to}; no payment was recorded on this order. Check it in Stripe."
            )
        result = result or FulfilmentResult(named, False, "metadata names another order")
    return result


def _order_by_pk(value):
    # Metadata is free text: only a plausible primary key is looked up.
    if not isinstance(value, str) or not value.isdigit() or len(value) > 18:
        return None
    return Order.objects.filter(pk=int(value)).first()
