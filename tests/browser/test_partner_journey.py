"""Issue #17's journey: a partner editor accepts an invitation, edits their credential page and
submits it; staff approve; the public page shows the change; the partner's dashboard and its
statements show the figures worked out below by hand, at 1280 and 390 px wide. axe checks each
page on the way."""

import csv
import datetime
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import GroupPagePermission, Page

from catalog.models import MicrocredentialPage
from partner_dashboard.models import RevenueAgreement
from partners.access import approvers_group
from partners.invitations import create_invitation
from tests.builders import make_credential, make_learner, make_sale, refund_lines
from tests.partners.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A copy of each screenshot, to look at after the run.
SHOTS = Path("/tmp/journey-shots")
STAFF_PASSWORD = "a long demo passphrase"  # make_staff's
EDITOR_EMAIL = "ana.editor@asu.example.edu"
EDITOR_PASSWORD = "Saguaro-Sunrise-2026"
OLD_SUMMARY = "Plan work."
NEW_SUMMARY = "Plan, schedule and deliver projects on time and on budget."


def months_before(day, count):
    """The first day of the month `count` months before `day`'s."""
    month = day.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def at(day, days_in, hour):
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=days_in), datetime.time(hour))
    )


def moderators_as_wagtail_made_them():
    """Wagtail's migrations let its Moderators group into the admin and have it add, change and
    publish every page. A live-server test earlier in the run may have flushed those rows, and
    partners then made a bare Moderators group for their approvals: put the rows back."""
    group = approvers_group()
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )


def sign_in_to_admin(page, base_url, email, password):
    page.goto(base_url + "/admin/login/")
    page.get_by_label(re.compile("Email")).fill(email)
    page.get_by_label(re.compile("Password")).fill(password)
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page).to_have_title(re.compile("^Dashboard"))


def log_out_of_admin(page):
    """Through the sidebar's account menu (its button is named after the user)."""
    page.locator(".sidebar-footer__account").click()
    page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out")).click()
    expect(page).to_have_url(re.compile("/admin/login/"))


def messages_settled(page):
    """Wagtail's messages fade in (a CSS transition of their opacity); axe would measure their
    contrast mid-fade."""
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")


def screenshot(page, tmp_path, name):
    """The whole admin page: its content scrolls inside <main>, not the document, so a full-page
    screenshot would show one screenful; the viewport grows to the content's height instead."""
    size = page.viewport_size
    height = page.evaluate("document.getElementById('main').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / name)


def expect_screen_reader_only(locator):
    """In the accessibility tree, but not on screen (Wagtail's w-sr-only: a 1 px clipped box)."""
    box = locator.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box


def expect_charts_drawn(page):
    """Chart.js drew both charts, from the figures the page rendered."""
    page.wait_for_function(
        "() => ['enrolments-chart', 'revenue-chart'].every("
        "(id) => window.Chart && window.Chart.getChart(document.getElementById(id)))"
    )
    return page.evaluate(
        """() => {
            const figures = (id) => Chart.getChart(document.getElementById(id)).data.datasets[0].data;
            return {enrolments: figures('enrolments-chart'), net: figures('revenue-chart')};
        }"""
    )


def test_partner_editor_change_is_approved_and_the_dashboard_adds_up(
    live_server, page, partner, framework, axe_check, tmp_path
):
    today = timezone.localdate()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    course = make_credential(
        partner,
        framework[1][:1],
        title="Project Management Foundations",
        short_code="ASU-PM-101",
        summary=OLD_SUMMARY,
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )
    # 60% since the first day of the dashboard's default range (the last twelve months).
    first_day = months_before(today, 11)
    RevenueAgreement.objects.create(partner=partner, effective_from=first_day, share_percent=60)
    # Last month, whose statement is final: three orders, one refunded that month.
    last_month = months_before(today, 1)
    learners = [make_learner() for _ in range(4)]
    make_sale(learners[0], [(course, "enrolment", "25.00")], at(last_month, 2, 10))
    make_sale(
        learners[1],
        [(course, "enrolment", "25.00"), (course, "credit_conversion", "400.00")],
        at(last_month, 5, 11),
    )
    refund_lines(
        make_sale(learners[2], [(course, "enrolment", "25.00")], at(last_month, 9, 12)),
        at(last_month, 12, 15),
    )
    # One sale three months ago: in the dashboard's range, not on last month's statement.
    make_sale(learners[3], [(course, "enrolment", "25.00")], at(months_before(today, 3), 3, 9))
    # By hand, at 60%. Last month: 25 + 25 + 400 + 25 = $475.00 gross, $25.00 refunded, $450.00
    # net; share 285.00 − 15.00 = $270.00; five lines (four sales, one refund). The twelve
    # months add the earlier sale: $500.00 gross, $475.00 net, $285.00 share; four enrolments,
    # one credit conversion.
    moderators_as_wagtail_made_them()
    staff = make_staff("marketing@university.example.edu")
    # As `manage.py partners invite` does it: no inviter; the link the command prints.
    _, link = create_invitation(EDITOR_EMAIL, partner, "editor", site_url=live_server.url)

    # 1. The editor opens the link, chooses a name and a password, and lands in the admin.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Arizona State University")
    expect(page.get_by_text(EDITOR_EMAIL)).to_be_visible()
    axe_check(page)
    page.get_by_label(re.compile("^First name")).fill("Ana")  # each label ends with a "*"
    page.get_by_label(re.compile("^Last name")).fill("Editor")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(EDITOR_PASSWORD)
    page.get_by_label(re.compile("^Password again")).fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Accept and create my account").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page).to_have_title(re.compile("^Dashboard"))
    expect(page.locator(".sidebar-footer__account")).to_contain_text("Ana")
    axe_check(page)

    # 2. They find the credential with the admin's search, change its summary and submit it.
    page.get_by_role("textbox", name="Search").first.fill("Project Management")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/pages/search/\?q=Project(%20|\+)Management$"))
    results = page.get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(2)  # a header and the one page of theirs
    results.get_by_role("link", name="Project Management Foundations").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Project Management Foundations")
    summary = page.get_by_label(re.compile("^Summary"))
    expect(summary).to_have_value(OLD_SUMMARY)
    axe_check(page)
    summary.fill(NEW_SUMMARY)
    # The footer's main action is Save draft; submitting is in its menu, and publishing is not.
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name=re.compile("^Publish"))).to_have_count(0)
    page.get_by_role("button", name="Submit to Arizona State University approval").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Page 'Project Management Foundations' has been submitted for moderation."
    )
    expect(page.get_by_role("row").filter(has_text="Project Management Foundations")).to_contain_text(
        "live + in moderation"
    )
    messages_settled(page)
    axe_check(page)

    # Not live yet, for anyone who is not signed in.
    log_out_of_admin(page)
    page.goto(live_server.url + course.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Project Management Foundations")
    expect(page.get_by_text(OLD_SUMMARY)).to_be_visible()
    expect(page.get_by_text(NEW_SUMMARY)).to_have_count(0)

    # 3. Staff sign in and approve it, with a comment, from their dashboard.
    sign_in_to_admin(page, live_server.url, staff.email, STAFF_PASSWORD)
    waiting = (
        page.get_by_role("region", name="Awaiting your review")
        .get_by_role("row")
        .filter(has_text="Project Management Foundations")
    )
    expect(waiting).to_contain_text("Ana Editor")
    axe_check(page)
    waiting.get_by_role("button", name="Actions").click()
    waiting.get_by_role("button", name="Approve with comment").click()
    dialog = page.get_by_role("dialog")
    # No axe check here: Wagtail's own modal has no accessible name, and its form's <ul> holds
    # <div>s (aria-dialog-name and list, both serious; wagtailadmin/workflow/... templates).
    dialog.get_by_label(re.compile("Comment")).fill("Clearer, thank you.")
    dialog.get_by_role("button", name="Approve").click()
    # Back on the dashboard (Wagtail shows no message): nothing waits for review any more.
    expect(page).to_have_title(re.compile("^Dashboard"))
    expect(page.get_by_role("region", name="Awaiting your review")).to_have_count(0)
    axe_check(page)
    assert MicrocredentialPage.objects.get(pk=course.pk).summary == NEW_SUMMARY

    # 4. The public page shows the change.
    log_out_of_admin(page)
    page.goto(live_server.url + course.url)
    expect(page.get_by_text(NEW_SUMMARY)).to_be_visible()
    expect(page.get_by_text(OLD_SUMMARY)).to_have_count(0)
    axe_check(page)

    # 5. The editor signs in again and opens their dashboard from the menu.
    sign_in_to_admin(page, live_server.url, EDITOR_EMAIL, EDITOR_PASSWORD)
    page.get_by_role("link", name="Partner dashboard").click()
    expect(page).to_have_url(re.compile(rf"/admin/partner-dashboard/{partner.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Arizona State University: dashboard")
    expect(page.locator("#summary-heading")).to_have_text(f"From {first_day:%-d %b %Y} to {today:%-d %b %Y}")
    figures = page.get_by_role("list", name=re.compile("^From "))
    expect(figures.get_by_role("listitem")).to_have_text(
        [
            "4 enrolments",
            "1 credit conversions",
            "0 completions",
            "0 credentials issued (0 claimed, 0 shared)",
            "$500.00 gross sales",
            "$25.00 refunds",
            "$475.00 net revenue",
            "$285.00 Arizona State University's share",
        ]
    )
    expect(page.get_by_text("60% of each sale paid since " + f"{first_day:%-d %b %Y}.")).to_be_visible()
    credentials = page.get_by_role("table", name="Credentials")
    row = credentials.get_by_role("row").filter(has_text="Project Management Foundations")
    expect(row.get_by_role("rowheader")).to_have_text(
        re.compile(r"^Project Management Foundations\s*ASU-PM-101$")
    )
    expect(row.get_by_role("cell")).to_have_text(
        ["4", "1", "0", "0 / 0 / 0", "$500.00", "$25.00", "$475.00", "$285.00"]
    )
    expect(credentials.locator("tfoot").get_by_role("cell")).to_have_text(
        ["4", "1", "0", "0 / 0 / 0", "$500.00", "$25.00", "$475.00", "$285.00"]
    )
    drawn = expect_charts_drawn(page)
    assert drawn["enrolments"][-2] == 3 and sum(drawn["enrolments"]) == 4
    assert drawn["net"][-2] == 450 and sum(drawn["net"]) == 475
    # The charts' figures as tables, behind a disclosure each.
    month = f"{last_month:%b %Y}"
    enrolments = page.get_by_role("figure").filter(has=page.locator("#enrolments-chart"))
    enrolments.get_by_text("Show the figures as a table").click()
    enrolments_row = enrolments.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=month, exact=True)
    )
    expect(enrolments_row.get_by_role("cell")).to_have_text(["3", "1"])
    revenue = page.get_by_role("figure").filter(has=page.locator("#revenue-chart"))
    revenue.get_by_text("Show the figures as a table").click()
    revenue_row = revenue.get_by_role("row").filter(has=page.get_by_role("rowheader", name=month, exact=True))
    expect(revenue_row.get_by_role("cell")).to_have_text(["$475.00", "$25.00", "$450.00", "$270.00"])
    expect(revenue.get_by_role("row")).to_have_count(13)  # a header and twelve months
    expect_screen_reader_only(revenue.locator("caption"))
    axe_check(page)
    screenshot(page, tmp_path, "dashboard-1280.png")

    # On a phone the page does not scroll sideways; the wide tables scroll in their own boxes.
    page.set_viewport_size({"width": 390, "height": 844})
    # The sidebar slides away: measure once Wagtail's transitions are over.
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    expect(credentials).to_be_visible()
    widths = page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            main: [document.getElementById('main').scrollWidth, document.getElementById('main').clientWidth],
            tables: [...document.querySelectorAll('.partner-dashboard__scroll')].map(
                (box) => [box.scrollWidth, box.clientWidth, box.getBoundingClientRect().right]),
        })"""
    )
    assert widths["document"] <= 390, widths
    assert widths["main"][0] <= widths["main"][1], widths  # <main> hides overflow: nothing is cut off
    assert all(right <= 390 for _, _, right in widths["tables"]), widths
    credentials_box = widths["tables"][-1]
    assert credentials_box[1] < credentials_box[0], widths  # the credentials table scrolls
    expect_charts_drawn(page)
    axe_check(page)
    screenshot(page, tmp_path, "dashboard-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 6. Statements: last month's totals, then its statement and CSV.
    page.get_by_role("link", name="Monthly statements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arizona State University: statements")
    statement_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{last_month:%B %Y}", exact=True)
    )
    expect(statement_row.get_by_role("cell")).to_have_text(
        ["$475.00", "$25.00", "$450.00", "$270.00", "Due", "CSV of " + f"{last_month:%B %Y}"]
    )
    this_month_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{today:%B %Y}", exact=True)
    )
    expect(this_month_row.get_by_role("cell")).to_have_text(
        ["$0.00", "$0.00", "$0.00", "$0.00", "Month in progress", re.compile("^CSV")]
    )
    expect_screen_reader_only(statement_row.get_by_text(f"of {last_month:%B %Y}"))
    axe_check(page)
    statement_row.get_by_role("link", name=f"{last_month:%B %Y}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Arizona State University: statement for {last_month:%B %Y}"
    )
    expect(page.get_by_role("list", name=f"{last_month:%B %Y}").get_by_role("listitem")).to_have_text(
        ["$475.00 gross sales", "$25.00 refunds", "$450.00 net", "$270.00 Arizona State University's share"]
    )
    expect(page.get_by_text("Due: $270.00, not yet marked paid.")).to_be_visible()
    lines = page.get_by_role("table", name="Sales and refunds")
    expect(lines.locator("tbody").get_by_role("row")).to_have_count(5)
    expect(lines.get_by_role("row").filter(has_text="Refund")).to_contain_text("−$25.00")
    expect(lines.locator("tfoot").get_by_role("row")).to_have_text(
        re.compile(r"Net \(5 lines\)\s*\$450\.00\s*\$270\.00")
    )
    axe_check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"statement-{partner.slug}-{last_month:%Y-%m}.csv"
    rows = list(csv.reader(Path(download.path()).read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 1 + 5 + 1 + 3  # the header, the lines, a blank row, the totals
    assert rows[-3:] == [
        ["Gross sales", "", "", "", "", "", "", "475.00", "", ""],
        ["Refunds", "", "", "", "", "", "", "-25.00", "", ""],
        ["Net", "", "", "", "", "", "", "450.00", "", "270.00"],
    ]
    assert not script_errors, script_errors
