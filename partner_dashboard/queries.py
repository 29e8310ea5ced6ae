"""The grouped queries behind the dashboard, the statements list and the stored monthly totals:
order lines and free enrolments of some credentials, within some time windows, grouped by
credential and period. A window is a list of [start, end) intervals of aware datetimes, so one
query covers the parts of a range that are not stored per month (rollups.py)."""

import datetime

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Cast, TruncMonth

from checkout.models import Enrolment, LineKind, OrderLine

from .agreements import cents, share_cents


def within(field_name, window):
    """`field_name` in any of the window's [start, end) intervals; nothing for an empty window
    (answered without a query)."""
    if not window:
        return Q(pk__in=[])
    condition = Q()
    for start, end in window:
        condition |= Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return condition


def of_credentials(credentials, prefix=""):
    """Rows of these credentials: a list of ids, or a partner page for all it offers (a join on
    the provider, faster than a list of hundreds of ids)."""
    if isinstance(credentials, list | tuple | set):
        return Q(**{f"{prefix}microcredential_id__in": credentials})
    return Q(**{f"{prefix}microcredential__provider_id": credentials.pk})


def by_month(field_name):
    """The first day of a moment's month in the site's time zone, as a date made by the database.
    TruncMonth alone returns datetimes that Django makes time-zone aware one row at a time: at
    100,000 orders dashboard() took 594 ms with it, 409 ms without (docs/PERFORMANCE.md)."""
    return Cast(TruncMonth(field_name), DateField())


def sales(credentials, window, agreement_periods, period):
    """Paid order lines grouped by credential and period: counts, gross and share."""
    return (
        OrderLine.objects.filter(within("order__paid_at", window), of_credentials(credentials))
        .annotate(period=period("order__paid_at"))
        .values("microcredential_id", "period")
        .annotate(
            enrolments=Count("pk", filter=Q(kind=LineKind.ENROLMENT)),
            credit_conversions=Count("pk", filter=Q(kind=LineKind.CREDIT_CONVERSION)),
            gross_cents=Sum(cents("amount")),
            share_cents=Sum(share_cents(agreement_periods)),
        )
        .order_by()
    )


def refunds(credentials, window, agreement_periods, period):
    """Refunded order lines grouped by credential and the period of the refund."""
    return (
        OrderLine.objects.filter(within("refunded_at", window), of_credentials(credentials))
        .annotate(period=period("refunded_at"))
        .values("microcredential_id", "period")
        .annotate(
            refunded_lines=Count("pk"),
            refund_cents=Sum(cents("amount")),
            share_cents=Sum(share_cents(agreement_periods)),
        )
        .order_by()
    )


def free_enrolments(credentials, window, period):
    """Enrolments without an order (free credentials) grouped by credential and period."""
    return (
        Enrolment.objects.filter(
            within("created_at", window), of_credentials(credentials), order__isnull=True
        )
        .annotate(period=period("created_at"))
        .values("microcredential_id", "period")
        .annotate(enrolments=Count("pk"))
        .order_by()
    )


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value
