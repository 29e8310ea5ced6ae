"""The dashboard and statements through the admin URLs: who sees which partner's, what bad
filters answer, marking a statement paid."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partner_dashboard.models import StatementPayment
from tests.builders import make_credential, make_learner, make_sale
from tests.partners.conftest import is_refused, make_partner_user, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(db):
    """Staff in the Partner finance group (made by the app's migration)."""
    user = make_user("finance@university.example.edu")
    user.groups.add(Group.objects.get(name="Partner finance"))
    return user


@pytest.fixture
def asu_editor(asu):
    return make_partner_user(asu, "editor", "editor@asu.example.edu")


@pytest.fixture
def cccs_manager(cccs):
    return make_partner_user(cccs, "manager", "manager@cccs.example.edu")


def sign_in(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def dashboard_url(partner, **query):
    url = reverse("partner_dashboard:partner", args=[partner.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def statement_url(partner, year, month, csv=False):
    return reverse(
        "partner_dashboard:statement_csv" if csv else "partner_dashboard:statement",
        args=[partner.pk, year, month],
    )


def test_a_partner_editor_goes_straight_to_their_own_dashboard(client, asu, asu_editor, year_of_sales):
    sign_in(client, asu_editor)
    response = client.get(reverse("partner_dashboard:index"))
    assert response.status_code == 302 and response.url == dashboard_url(asu)
    page = client.get(dashboard_url(asu, start="2026-01-01", end="2026-04-30")).content.decode()
    assert "$914.98" in page and "$419.99" in page and "$494.99" in page and "$309.62" in page
    assert "Spreadsheets for Business" in page and "Welding Basics" not in page
    assert "62.5% of each sale paid" in page and "Data Literacy: 70%" in page


def test_another_partners_dashboard_and_statements_answer_404(client, asu, cccs_manager, year_of_sales):
    sign_in(client, cccs_manager)
    for url in [
        dashboard_url(asu),
        reverse("partner_dashboard:statements", args=[asu.pk]),
        statement_url(asu, 2026, 3),
        statement_url(asu, 2026, 3, csv=True),
    ]:
        assert client.get(url).status_code == 404, url


def test_staff_who_may_see_every_partner_choose_one(client, asu, cccs, finance):
    sign_in(client, finance)
    page = client.get(reverse("partner_dashboard:index")).content.decode()
    assert "Arizona State University" in page and "Colorado Community College System" in page
    assert client.get(dashboard_url(cccs)).status_code == 200


def test_people_without_a_partner_or_the_permission_are_refused(client, asu):
    moderator = make_staff("moderator@university.example.edu")  # approves content, sees no money
    sign_in(client, moderator)
    assert is_refused(client.get(reverse("partner_dashboard:index")))
    assert client.get(dashboard_url(asu)).status_code == 404
    client.logout()
    response = client.get(dashboard_url(asu))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response.url
    sign_in(client, make_learner())
    response = client.get(dashboard_url(asu))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response.url


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-01"}, "Enter a valid date."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "The start date must be on or before the end date."),
        ({"start": "0001-01-01"}, "Choose a start date between"),
        ({"end": "9999-12-31"}, "Choose a end date between"),
        ({"credential": "99999999999999999999"}, "Select a valid choice."),
        ({"credential": "abc"}, "Select a valid choice."),
    ],
)
def test_bad_filters_say_what_is_wrong(client, asu, asu_editor, query, message):
    sign_in(client, asu_editor)
    response = client.get(dashboard_url(asu, **query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_another_partners_credential_is_not_a_filter(client, asu, cccs, asu_editor):
    other = make_credential(cccs, title="Welding Basics")
    sign_in(client, asu_editor)
    assert client.get(dashboard_url(asu, credential=other.pk)).status_code == 400


def test_statements_list_every_month_with_its_status(client, asu, finance, year_of_sales):
    sign_in(client, finance)
    page = client.get(reverse("partner_dashboard:statements", args=[asu.pk])).content.decode()
    assert "February 2026" in page and "March 2026" in page and "Month in progress" in page
    assert "$67.11" in page and "Due" in page


def test_statement_page_and_csv(client, asu, asu_editor, year_of_sales):
    sign_in(client, asu_editor)
    page = client.get(statement_url(asu, 2026, 3)).content.decode()
    assert "$489.98" in page and "$67.11" in page and "\u2212$400.00" in page
    assert "Mark as paid" not in page  # partner users never mark their own statements paid
    response = client.get(statement_url(asu, 2026, 3, csv=True))
    assert response["Content-Type"] == "text/csv"
    assert 'filename="statement-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "89.98" in body and "67.11" in body


@pytest.mark.parametrize("year_month", [(2026, 13), (2026, 0), (1999, 12), (2999, 1)])
def test_months_that_are_not_statements_answer_404(client, asu, asu_editor, year_month):
    sign_in(client, asu_editor)
    assert client.get(statement_url(asu, *year_month)).status_code == 404
    assert client.get(statement_url(asu, *year_month, csv=True)).status_code == 404


def test_finance_marks_a_month_paid_once(client, asu, finance, year_of_sales):
    sign_in(client, finance)
    url = statement_url(asu, 2026, 3)
    assert "Mark as paid" in client.get(url).content.decode()
    response = client.post(url, {"reference": "BACS 0042"}, follow=True)
    assert "March 2026 is marked paid" in response.content.decode()
    payment = StatementPayment.objects.get(partner=asu)
    assert (payment.month, payment.amount, payment.net, payment.reference) == (
        datetime.date(2026, 3, 1),
        Decimal("67.11"),
        Decimal("89.98"),
        "BACS 0042",
    )
    again = client.post(url, {"reference": "again"}, follow=True)
    assert "already marked paid" in again.content.decode()
    assert StatementPayment.objects.count() == 1
    assert (
        "Paid $67.11" in client.get(reverse("partner_dashboard:statements", args=[asu.pk])).content.decode()
    )


def test_months_not_over_or_with_nothing_due_cannot_be_paid(client, asu, finance, year_of_sales):
    sign_in(client, finance)
    today = datetime.date.today()
    response = client.post(statement_url(asu, today.year, today.month), follow=True)
    assert "is not over yet" in response.content.decode()
    response = client.post(statement_url(asu, 2026, 4), follow=True)  # only a refund: −$12.49
    assert "Nothing is due" in response.content.decode()
    assert not StatementPayment.objects.exists()


def test_partner_users_cannot_mark_paid(client, asu, year_of_sales):
    manager = make_partner_user(asu, "manager", "manager@asu.example.edu")
    sign_in(client, manager)
    assert is_refused(client.post(statement_url(asu, 2026, 3)))
    assert not StatementPayment.objects.exists()


def test_dashboard_page_queries_do_not_grow_with_credentials(client, asu, asu_editor, year_of_sales):
    sign_in(client, asu_editor)
    url = dashboard_url(asu, start="2026-01-01", end="2026-12-31")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)  # counts and stores the months that are over (rollups.py)
    before = count()
    learner = make_learner()
    for number in range(5):
        credential = make_credential(asu, title=f"Extra {number}", price=Decimal("10.00"))
        make_sale(learner, [(credential, "enrolment", "10.00")], year_of_sales["mar1"][0].order.paid_at)
    client.get(url)  # the new credentials' months are counted once
    # The same queries with more credentials and orders; most of them Wagtail's admin
    # chrome (session, user, permissions, menu).
    assert count() == before <= 30
