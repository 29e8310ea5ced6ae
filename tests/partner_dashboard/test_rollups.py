"""Stored monthly totals (partner_dashboard/rollups.py) give exactly what counting every order
line gives, and a change to a month that is over is counted again."""

import datetime
from decimal import Decimal

import pytest

from checkout.models import Enrolment
from partner_dashboard import figures, rollups
from partner_dashboard.models import AgreementOverride, CredentialMonth
from tests.builders import make_learner, make_sale, refund_lines

from .conftest import at

pytestmark = pytest.mark.django_db

FIGURES = [
    "enrolments",
    "credit_conversions",
    "refunded_lines",
    "completions",
    "issued",
    "gross_cents",
    "refund_cents",
    "share_cents",
]


def snapshot(result):
    rows = {row.credential_id: tuple(getattr(row, name) for name in FIGURES) for row in result.rows}
    series = {row.start: tuple(getattr(row, name) for name in FIGURES) for row in result.series}
    return rows, series, tuple(getattr(result.totals, name) for name in FIGURES)


def counted_live(monkeypatch, *args):
    """The dashboard with nothing stored: every month counted from the orders."""
    with monkeypatch.context() as patch:
        patch.setattr(rollups, "whole_months_over", lambda *a, **k: [])
        return snapshot(figures.dashboard(*args))


@pytest.mark.parametrize(
    "start, end",
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),  # this month counted live
        (datetime.date(2026, 1, 20), datetime.date(2026, 5, 10)),  # part-months at both ends
        (datetime.date(2026, 2, 1), datetime.date(2026, 4, 30)),  # whole months only
    ],
)
def test_stored_months_give_what_counting_gives(monkeypatch, asu, year_of_sales, start, end):
    live = counted_live(monkeypatch, asu, start, end)
    assert snapshot(figures.dashboard(asu, start, end)) == live  # counts and stores
    assert CredentialMonth.objects.exists()
    assert snapshot(figures.dashboard(asu, start, end)) == live  # reads what it stored


def test_only_months_that_are_over_are_stored(asu, year_of_sales):
    today = datetime.date.today()
    figures.dashboard(asu, datetime.date(2026, 1, 1), today)
    months = set(CredentialMonth.objects.values_list("month", flat=True))
    assert datetime.date(2026, 3, 1) in months
    assert today.replace(day=1) not in months


def test_a_change_to_a_month_that_is_over_is_counted_again(
    monkeypatch, asu, year_of_sales, spreadsheets, taster
):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    figures.dashboard(asu, start, end)  # March and the rest stored

    make_sale(make_learner(), [(spreadsheets, "enrolment", "25.00")], at(2026, 3, 25))  # a late record
    refund_lines([year_of_sales["mar1"][0]], at(2026, 4, 20))
    Enrolment.objects.create(user=make_learner(), microcredential=taster, created_at=at(2026, 5, 5))
    first_agreement = asu.revenue_agreements.order_by("effective_from").first()
    AgreementOverride.objects.create(
        agreement=first_agreement, microcredential=spreadsheets, share_percent=80
    )

    result = snapshot(figures.dashboard(asu, start, end))
    assert result == counted_live(monkeypatch, asu, start, end)
    march = figures.dashboard(asu, datetime.date(2026, 3, 1), datetime.date(2026, 5, 31)).series[0]
    assert (march.enrolments, march.gross) == (6, Decimal("514.98"))


def test_statements_list_reads_the_same_months(asu, year_of_sales):
    months = figures.monthly_totals(asu, datetime.date(2026, 1, 1), datetime.date(2026, 5, 1))
    again = figures.monthly_totals(asu, datetime.date(2026, 1, 1), datetime.date(2026, 5, 1))
    assert [(row.gross, row.refunds, row.share) for row in months.values()] == [
        (row.gross, row.refunds, row.share) for row in again.values()
    ]
    assert months[datetime.date(2026, 3, 1)].share == Decimal("67.11")
