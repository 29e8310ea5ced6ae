"""Each credential's totals for months that are over, stored once instead of counted on every view.

What it replaces: adding up every order line of a long range each time the dashboard or the
statements list is opened (at 500 credentials and 100,000 orders, a 12-month dashboard spent
most of its 400–800 ms doing that: docs/PERFORMANCE.md). A month that is over does not change:
its sales were paid in it, its refunds made in it, and no agreement may start in it
(agreements.py). So the first view that needs such a month counts it with the same grouped
queries as the live path (queries.py) and stores a CredentialMonth row per credential (zeros
included); later views read those rows. The current month, and the part-months at the ends of a
custom range, are always counted live.

When stored months are forgotten: saving or deleting an order line, an order, a free enrolment
or an agreement deletes the stored months it touches (the receivers at the end), so a hand
correction of a past month is counted again at the next view. Bulk writes (QuerySet.update,
bulk_create) send no signals; code that writes past months in bulk calls forget() afterwards.

tests/partner_dashboard/test_rollups.py checks that the stored path gives exactly the figures of
counting everything live, and that each kind of change is counted again.
"""

import datetime

from django.db.models import Sum
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from checkout.models import Enrolment, Order, OrderLine

from .agreements import day_start, first_open_day, month_end, next_month
from .models import AgreementOverride, CredentialMonth, RevenueAgreement
from .queries import as_date, by_month, free_enrolments, refunds, sales

# The stored figures of one credential in one month, in the order of CredentialMonth's fields.
FIELDS = ("enrolments", "credit_conversions", "gross_cents", "refunded_lines", "refund_cents", "share_cents")


def whole_months_over(start, end, today=None):
    """The months wholly inside [start, end] (dates, both included) that are over."""
    months = []
    month = start if start.day == 1 else next_month(start)
    while month_end(month) <= end and month < first_open_day(today):
        months.append(month)
        month = next_month(month)
    return months


def live_window(start, end, months):
    """The [start, end) intervals (aware datetimes) of [start, end] not covered by `months`,
    which are consecutive: at most a part-month before them and whatever follows them."""
    start_at, end_at = day_start(start), day_start(end + datetime.timedelta(days=1))
    if not months:
        return [(start_at, end_at)]
    window = []
    first_at, after_at = day_start(months[0]), day_start(next_month(months[-1]))
    if start_at < first_at:
        window.append((start_at, first_at))
    if after_at < end_at:
        window.append((after_at, end_at))
    return window


def ensure_stored(credential_ids, months, agreement_periods):
    """Count and store the months of these credentials not stored yet. One query when all are
    (the usual case), a few more the first time a month is needed."""
    if not credential_ids or not months:
        return
    rows = CredentialMonth.objects.filter(credential_id__in=credential_ids, month__in=months)
    if rows.count() == len(credential_ids) * len(months):
        return
    stored = set(rows.values_list("credential_id", "month"))
    missing = sorted(
        {month for month in months for credential in credential_ids if (credential, month) not in stored}
    )
    counted = count(credential_ids, missing, agreement_periods)
    CredentialMonth.objects.bulk_create(
        [
            CredentialMonth(credential_id=credential, month=month, **dict(zip(FIELDS, figures, strict=True)))
            for (credential, month), figures in counted.items()
            if (credential, month) not in stored
        ],
        ignore_conflicts=True,  # another request stored the same month meanwhile: same figures
        batch_size=1000,
    )


def stored_totals(credential_ids, months, agreement_periods, by):
    """The stored figures (FIELDS) of these credentials in these months that are over, added up
    by the database per credential (`by="credential_id"`) or per month (`by="month"`):
    {key: figures tuple}. Stores what is missing first."""
    if not credential_ids or not months:
        return {}
    ensure_stored(credential_ids, months, agreement_periods)
    rows = (
        CredentialMonth.objects.filter(credential_id__in=credential_ids, month__in=months)
        .values(by)
        .annotate(**{f"total_{name}": Sum(name) for name in FIELDS})
        .order_by()
        .values_list(by, *(f"total_{name}" for name in FIELDS))
    )
    return {key: tuple(value or 0 for value in figures) for key, *figures in rows}


def count(credential_ids, months, agreement_periods):
    """The figures of these credentials in these months, counted from the orders (three queries)."""
    figures = {(credential, month): [0] * len(FIELDS) for credential in credential_ids for month in months}
    window = [(day_start(month), day_start(next_month(month))) for month in months]
    for row in sales(credential_ids, window, agreement_periods, by_month):
        target = figures[row["microcredential_id"], as_date(row["period"])]
        target[0] += row["enrolments"]
        target[1] += row["credit_conversions"]
        target[2] += row["gross_cents"] or 0
        target[5] += row["share_cents"] or 0
    for row in refunds(credential_ids, window, agreement_periods, by_month):
        target = figures[row["microcredential_id"], as_date(row["period"])]
        target[3] += row["refunded_lines"]
        target[4] += row["refund_cents"] or 0
        target[5] -= row["share_cents"] or 0
    for row in free_enrolments(credential_ids, window, by_month):
        figures[row["microcredential_id"], as_date(row["period"])][0] += row["enrolments"]
    return {key: tuple(values) for key, values in figures.items()}


# Forgetting -------------------------------------------------------------------------------------


def _month_over(moment):
    return moment is not None and timezone.localtime(moment).date() < first_open_day()


def forget(credential_ids=None, moments=()):
    """Drop stored months: of these credentials (all if None) at these moments' months (all
    months if none given). Only months that are over are ever stored."""
    months = {timezone.localtime(moment).date().replace(day=1) for moment in moments if _month_over(moment)}
    if moments and not months:
        return
    rows = CredentialMonth.objects.all()
    if credential_ids is not None:
        rows = rows.filter(credential_id__in=credential_ids)
    if months:
        rows = rows.filter(month__in=months)
    rows.delete()


@receiver([post_save, post_delete], sender=OrderLine)
def forget_order_line_months(sender, instance, **kwargs):
    order = instance._state.fields_cache.get("order")
    paid_at = order.paid_at if order is not None else None
    if order is None and instance.order_id is not None:
        paid_at = Order.objects.filter(pk=instance.order_id).values_list("paid_at", flat=True).first()
    moments = [moment for moment in (paid_at, instance.refunded_at) if _month_over(moment)]
    if moments:
        forget([instance.microcredential_id], moments)


@receiver([post_save, post_delete], sender=Order)
def forget_order_months(sender, instance, **kwargs):
    if _month_over(instance.paid_at):
        forget(
            list(OrderLine.objects.filter(order_id=instance.pk).values_list("microcredential_id", flat=True)),
            [instance.paid_at],
        )


@receiver([post_save, post_delete], sender=Enrolment)
def forget_free_enrolment_months(sender, instance, **kwargs):
    if instance.order_id is None and _month_over(instance.created_at):
        forget([instance.microcredential_id], [instance.created_at])


@receiver([post_save, post_delete], sender=RevenueAgreement)
def forget_agreement_months(sender, instance, **kwargs):
    from catalog.models import MicrocredentialPage

    forget(
        list(MicrocredentialPage.objects.filter(provider_id=instance.partner_id).values_list("pk", flat=True))
    )


@receiver([post_save, post_delete], sender=AgreementOverride)
def forget_override_months(sender, instance, **kwargs):
    forget([instance.microcredential_id])
