"""A signed-in learner sees on a pathway page what they have done, what is in progress, what is
left and what that costs; a visitor sees the page as before."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from checkout.models import Enrolment, EnrolmentStatus
from issuance.models import Completion, CompletionSource
from issuance.progress import pathway_progress
from issuance.services import record_completion
from tests.builders import make_credential, make_pathway

pytestmark = pytest.mark.django_db

COMPLETED_ON = datetime.date(2026, 5, 20)


@pytest.fixture
def learner(db):
    return User.objects.create_user(email="ada@example.edu", password="x", email_verified_at=timezone.now())


@pytest.fixture
def analytics(partner):
    """Required: Spreadsheets, SQL, Dashboards; electives (choose 2): Python, R, Tableau."""

    def credential(title, price, hours):
        return make_credential(partner, title=title, price=Decimal(price), notional_hours=hours)

    steps = {
        "spreadsheets": credential("Spreadsheets", "25", 20),
        "sql": credential("SQL Essentials", "49", 30),
        "dashboards": credential("Dashboards", "95", 40),
        "python": credential("Python for Analysts", "150", 60),
        "r": credential("R for Analysts", "120", 50),
        "tableau": credential("Tableau", "60", 25),
    }
    pathway = make_pathway(
        partner,
        [(steps[code], code in {"spreadsheets", "sql", "dashboards"}) for code in steps],
        electives_required=2,
        title="Business Data Analytics",
    )
    return pathway, steps


def enrol(learner, credential):
    return Enrolment.objects.create(user=learner, microcredential=credential)


def complete(learner, credential, result="Pass"):
    return record_completion(
        enrol(learner, credential), result=result, completed_on=COMPLETED_ON, source=CompletionSource.DEMO
    )[0]


def progress_section(page):
    start = page.index('id="progress-heading"')
    return page[start : page.index("</section>", start)]


def test_done_in_progress_left_and_what_is_left_costs(client, learner, analytics):
    pathway, steps = analytics
    complete(learner, steps["spreadsheets"], result="A")
    enrol(learner, steps["sql"])
    complete(learner, steps["python"])
    client.force_login(learner)
    section = progress_section(client.get(pathway.url).content.decode())

    done = section[section.index("<h3>Done</h3>") : section.index("<h3>In progress</h3>")]
    assert "Spreadsheets" in done and "Python for Analysts" in done and "completed 20 May 2026: A" in done
    in_progress = section[section.index("<h3>In progress</h3>") : section.index("<h3>Left</h3>")]
    assert "SQL Essentials" in in_progress and "Spreadsheets" not in in_progress
    left = section[section.index("<h3>Left</h3>") :]
    assert "Dashboards" in left and "Choose 1 more elective from:" in left
    assert "R for Analysts" in left and "Tableau" in left and "Python" not in left
    assert "<strong>2 of 5</strong> credentials done" in section
    # Left to pay: Dashboards ($95) plus the cheaper remaining elective, Tableau ($60). SQL is
    # already paid for (in progress) and costs nothing more.
    assert "What is left costs</dt><dd>from $155</dd>" in section
    assert "Learning hours left</dt><dd>from 65</dd>" in section


def test_the_cost_uses_pathway_totals_on_the_credentials_not_yet_held(learner, analytics):
    pathway, steps = analytics
    enrol(learner, steps["dashboards"])
    enrol(learner, steps["r"])
    complete(learner, steps["tableau"])
    all_steps = pathway.get_steps()
    progress = pathway_progress(
        learner, pathway, [s for s in all_steps if s.required], [s for s in all_steps if not s.required]
    )
    assert progress.electives_to_choose == 0 and progress.elective_choices == []
    assert [s.credential.title for s in progress.required_left] == ["Spreadsheets", "SQL Essentials"]
    assert progress.left_totals.price == Decimal("74") and progress.left_totals.hours == 50
    assert progress.done_count == 1 and progress.credential_count == 5


def test_a_refunded_enrolment_is_left_again(learner, analytics):
    pathway, steps = analytics
    Enrolment.objects.filter(pk=enrol(learner, steps["sql"]).pk).update(status=EnrolmentStatus.REVOKED)
    all_steps = pathway.get_steps()
    progress = pathway_progress(
        learner, pathway, [s for s in all_steps if s.required], [s for s in all_steps if not s.required]
    )
    assert "SQL Essentials" in [s.credential.title for s in progress.required_left]
    assert progress.in_progress == []


def test_a_completed_pathway_says_so_and_nothing_is_left(client, learner, analytics):
    pathway, steps = analytics
    for code in ("spreadsheets", "sql", "dashboards", "r", "tableau"):
        complete(learner, steps[code])
    assert Completion.objects.filter(pathway=pathway, learner=learner).exists()
    client.force_login(learner)
    section = progress_section(client.get(pathway.url).content.decode())
    assert "You completed this pathway on 20 May 2026" in section
    assert "<strong>5 of 5</strong>" in section and "Nothing left to enrol in." in section
    assert "What is left costs" not in section


def test_visitors_see_the_page_as_before(client, analytics):
    pathway, _ = analytics
    page = client.get(pathway.url).content.decode()
    assert "Your progress" not in page and "Business Data Analytics" in page
    assert not client.cookies  # nothing set for a visitor: the page stays cacheable


def test_the_tag_costs_a_visitor_no_query(analytics):
    pathway, _ = analytics
    request = RequestFactory().get(pathway.url)
    request.user = AnonymousUser()
    template = Template("{% load issuance_tags %}{% pathway_progress page required elective %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "page": pathway, "required": [], "elective": []}))
    assert html.strip() == "" and len(queries) == 0


def test_the_signed_in_pathway_page_costs_two_queries_more_whatever_the_learner_has(
    client, learner, analytics
):
    pathway, steps = analytics
    client.get(pathway.url)  # warm the site root cache
    with CaptureQueriesContext(connection) as visitor:
        client.get(pathway.url)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as nothing_yet:
        assert "0 of 5" in client.get(pathway.url).content.decode()
    for code in ("spreadsheets", "python"):
        complete(learner, steps[code])
    for code in ("sql", "r"):
        enrol(learner, steps[code])
    with CaptureQueriesContext(connection) as lots:
        assert "2 of 5" in client.get(pathway.url).content.decode()
    assert len(lots) == len(nothing_yet)
    # Any signed-in page adds the session and its user (2) and the Wagtail user bar's permission
    # checks (2); progress adds the learner's enrolments with their completions and the pathway's
    # own completion (2).
    assert len(nothing_yet) == len(visitor) + 6, [q["sql"] for q in nothing_yet]
