"""Learner-facing checkout views: thin wrappers around checkout.services and checkout.payments.

The browser is never trusted about money: prices come from the database when the order is
created, and the return page asks Stripe what happened to the PaymentIntent before showing
anything as paid.
"""

import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from .models import Order, OrderStatus
from .payments import PaymentError, ensure_payment_intent, fulfil_from_payment_intent, stripe_js_url
from .services import (
    CheckoutError,
    enrol_free,
    order_problem,
    purchasable_credentials,
    start_checkout,
    start_credit_checkout,
)

# My learning, where these views send the learner, is issuance's page (issuance/learning.py): it
# shows completions and credentials next to what checkout holds. Named, never imported.
MY_LEARNING = "issuance:my_learning"

logger = logging.getLogger(__name__)

PAYMENT_UNAVAILABLE = (
    "Payments are not available right now. Nothing has been charged; please try again in a few minutes."
)


def _own_order(request, number):
    # Someone else's order number is a 404, exactly like a number that does not exist.
    return get_object_or_404(
        Order.objects.select_related("user").prefetch_related("lines__microcredential", "refunds"),
        number=number,
        user=request.user,
    )


@login_required
def receipt(request, number):
    return TemplateResponse(request, "checkout/receipt.html", {"order": _own_order(request, number)})


@login_required
@require_POST
def enrol_in_free_credential(request, credential_id):
    try:
        enrolment = enrol_free(request.user, credential_id)
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect(MY_LEARNING)
    messages.success(request, f"You are enrolled in {enrolment.microcredential.title}.")
    return redirect(MY_LEARNING)


@login_required
@require_POST
def start(request, credential_id):
    """Enrol — and, if ticked, convert to credit — in a paid credential: make the order, go and pay."""
    try:
        order = start_checkout(
            request.user, credential_id, include_credit=request.POST.get("include_credit") == "1"
        )
    except CheckoutError as error:
        messages.error(request, str(error))
        return _back_to_credential(credential_id)
    return redirect("checkout:pay", number=order.number)


@login_required
@require_POST
def start_credit(request, credential_id):
    """Buy the credit conversion later, for a credential the learner is already enrolled in."""
    try:
        order = start_credit_checkout(request.user, credential_id)
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect(MY_LEARNING)
    return redirect("checkout:pay", number=order.number)


def _back_to_credential(credential_id):
    # A credential that is not for sale may show no message (a password form, a login page), so
    # the learner is told on My learning instead.
    credential = purchasable_credentials().filter(pk=credential_id).first()
    return redirect(credential.url if credential else MY_LEARNING)


@login_required
def pay(request, number):
    """Order summary and card form. Stripe.js confirms the payment; the return page checks it."""
    order = _own_order(request, number)
    if order.status != OrderStatus.PENDING:
        return redirect("checkout:complete", number=order.number)
    context = {"order": order, "problem": order_problem(order)}
    if not context["problem"]:
        try:
            intent = ensure_payment_intent(order)
        except stripe.StripeError:
            logger.exception("Could not create a PaymentIntent for order %s", order.number)
            context["problem"] = PAYMENT_UNAVAILABLE
        else:
            context.update(
                client_secret=intent.client_secret,
                publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
                stripe_js_url=stripe_js_url(),
                return_url=request.build_absolute_uri(reverse("checkout:complete", args=[order.number])),
            )
    return TemplateResponse(request, "checkout/pay.html", context)


@login_required
def complete(request, number):
    """Where Stripe.js sends the learner after paying. Asks Stripe, never the browser, what happened."""
    order = _own_order(request, number)
    payment_status = ""
    if order.status == OrderStatus.PENDING and order.payment_intent_id:
        try:
            intent, _result = fulfil_from_payment_intent(order.payment_intent_id)
            payment_status = intent.status
        except (stripe.StripeError, PaymentError):
            logger.exception("Could not check the payment of order %s", order.number)
            payment_status = "unknown"
        order = _own_order(request, number)
    return TemplateResponse(
        request, "checkout/complete.html", {"order": order, "payment_status": payment_status}
    )
