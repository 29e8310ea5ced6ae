"""A partner's figures: per credential, over time and per month, from the orders and completions.

Everything is counted by the database in a fixed number of grouped queries, whatever the number
of credentials and orders (tests assert the count):

- **Sales** are order lines of paid orders (refunded ones included: the sale happened), counted
  in the period their order was paid. Enrolments are enrolment lines plus free enrolments (no
  order); credit conversions are credit lines, bought with the enrolment or later.
- **Refunds** are refunded order lines, counted in the period of the refund, not of the sale:
  a refund in March reduces March, and March's statement shows it.
- **Share** is the partner's share under its agreements (partner_dashboard/agreements.py): of
  each sale, at the rate on the day it was paid; a refund takes back that same share.
- **Completions** (issued, claimed, shared) are current completions of the partner's credentials
  completed in the period (issuance's own counting, issuance/reports.py).

Money is integer cents until it is shown: Decimal dollars from `dollars()`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import MicrocredentialPage
from checkout.models import LineKind, OrderLine
from issuance.models import Completion
from issuance.reports import counts_by_subject

from . import rollups
from .agreements import (
    cents,
    day_start,
    month_end,
    month_start,
    next_month,
    periods,
    share_basis_points,
    share_cents,
)
from .models import StatementPayment
from .queries import as_date, by_month, free_enrolments, of_credentials, refunds, sales

# Ranges up to this many days are charted by day, longer ones by month.
DAILY_UP_TO_DAYS = 62


def dollars(amount_cents):
    return (Decimal(amount_cents or 0) / 100).quantize(Decimal("0.01"))


@dataclass
class Figures:
    """Counts and money (cents) for one credential, one period or a total."""

    enrolments: int = 0
    credit_conversions: int = 0
    refunded_lines: int = 0
    completions: int = 0
    issued: int = 0
    claimed: int = 0
    shared: int = 0
    gross_cents: int = 0
    refund_cents: int = 0
    share_cents: int = 0

    def add(self, other):
        for name in self.__dataclass_fields__:
            if name in Figures.__dataclass_fields__:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def net_cents(self):
        return self.gross_cents - self.refund_cents

    @property
    def gross(self):
        return dollars(self.gross_cents)

    @property
    def refunds(self):
        return dollars(self.refund_cents)

    @property
    def net(self):
        return dollars(self.net_cents)

    @property
    def share(self):
        return dollars(self.share_cents)


@dataclass
class CredentialRow(Figures):
    credential_id: int = 0
    title: str = ""
    code: str = ""
    live: bool = True


@dataclass
class PeriodRow(Figures):
    start: datetime.date = None
    label: str = ""


@dataclass
class Dashboard:
    partner: object
    start: datetime.date
    end: datetime.date
    rows: list
    totals: Figures
    series: list
    by_day: bool
    agreement_periods: list = field(default_factory=list)


def partner_credentials(partner):
    """(id, title, short code, live) of every credential the partner offers, drafts included."""
    return list(
        MicrocredentialPage.objects.filter(provider=partner)
        .order_by("title", "pk")
        .values_list("pk", "title", "short_code", "live")
    )


def series_starts(start, end, by_day):
    """Every day or month from `start` to `end` (both included), so the chart has no gaps."""
    starts = []
    current = start if by_day else month_start(start)
    while current <= end:
        starts.append(current)
        current = current + datetime.timedelta(days=1) if by_day else next_month(current)
    return starts


def dashboard(partner, start, end, credential_id=None):
    """The partner's figures from `start` to `end` (dates, both included), per credential (every
    credential it offers, or only `credential_id`), in total and over time."""
    credentials = partner_credentials(partner)
    if credential_id is not None:
        credentials = [row for row in credentials if row[0] == credential_id]
    ids = [row[0] for row in credentials]
    selection = partner if credential_id is None else ids  # queries.of_credentials()
    rows = {
        pk: CredentialRow(credential_id=pk, title=title, code=code, live=live)
        for pk, title, code, live in credentials
    }
    by_day = (end - start).days < DAILY_UP_TO_DAYS
    period = TruncDate if by_day else by_month
    series = {day: PeriodRow(start=day) for day in series_starts(start, end, by_day)}
    agreement_periods = periods(partner)
    # Whole months that are over come stored (rollups.py); the rest of the range is counted live.
    stored_months = [] if by_day else rollups.whole_months_over(start, end)
    window = rollups.live_window(start, end, stored_months)
    # A grouped row per credential and day or month: thousands at volume, so the loops are kept
    # to plain dictionary and attribute work.
    days = {}

    def targets(row):
        key = row["period"]
        day = days.get(key)
        if day is None:
            day = days[key] = as_date(key)
        return rows[row["microcredential_id"]], series[day]

    if ids:
        # The stored months, added up by the database per credential and per month.
        for by, targets_of in (("credential_id", rows), ("month", series)):
            for key, figures in rollups.stored_totals(ids, stored_months, agreement_periods, by).items():
                target = targets_of[key]
                enrolments, credit_conversions, gross, refunded_lines, refunded, share = figures
                target.enrolments += enrolments
                target.credit_conversions += credit_conversions
                target.gross_cents += gross
                target.refunded_lines += refunded_lines
                target.refund_cents += refunded
                target.share_cents += share
        for row in sales(selection, window, agreement_periods, period):
            for target in targets(row):
                target.enrolments += row["enrolments"]
                target.credit_conversions += row["credit_conversions"]
                target.gross_cents += row["gross_cents"] or 0
                target.share_cents += row["share_cents"] or 0
        for row in refunds(selection, window, agreement_periods, period):
            for target in targets(row):
                target.refunded_lines += row["refunded_lines"]
                target.refund_cents += row["refund_cents"] or 0
                target.share_cents -= row["share_cents"] or 0
        for row in free_enrolments(selection, window, period):
            for target in targets(row):
                target.enrolments += row["enrolments"]
        completions = Completion.objects.current().filter(
            of_credentials(selection, "enrolment__"), completed_on__gte=start, completed_on__lte=end
        )
        for (credential, _pathway), counts in counts_by_subject(completions).items():
            for name in ("completions", "issued", "claimed", "shared"):
                setattr(rows[credential], name, getattr(counts, name))

    totals = Figures()
    for row in rows.values():
        totals.add(row)
    ordered = sorted(rows.values(), key=lambda row: (-row.net_cents, -row.enrolments, row.title.casefold()))
    for row in series.values():
        row.label = f"{row.start:%-d %b %Y}" if by_day else f"{row.start:%b %Y}"
    return Dashboard(
        partner=partner,
        start=start,
        end=end,
        rows=ordered,
        totals=totals,
        series=list(series.values()),
        by_day=by_day,
        agreement_periods=agreement_periods,
    )


# Statements ------------------------------------------------------------------------------------


@dataclass
class StatementLine:
    """One sale or refund on a statement; refunds carry negative amounts."""

    at: datetime.datetime
    kind: str  # "Sale" or "Refund"
    order_number: str
    credential_code: str
    credential_title: str
    description: str
    line_kind: str
    amount: Decimal
    share_percent: Decimal
    share: Decimal


@dataclass
class Statement:
    partner: object
    month: datetime.date
    lines: list
    totals: Figures

    @property
    def label(self):
        return f"{self.month:%B %Y}"


def _statement_lines(queryset, agreement_periods, kind, at_field, sign):
    rows = (
        queryset.annotate(
            amount_cents=cents("amount"),
            rate=share_basis_points(agreement_periods),
            share=share_cents(agreement_periods),
        )
        .order_by(at_field, "pk")
        .values_list(
            at_field,
            "order__number",
            "microcredential__short_code",
            "microcredential__title",
            "description",
            "kind",
            "amount_cents",
            "rate",
            "share",
        )
    )
    labels = dict(LineKind.choices)
    return [
        StatementLine(
            at=at,
            kind=kind,
            order_number=number,
            credential_code=code,
            credential_title=title,
            description=description,
            line_kind=labels.get(line_kind, line_kind),
            amount=dollars(sign * amount),
            share_percent=(Decimal(rate) / 100).quantize(Decimal("0.01")),
            share=dollars(sign * share),
        )
        for at, number, code, title, description, line_kind, amount, rate, share in rows
    ]


def statement(partner, month):
    """The partner's statement for the month starting on `month`: every sale and refund, oldest
    first, and its totals (the sums of those lines, to the cent)."""
    month = month_start(month)
    start_at, end_at = day_start(month), day_start(next_month(month))
    agreement_periods = periods(partner)
    lines = OrderLine.objects.filter(of_credentials(partner))
    sales = _statement_lines(
        lines.filter(order__paid_at__gte=start_at, order__paid_at__lt=end_at),
        agreement_periods,
        "Sale",
        "order__paid_at",
        1,
    )
    refunds = _statement_lines(
        lines.filter(refunded_at__gte=start_at, refunded_at__lt=end_at),
        agreement_periods,
        "Refund",
        "refunded_at",
        -1,
    )
    totals = Figures()
    for line in sales:
        totals.gross_cents += int(line.amount * 100)
        totals.share_cents += int(line.share * 100)
        if line.line_kind == LineKind.ENROLMENT.label:
            totals.enrolments += 1
        else:
            totals.credit_conversions += 1
    for line in refunds:
        totals.refund_cents -= int(line.amount * 100)
        totals.share_cents += int(line.share * 100)
        totals.refunded_lines += 1
    ordered = sorted(sales + refunds, key=lambda line: line.at)
    return Statement(partner=partner, month=month, lines=ordered, totals=totals)


@dataclass
class MonthRow(Figures):
    month: datetime.date = None
    payment: object = None

    @property
    def label(self):
        return f"{self.month:%B %Y}"


def monthly_totals(partner, first_month, last_month):
    """{month: MonthRow} from `first_month` to `last_month` (first days), every month present,
    in four grouped queries."""
    ids = [row[0] for row in partner_credentials(partner)]
    agreement_periods = periods(partner)
    months = {month: MonthRow(month=month) for month in series_starts(first_month, last_month, by_day=False)}
    stored_months = rollups.whole_months_over(first_month, month_end(last_month))
    window = rollups.live_window(first_month, month_end(last_month), stored_months)
    if ids:
        for month, figures in rollups.stored_totals(ids, stored_months, agreement_periods, "month").items():
            enrolments, credit_conversions, gross, refunded_lines, refunded, share = figures
            row = months[month]
            row.enrolments += enrolments
            row.credit_conversions += credit_conversions
            row.gross_cents += gross
            row.refunded_lines += refunded_lines
            row.refund_cents += refunded
            row.share_cents += share
        for row in sales(partner, window, agreement_periods, by_month):
            month = months[as_date(row["period"])]
            month.enrolments += row["enrolments"]
            month.credit_conversions += row["credit_conversions"]
            month.gross_cents += row["gross_cents"] or 0
            month.share_cents += row["share_cents"] or 0
        for row in refunds(partner, window, agreement_periods, by_month):
            month = months[as_date(row["period"])]
            month.refunded_lines += row["refunded_lines"]
            month.refund_cents += row["refund_cents"] or 0
            month.share_cents -= row["share_cents"] or 0
    for payment in StatementPayment.objects.filter(partner=partner, month__in=list(months)):
        months[payment.month].payment = payment
    return months


def first_activity_month(partner):
    """The first month with a sale or free enrolment of the partner's credentials, or None."""
    first_sale = (
        OrderLine.objects.filter(of_credentials(partner), order__paid_at__isnull=False)
        .order_by("order__paid_at")
        .values_list("order__paid_at", flat=True)
        .first()
    )
    return month_start(timezone.localtime(first_sale).date()) if first_sale else None
