"""Marking a month's statement paid: staff record that the partner was paid its share."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from .access import can_mark_paid
from .figures import month_start, next_month, statement
from .models import StatementPayment

MARK_PAID_ACTION = "partner_dashboard.mark_paid"


class PaymentRefused(Exception):
    """The statement cannot be marked paid; the message says why. Nothing was written."""


def mark_paid(user, partner, month, reference=""):
    """Record that `partner` was paid its share for `month`, with that month's figures as they are.

    Only for a month that is over (its figures can still change until then), with something due,
    and once: a second click, or two staff members at once, find it paid (the database's unique
    constraint decides between them)."""
    if not can_mark_paid(user):
        raise PermissionDenied
    month = month_start(month)
    if next_month(month) > timezone.localdate():
        raise PaymentRefused(f"{month:%B %Y} is not over yet: its statement can still change.")
    if StatementPayment.objects.filter(partner=partner, month=month).exists():
        raise PaymentRefused(f"{month:%B %Y} is already marked paid.")
    figures = statement(partner, month).totals
    if figures.share_cents <= 0:
        raise PaymentRefused(f"Nothing is due to {partner.title} for {month:%B %Y}.")
    try:
        with transaction.atomic():
            payment = StatementPayment.objects.create(
                partner=partner,
                month=month,
                gross=figures.gross,
                refunds=figures.refunds,
                net=figures.net,
                amount=figures.share,
                reference=reference.strip(),
                paid_by=user,
            )
            log(
                instance=partner,
                action=MARK_PAID_ACTION,
                user=user,
                data={
                    "month": f"{month:%Y-%m}",
                    "amount": str(payment.amount),
                    "reference": payment.reference,
                },
            )
    except IntegrityError:
        raise PaymentRefused(f"{month:%B %Y} is already marked paid.") from None
    return payment
