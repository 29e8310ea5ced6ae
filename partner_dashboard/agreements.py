"""Which share applies to a sale, and when an agreement may still be changed.

A sale (an order line) is shared under the partner's agreement in effect on the day its order was
paid: the one with the latest `effective_from` on or before that day, its override for the
credential if it has one, else its percentage. Before a partner's first agreement the share is
0%. A refund gives back the share of the sale it refunds, at that sale's rate, in the month of
the refund.

The rate is one SQL CASE expression over the agreements' periods, so the statement's lines and
every total are computed by the database from the same expression, in integer cents: on SQLite
(which stores decimals as floating point) and PostgreSQL alike, each line's share is
round-half-up of amount × rate, and totals are sums of those cents.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.db.models.functions import Cast, Round
from django.utils import timezone

from .models import RevenueAgreement


@dataclass
class Period:
    """One agreement's time in effect: [start, end), end None for the current one."""

    agreement: RevenueAgreement
    start: datetime.datetime
    end: datetime.datetime | None
    overrides: dict = field(default_factory=dict)  # credential id → basis points

    @property
    def last_day(self):
        """The last day the agreement applies to, None while it is the current one."""
        return None if self.end is None else timezone.localtime(self.end).date() - datetime.timedelta(days=1)


def day_start(day):
    """Midnight at the start of `day` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(day):
    return next_month(day) - datetime.timedelta(days=1)


def periods(partner):
    """The partner's agreements as periods, oldest first (two queries)."""
    agreements = list(
        RevenueAgreement.objects.filter(partner=partner)
        .order_by("effective_from")
        .prefetch_related("overrides__microcredential")
    )
    result = []
    for index, agreement in enumerate(agreements):
        following = agreements[index + 1] if index + 1 < len(agreements) else None
        result.append(
            Period(
                agreement=agreement,
                start=day_start(agreement.effective_from),
                end=day_start(following.effective_from) if following else None,
                overrides={o.microcredential_id: o.basis_points for o in agreement.overrides.all()},
            )
        )
    return result


def agreement_on(agreement_periods, day):
    """The period in effect on `day`, or None before the first agreement."""
    moment = day_start(day)
    for period in reversed(agreement_periods):
        if period.start <= moment:
            return period
    return None


def cents(field_name):
    """A decimal dollars column as integer cents (ROUND first: SQLite holds 19.99 as 19.989999…)."""
    return Cast(Round(F(field_name) * 100), BigIntegerField())


def share_basis_points(agreement_periods, paid_at="order__paid_at", credential="microcredential_id"):
    """The share rate of an order line, in basis points, as a SQL expression."""
    whens = []
    for period in agreement_periods:
        in_period = Q(**{f"{paid_at}__gte": period.start})
        if period.end is not None:
            in_period &= Q(**{f"{paid_at}__lt": period.end})
        for credential_id, points in period.overrides.items():
            whens.append(When(in_period & Q(**{credential: credential_id}), then=Value(points)))
        whens.append(When(in_period, then=Value(period.agreement.basis_points)))
    if not whens:
        return Value(0, output_field=BigIntegerField())
    return Case(*whens, default=Value(0), output_field=BigIntegerField())


def share_cents(agreement_periods, amount="amount", **fields):
    """The partner's share of an order line in integer cents: amount × rate, rounded half up."""
    return (cents(amount) * share_basis_points(agreement_periods, **fields) + Value(5000)) / Value(10000)


# When an agreement may be written --------------------------------------------------------------


def first_open_day(today=None):
    """The earliest day an agreement may take effect from: the first day of the current month.
    Statements are for months that are over, so an agreement starting in this month changes no
    statement; one starting earlier would rewrite months a partner has been told about."""
    today = today or timezone.localdate()
    return today.replace(day=1)


def is_locked(agreement, today=None):
    """An agreement that began in a month already over can no longer be edited or deleted:
    a new agreement takes over from its own date instead."""
    return agreement.pk is not None and agreement.effective_from < first_open_day(today)
