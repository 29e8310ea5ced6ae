"""Refunds: staff give money back for a whole order or some of its lines.

Stripe is never asked inside a database transaction (a transaction waiting on the network holds
its locks, on SQLite the whole database's write lock, for as long as Stripe takes). So a refund
runs in three steps: the order is locked and the request checked; Stripe makes the refund; the
order is locked again, checked again, and the refund recorded. The refund's idempotency key is
derived from the order and the lines, so two staff members refunding the same lines at once, or a
retry after a timeout, get the same Stripe refund rather than a second one, and the second to
record it finds it recorded. Should the lines have been refunded meanwhile by another refund (a
different selection, or a server that ignores idempotency keys, as localstripe does), the money
Stripe just gave back is not lost from view: the order is flagged for staff. Only after Stripe
confirms are the lines marked refunded, the enrolment revoked (or its credit reverted, for a
credit-only refund), the order's new status and the refund written to its history, and the action
to Wagtail's audit log. localstripe sends no refund webhooks, so the state comes from the API's
answer.

Refunds made in Stripe's dashboard arrive by webhook: list_refunds() asks Stripe,
apply_refunds_from_stripe() records what it said, in that order and for the same reason.
"""

from decimal import Decimal

import stripe
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from catalog.money import format_money

from .models import (
    CreditStatus,
    Enrolment,
    EnrolmentStatus,
    LineKind,
    Order,
    OrderEventKind,
    OrderStatus,
    Refund,
)
from .money import to_cents
from .payments import stripe_client
from .signals import enrolment_revoked

REFUND_ACTION = "checkout.refund"


class RefundError(Exception):
    """The refund cannot be made; the message tells staff why.

    Nothing has changed, with one exception: if Stripe made the refund but the order changed
    meanwhile so that it cannot be recorded, the order is flagged for review (and the message says
    so), because money has moved.
    """


def refund(order, line_ids, reason, user):
    """Refund these lines of a paid order (all of them for a whole-order refund)."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundError("Give a reason for the refund.")
    line_ids = {int(pk) for pk in line_ids}
    if not line_ids:
        raise RefundError("Choose what to refund.")
    with transaction.atomic():
        order, lines = _refundable(order.pk, line_ids)
        amount = sum((line.amount for line in lines), Decimal("0.00"))
        if not amount:  # nothing to give back through Stripe
            return _record(order, lines, amount, reason, user, None)
    stripe_refund = _refund_in_stripe(order, lines, amount, reason)
    with transaction.atomic():
        # The order's lock first: whoever recorded this refund meanwhile has committed by then.
        order = Order.objects.select_for_update().get(pk=order.pk)
        recorded = Refund.objects.filter(stripe_refund_id=stripe_refund.id).first()
        if recorded is not None:
            # The same Stripe refund (same idempotency key) was recorded meanwhile: a second click, or
            # its webhook arriving first and recording it as made outside the admin.
            if recorded.created_by_id != getattr(user, "pk", None) or recorded.reason != reason:
                order.add_note(f"Refund {stripe_refund.id} was asked for again. Reason: {reason}", by=user)
            return recorded
        try:
            order, lines = _refundable(order.pk, line_ids)
        except RefundError as error:
            conflict = str(error)
            order.flag_for_review(
                f"Stripe made refund {stripe_refund.id} of {format_money(amount)}, but it could not be "
                f"recorded because meanwhile: {conflict} Money may have been refunded twice; check the "
                "order's refunds in Stripe."
            )
        else:
            return _record(order, lines, amount, reason, user, stripe_refund)
    raise RefundError(
        f"Stripe made refund {stripe_refund.id}, but the order changed meanwhile ({conflict}); "
        "it is flagged for review."
    )


def _refundable(order_pk, line_ids):
    """The order, locked, and the chosen lines, if they can be refunded now; else RefundError."""
    order = Order.objects.select_for_update().get(pk=order_pk)
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        raise RefundError(
            f"Order {order.number} is {order.get_status_display().lower()}; only paid orders can be refunded."
        )
    lines = [line for line in order.lines.select_related("microcredential") if line.pk in line_ids]
    if len(lines) != len(line_ids):
        raise RefundError("Some of the chosen lines are not on this order.")
    if any(line.refunded_at for line in lines):
        raise RefundError("Some of the chosen lines have already been refunded.")
    _check_credit_goes_with_enrolment(order, lines)
    return order, lines


def _record(order, lines, amount, reason, user, stripe_refund):
    """Write down a refund Stripe has made, and undo what the refunded lines gave the learner."""
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
    descriptions = "; ".join(line.description for line in lines)
    order.transition_to(
        OrderStatus.REFUNDED if everything_refunded else OrderStatus.PARTIALLY_REFUNDED,
        by=user,
        kind=OrderEventKind.REFUND,
        note=f"{format_money(amount)} refunded ({record.stripe_refund_id or 'no card refund'}) for "
        f"{descriptions}. Reason: {reason}",
    )
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


def sync_refunds_from_stripe(payment_intent_id):
    """Take in refunds made outside our admin (e.g. in Stripe's dashboard): ask Stripe, then record."""
    if not Order.objects.filter(payment_intent_id=payment_intent_id).exists():
        return "no order for this payment"
    return apply_refunds_from_stripe(payment_intent_id, list_refunds(payment_intent_id))


def list_refunds(payment_intent_id):
    """Stripe's refunds of a PaymentIntent (the truth about them); called outside any transaction."""
    return stripe_client().v1.refunds.list(params={"payment_intent": payment_intent_id, "limit": 100}).data


def apply_refunds_from_stripe(payment_intent_id, listed):
    """Record the refunds in Stripe's list (list_refunds()) that we have not recorded yet.

    Refunds we already recorded are skipped by id, under the order's lock, so the admin and a
    webhook, or two webhooks, never record one twice. A refund of the whole remaining amount, or of
    exactly one line's amount, is applied to those lines; anything else is flagged for staff,
    because we cannot tell which line it was for. Returns what was done, for the webhook's record.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
        if order is None:
            return "no order for this payment"
        known = set(order.refunds.exclude(stripe_refund_id=None).values_list("stripe_refund_id", flat=True))
        new = [r for r in listed if r.id not in known and r.status in ("succeeded", "pending")]
        outcomes = []
        for stripe_refund in sorted(new, key=lambda r: r.created or 0):
            outcomes.append(_apply_outside_refund(order, stripe_refund))
        return "; ".join(outcomes) or "refunds already recorded"


def _apply_outside_refund(order, stripe_refund):
    open_lines = [line for line in order.lines.select_related("microcredential") if line.refunded_at is None]
    remaining = sum((line.amount for line in open_lines), Decimal("0.00"))
    cents = stripe_refund.amount
    if open_lines and cents == to_cents(remaining):
        lines = open_lines
    else:
        matching = [line for line in open_lines if to_cents(line.amount) == cents]
        # Prefer the credit line: refunding it alone never leaves credit without an enrolment.
        matching.sort(key=lambda line: line.kind != LineKind.CREDIT_CONVERSION)
        lines = matching[:1]
        if lines and lines[0].kind == LineKind.ENROLMENT:
            try:
                _check_credit_goes_with_enrolment(order, lines)
            except RefundError:
                lines = []
    if not lines or order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        order.flag_for_review(
            f"Stripe refund {stripe_refund.id} of {cents} cents was made outside the admin "
            "and does not match the order's lines; check the enrolment by hand."
        )
        return f"flagged {stripe_refund.id}"
    amount = sum((line.amount for line in lines), Decimal("0.00"))
    _record(order, lines, amount, "Refunded in Stripe, outside the admin", None, stripe_refund)
    return f"recorded {stripe_refund.id}"


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
    key = f"refund-{order.number}-" + "-".join(
        str(line.pk) for line in sorted(lines, key=lambda line: line.pk)
    )
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
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user=order.user, microcredential=line.microcredential)
        .first()
    )
    if enrolment is None:
        return
    if line.kind == LineKind.ENROLMENT:
        previous_status = enrolment.status
        enrolment.status = EnrolmentStatus.REVOKED
        if enrolment.credit_status == CreditStatus.PURCHASED:
            enrolment.credit_status = CreditStatus.REVERTED
        enrolment.save(update_fields=["status", "credit_status"])
        enrolment_revoked.send(sender=Enrolment, enrolment=enrolment, previous_status=previous_status)
    elif line.kind == LineKind.CREDIT_CONVERSION and enrolment.credit_status == CreditStatus.PURCHASED:
        enrolment.credit_status = CreditStatus.REVERTED
        enrolment.save(update_fields=["credit_status"])
