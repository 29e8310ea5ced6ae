"""The issuance report in the admin: completions, issued, claimed and shared, per credential and per
partner, with rates, over a date range, exported as CSV or XLSX."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checkout.models import Enrolment
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion
from tests.builders import make_credential, make_partner, make_pathway

pytestmark = pytest.mark.django_db

BY_CREDENTIAL = reverse("issuance_reports:by_credential")
BY_PARTNER = reverse("issuance_reports:by_partner")


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="staff@example.org", password="x"))
    return client


_learners = iter(range(1, 10_000))


def complete(credential, on=datetime.date(2026, 3, 10), issued=False, claimed=False, shared=False):
    learner = User.objects.create_user(
        email=f"l{next(_learners)}@example.org", email_verified_at=timezone.now()
    )
    enrolment = Enrolment.objects.create(user=learner, microcredential=credential)
    completion, _ = record_completion(enrolment, completed_on=on, source=CompletionSource.DEMO)
    Completion.objects.filter(pk=completion.pk).update(
        credential_url="https://badges.example.org/c/1" if issued else "",
        claim_count=2 if claimed else 0,
        share_count=1 if shared else 0,
    )
    return completion


@pytest.fixture
def completions(catalog, partner):
    """ASU: Spreadsheets ×3 (2 issued, 1 claimed, 1 shared); CCCS: CNC ×1 (not issued yet) and one
    refunded; a pathway under ASU completed once and issued; March and April dates."""
    cccs = make_partner(catalog, title="Colorado Community College System")
    spreadsheets = make_credential(partner, title="Spreadsheets", short_code="ASU-1")
    cnc = make_credential(cccs, title="CNC Operation", short_code="CCCS-1")
    complete(spreadsheets, issued=True, claimed=True, shared=True)
    complete(spreadsheets, issued=True)
    complete(spreadsheets, on=datetime.date(2026, 4, 20))
    complete(cnc)
    refunded = complete(cnc, issued=True, claimed=True)
    Completion.objects.filter(pk=refunded.pk).update(revoked_at=timezone.now())
    # A one-step pathway: completing its step completes it (by record_completion's pathway rule).
    step = make_credential(partner, title="Capstone", short_code="ASU-9")
    pathway = make_pathway(partner, [(step, True)], title="Analytics Pathway")
    complete(step, on=datetime.date(2026, 4, 2))
    Completion.objects.filter(pathway=pathway).update(credential_url="https://badges.example.org/p/1")
    return spreadsheets, cnc, pathway


def table_rows(html):
    """The report table's body rows as lists of cell texts."""
    results = html[html.index('id="listing-results"') :]
    if "<tbody" not in results:
        return []
    body = results[results.index("<tbody") : results.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_per_credential_and_pathway_with_rates(admin_client, completions):
    response = admin_client.get(BY_CREDENTIAL)
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    assert rows[0] == ["Spreadsheets", "ASU-1", "Arizona State University",
                       "3", "2", "66.7%", "1", "50%", "1", "50%"]  # fmt: skip
    assert ["CNC Operation", "CCCS-1", "Colorado Community College System",
            "1", "0", "0%", "0", "—", "0", "—"] in rows  # fmt: skip
    assert ["Analytics Pathway", "Pathway", "Arizona State University",
            "1", "1", "100%", "0", "0%", "0", "0%"] in rows  # fmt: skip
    assert ["Capstone", "ASU-9", "Arizona State University",
            "1", "0", "0%", "0", "—", "0", "—"] in rows  # fmt: skip
    assert len(rows) == 4  # the refunded completion counts nowhere
    page = response.content.decode()
    assert "6 completions" in page and "3 issued (50% of completions)" in page


def test_per_partner(admin_client, completions):
    rows = table_rows(admin_client.get(BY_PARTNER).content.decode())
    assert rows == [
        ["Arizona State University", "5", "3", "60%", "1", "33.3%", "1", "33.3%"],
        ["Colorado Community College System", "1", "0", "0%", "0", "—", "0", "—"],
    ]


def test_a_date_range_narrows_it(admin_client, completions):
    april = admin_client.get(BY_PARTNER, {"completed_on_from": "2026-04-01", "completed_on_to": "2026-04-30"})
    assert table_rows(april.content.decode()) == [
        ["Arizona State University", "3", "1", "33.3%", "0", "0%", "0", "0%"],
    ]
    nothing = admin_client.get(BY_CREDENTIAL, {"completed_on_from": "2027-01-01"})
    assert "No completions in these dates." in nothing.content.decode()


def test_bad_dates_are_not_an_error(admin_client, completions):
    response = admin_client.get(
        BY_CREDENTIAL, {"completed_on_from": "yesterday", "completed_on_to": "2026-13-45"}
    )
    assert response.status_code == 200


def test_csv_export_has_numbers_a_spreadsheet_can_sum(admin_client, completions):
    response = admin_client.get(BY_CREDENTIAL, {"export": "csv", "completed_on_to": "2026-03-31"})
    assert response["Content-Type"] == "text/csv"
    assert 'filename="issuance-by-credential.csv"' in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines == [
        {
            "Credential or pathway": "Spreadsheets",
            "Kind": "Credential",
            "Code": "ASU-1",
            "Partner": "Arizona State University",
            "Completions": "2",
            "Issued": "2",
            "Issued / completions (%)": "100.0",
            "Claimed": "1",
            "Claimed / issued (%)": "50.0",
            "Shared": "1",
            "Shared / issued (%)": "50.0",
        },
        {
            "Credential or pathway": "CNC Operation",
            "Kind": "Credential",
            "Code": "CCCS-1",
            "Partner": "Colorado Community College System",
            "Completions": "1",
            "Issued": "0",
            "Issued / completions (%)": "0.0",
            "Claimed": "0",
            "Claimed / issued (%)": "",
            "Shared": "0",
            "Shared / issued (%)": "",
        },
    ]


def test_xlsx_export(admin_client, completions):
    from openpyxl import load_workbook

    response = admin_client.get(BY_PARTNER, {"export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]][:3] == ["Partner", "Completions", "Issued"]
    assert [cell.value for cell in sheet[2]][:3] == ["Arizona State University", 5, 3]


def test_empty_state_when_nothing_is_completed(admin_client, catalog):
    for url in (BY_CREDENTIAL, BY_PARTNER):
        page = admin_client.get(url).content.decode()
        assert "Nothing has been completed yet." in page and table_rows(page) == []


def test_who_may_see_it(client, completions):
    learner = User.objects.create_user(
        email="ana@example.org", password="x", email_verified_at=timezone.now()
    )
    client.force_login(learner)
    assert client.get(BY_CREDENTIAL).status_code == 302  # to the admin login

    editor = User.objects.create_user(email="ed@example.org", password="x", is_staff=True)
    group = Group.objects.create(name="Report readers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get(BY_CREDENTIAL).status_code in (302, 403)
    assert "Issuance by credential" not in client.get(reverse("wagtailadmin_home")).content.decode()

    group.permissions.add(Permission.objects.get(codename="view_completion"))
    editor = User.objects.get(pk=editor.pk)  # drop the cached permissions
    client.force_login(editor)
    assert client.get(BY_CREDENTIAL).status_code == 200
    assert client.get(BY_PARTNER).status_code == 200
    assert "Issuance by credential" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_queries_do_not_grow_with_rows(admin_client, completions, partner):
    admin_client.get(BY_CREDENTIAL)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(BY_CREDENTIAL)
    for _ in range(4):
        complete(make_credential(partner), issued=True)
    with CaptureQueriesContext(connection) as many:
        assert len(table_rows(admin_client.get(BY_CREDENTIAL).content.decode())) == 8
    assert len(many) == len(few)
