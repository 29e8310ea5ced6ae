"""Statements and the dashboard equal totals worked out by hand (the sales in conftest.py).

Shares are per line, rounded half up to the cent, at the rate on the day the order was paid:

| paid                | credential        | line   | amount | rate  | share  |
|---------------------|-------------------|--------|-------:|------:|-------:|
| 10 Feb              | Spreadsheets      | enrol  |  25.00 | 60%   |  15.00 |
| 10 Feb              | Spreadsheets      | credit | 400.00 | 60%   | 240.00 |
| 1 Mar               | Data Literacy     | enrol  |  19.99 | 70%   |  13.99 |  (13.993)
| 14 Mar 23:59:59     | Spreadsheets      | enrol  |  25.00 | 60%   |  15.00 |
| 15 Mar 00:00:00     | Spreadsheets      | enrol  |  25.00 | 62.5% |  15.63 |  (15.625)
| 15 Mar 00:00:00     | Spreadsheets      | credit | 400.00 | 62.5% | 250.00 |
| 20 Mar              | Data Literacy     | enrol  |  19.99 | 62.5% |  12.49 |  (12.49375)

Refunds: 10 Feb's credit line on 5 March (−400.00, share −240.00, its sale's 60%), and 20 March's
sale on 2 April (−19.99, share −12.49).
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partner_dashboard import figures
from partner_dashboard.models import RevenueAgreement
from partner_dashboard.views import statement_rows
from tests.builders import make_credential, make_learner, make_sale

pytestmark = pytest.mark.django_db

D = Decimal
FEB, MAR, APR = datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def test_february_statement(asu, year_of_sales):
    totals = figures.statement(asu, FEB).totals
    assert (totals.gross, totals.refunds, totals.net, totals.share) == (
        D("425.00"),
        D("0.00"),
        D("425.00"),
        D("255.00"),
    )
    assert (totals.enrolments, totals.credit_conversions) == (1, 1)


def test_march_statement_with_a_refund_of_februarys_sale_and_an_agreement_change(asu, year_of_sales):
    statement = figures.statement(asu, MAR)
    totals = statement.totals
    assert totals.gross == D("19.99") + D("25.00") + D("25.00") + D("400.00") + D("19.99") == D("489.98")
    assert totals.refunds == D("400.00")
    assert totals.net == D("89.98")
    assert (
        totals.share
        == D("13.99") + D("15.00") + D("15.63") + D("250.00") + D("12.49") - D("240.00")
        == D("67.11")
    )
    # Each line, in time order, with the rate that applied on its day.
    assert [(line.kind, line.amount, line.share_percent, line.share) for line in statement.lines] == [
        ("Sale", D("19.99"), D("70.00"), D("13.99")),
        ("Refund", D("-400.00"), D("60.00"), D("-240.00")),
        ("Sale", D("25.00"), D("60.00"), D("15.00")),
        ("Sale", D("25.00"), D("62.50"), D("15.63")),
        ("Sale", D("400.00"), D("62.50"), D("250.00")),
        ("Sale", D("19.99"), D("62.50"), D("12.49")),
    ]
    # The statement adds up to its lines, to the cent.
    assert sum(line.amount for line in statement.lines) == totals.net
    assert sum(line.share for line in statement.lines) == totals.share


def test_april_has_only_the_refund(asu, year_of_sales):
    totals = figures.statement(asu, APR).totals
    assert (totals.gross, totals.refunds, totals.net, totals.share) == (
        D("0.00"),
        D("19.99"),
        D("-19.99"),
        D("-12.49"),
    )


def test_monthly_totals_equal_each_statement(asu, year_of_sales):
    months = figures.monthly_totals(asu, datetime.date(2026, 1, 1), datetime.date(2026, 5, 1))
    assert list(months) == [datetime.date(2026, m, 1) for m in range(1, 6)]
    for month, row in months.items():
        statement = figures.statement(asu, month).totals
        assert (row.gross, row.refunds, row.net, row.share) == (
            statement.gross,
            statement.refunds,
            statement.net,
            statement.share,
        ), month
    assert months[MAR].share == D("67.11")


def test_statement_csv_adds_up_to_the_cent(asu, year_of_sales):
    out = io.StringIO()
    csv.writer(out).writerows(statement_rows(figures.statement(asu, MAR)))
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][7] == "Amount (USD)" and rows[0][9] == "Partner share (USD)"
    lines = [row for row in rows[1:] if row and row[1] in ("Sale", "Refund")]
    assert len(lines) == 6
    assert sum(D(row[7]) for row in lines) == D("89.98")
    assert sum(D(row[9]) for row in lines) == D("67.11")
    assert {row[2] for row in lines} == {
        line.order.number for key in ("feb", "mar1", "mar14", "mar15", "mar20") for line in year_of_sales[key]
    }
    totals = {row[0]: row for row in rows if row and row[0] in ("Gross sales", "Refunds", "Net")}
    assert totals["Gross sales"][7] == "489.98"
    assert totals["Refunds"][7] == "-400.00"
    assert (totals["Net"][7], totals["Net"][9]) == ("89.98", "67.11")


def test_dashboard_per_credential_and_in_total(asu, year_of_sales, spreadsheets, data_literacy, taster):
    result = figures.dashboard(asu, datetime.date(2026, 1, 1), datetime.date(2026, 4, 30))
    rows = {row.credential_id: row for row in result.rows}
    sheet = rows[spreadsheets.pk]
    assert (sheet.enrolments, sheet.credit_conversions, sheet.refunded_lines) == (3, 2, 1)
    assert (sheet.gross, sheet.refunds, sheet.net) == (D("875.00"), D("400.00"), D("475.00"))
    assert sheet.share == D("15.00") + D("240.00") + D("15.00") + D("15.63") + D("250.00") - D("240.00")
    assert (sheet.completions, sheet.issued, sheet.claimed, sheet.shared) == (2, 1, 1, 1)
    literacy = rows[data_literacy.pk]
    assert (literacy.enrolments, literacy.gross, literacy.refunds, literacy.share) == (
        2,
        D("39.98"),
        D("19.99"),
        D("13.99"),
    )
    assert rows[taster.pk].enrolments == 1  # free: no order, counted from the enrolment
    totals = result.totals
    assert (totals.gross, totals.refunds, totals.net, totals.share) == (
        D("914.98"),
        D("419.99"),
        D("494.99"),
        D("255.00") + D("67.11") - D("12.49"),
    )
    # Over time, by month: each month as its statement says.
    series = {row.start: row for row in result.series}
    assert [row.start.month for row in result.series] == [1, 2, 3, 4]
    assert (series[MAR].enrolments, series[MAR].net, series[MAR].share) == (5, D("89.98"), D("67.11"))
    # Best net revenue first.
    assert [row.credential_id for row in result.rows] == [spreadsheets.pk, data_literacy.pk, taster.pk]


def test_dashboard_filters_by_credential_and_short_ranges_by_day(asu, year_of_sales, data_literacy):
    result = figures.dashboard(asu, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), data_literacy.pk)
    assert [row.credential_id for row in result.rows] == [data_literacy.pk]
    assert result.by_day and len(result.series) == 31
    assert (result.totals.gross, result.totals.share) == (D("39.98"), D("26.48"))
    assert [row.start.day for row in result.series if row.gross_cents] == [1, 20]


def test_a_new_agreement_never_rewrites_a_month_that_is_over(asu, year_of_sales):
    before = figures.statement(asu, MAR).totals
    RevenueAgreement.objects.create(
        partner=asu, effective_from=datetime.date.today().replace(day=1), share_percent=90
    )
    after = figures.statement(asu, MAR).totals
    assert (after.gross, after.net, after.share) == (before.gross, before.net, before.share)


def test_no_agreement_means_no_share(cccs):
    credential = make_credential(cccs, title="Welding", price=Decimal("99.00"))
    make_sale(
        make_learner(), [(credential, "enrolment", "99.00")], figures.day_start(datetime.date(2026, 3, 3))
    )
    totals = figures.statement(cccs, MAR).totals
    assert (totals.gross, totals.share) == (D("99.00"), D("0.00"))


def test_dashboard_query_count_does_not_grow_with_credentials_or_orders(asu, year_of_sales):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            figures.dashboard(asu, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        return len(queries)

    first = count_queries()  # counts the months that are over and stores them (rollups.py)
    before = count_queries()  # reads them
    learner = make_learner()
    for number in range(5):
        credential = make_credential(asu, title=f"Extra {number}", price=Decimal("10.00"))
        make_sale(
            learner,
            [(credential, "enrolment", "10.00")],
            figures.day_start(datetime.date(2026, 6, number + 1)),
        )
    # The new credentials' months are counted once (the same queries as the first view), then read.
    assert count_queries() == first
    assert count_queries() == before <= 12
    assert first <= before + 5
