"""Refunds: staff give money back for a whole order or some of its lines.

Stripe is asked first, inside the transaction that holds the order row, so two staff members
clicking at once cannot refund the same line twice; the refund's idempotency key is derived
from the order and the lines, so a retry after a timeout returns the same Stripe refund rather
than a second one. Only after Stripe confirms are the lines marked refunded, the enrolment
revoked (or its credit reverted, for a credit-only refund) and the action written to Wagtail's
audit log. localstripe sends no refund webhooks, so the state comes from the API's answer.
"""

from decimal import Decimal

import stripe
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import CreditStatus, Enrolment, EnrolmentStatus, LineKind, Order, OrderStatus, Refund
from .money import to_cents
from .payments import stripe_client

REFUND_ACTION = "checkout.refund"


class RefundError(Exception):
    """The refund cannot be made; the message tells staff why. Nothing has changed."""


def refund(order, line_ids, reason, user):
    """Refund these lines of a paid order (all of them for a whole-order refund)."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundError("Give a reason for the refund.")
    line_ids = {int(pk) for pk in line_ids}
    if not line_ids:
        raise RefundError("Choose what to refund.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
            raise RefundError(f"Order {order.number} is {order.get_status_display().lower()}; only paid orders can be refunded.")
        lines = [line for line in order.lines.select_related("microcredential") if line.pk in line_ids]
        if len(lines) != len(line_ids):
            raise RefundError("Some of the chosen lines are not on this order.")
        if any(line.refunded_at for line in lines):
            raise RefundError("Some of the chosen lines have already been refunded.")
        _check_credit_goes_with_enrolment(order, lines)

        amount = sum((line.amount for line in lines), Decimal("0.00"))
        stripe_refund = _refund_in_stripe(order, lines, amount, reason) if amount else None
        record = Refund.objects.create(
            order=order,
            amount=amount,
            reason=reason,
            created_by=user,
            stripe_refund_id=stripe_refund.id if stripe_refund else None,
            stripe_status=stripe_refund.status if stripe_refund else "",
        )
        now = timezone.now()
        for line in lines:
            line.refunded_at, line.refund = now, record
            line.save(update_fields=["refunded_at", "refund"])
            _undo_line(order, line)
        everything_refunded = not order.lines.filter(refunded_at__isnull=True).exists()
        order.transition_to(OrderStatus.REFUNDED if everything_refunded else OrderStatus.PARTIALLY_REFUNDED)
        order.save(update_fields=["status"])
        log(
            instance=order,
            action=REFUND_ACTION,
            user=user,
            data={
                "amount": str(amount),
                "lines": [line.description for line in lines],
                "reason": reason,
                "stripe_refund_id": record.stripe_refund_id or "",
            },
        )
        return record


def _check_credit_goes_with_enrolment(order, lines):
    """Refunding an enrolment while its bought credit stays would leave credit without a course."""
    for line in lines:
        if line.kind != LineKind.ENROLMENT:
            continue
        enrolment = Enrolment.objects.filter(user=order.user, microcredential=line.microcredential).first()
        if enrolment is None or enrolment.credit_status != CreditStatus.PURCHASED:
            continue
        credit_refunded_too = any(
            other.kind == LineKind.CREDIT_CONVERSION and other.microcredential_id == line.microcredential_id
            for other in lines
        )
        if not credit_refunded_too:
            raise RefundError(
                f"The learner also bought academic credit for {line.microcredential.title}; "
                "refund the credit conversion first, or together with the enrolment."
            )


def _refund_in_stripe(order, lines, amount, reason):
    if not order.payment_intent_id:
        raise RefundError(f"Order {order.number} has no card payment to refund.")
    key = f"refund-{order.number}-" + "-".join(str(line.pk) for line in sorted(lines, key=lambda line: line.pk))
    try:
        result = stripe_client().v1.refunds.create(
            params={
                "payment_intent": order.payment_intent_id,
                "amount": to_cents(amount),
                "metadata": {"order_id": str(order.pk), "order_number": order.number, "reason": reason[:450]},
            },
            options={"idempotency_key": key},
        )
    except stripe.StripeError as error:
        message = getattr(error, "user_message", None) or str(error)
        raise RefundError(f"Stripe did not make the refund: {message}") from error
    if result.status not in ("succeeded", "pending"):
        raise RefundError(f"Stripe did not make the refund (status {result.status}).")
    return result


def _undo_line(order, line):
    enrolment = Enrolment.objects.select_for_update().filter(user=order.user, microcredential=line.microcredential).first()
    if enrolment is None:
        return
    if line.kind == LineKind.ENROLMENT:
        enrolment.status = EnrolmentStatus.REVOKED
        if enrolment.credit_status == CreditStatus.PURCHASED:
            enrolment.credit_status = CreditStatus.REVERTED
        enrolment.save(update_fields=["status", "credit_status"])
    elif line.kind == LineKind.CREDIT_CONVERSION and enrolment.credit_status == CreditStatus.PURCHASED:
        enrolment.credit_status = CreditStatus.REVERTED
        enrolment.save(update_fields=["credit_status"])
