"""The site works under its own Content-Security-Policy: the public pages, the Stripe.js checkout
and the Wagtail page editor report no violation in chromium, before or after interacting.

The policy here is production's (config/settings/base.py, enforced in every environment); only
Stripe's hosts differ, derived from the settings: this test's localstripe on a 127.0.0.1 port
instead of js.stripe.com and api.stripe.com. The `page` fixture (conftest.py) records every
`securitypolicyviolation` event and every console message that names the policy.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from catalog.models import MicrocredentialPage
from tests.builders import make_credential

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def policy_of(response):
    headers = response.all_headers()
    assert "content-security-policy-report-only" not in headers
    return dict(
        (directive.split(" ", 1) + [""])[:2] for directive in headers["content-security-policy"].split("; ")
    )


def log_in(page, live_server, user):
    """The user's session cookie in the browser, as if they had logged in."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_public_pages_and_search_autocomplete(live_server, page, csp_violations):
    call_command("seed_demo", verbosity=0)

    response = page.goto(live_server.url + "/")
    policy = policy_of(response)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["script-src"].startswith("'self'") and "'unsafe-inline'" not in policy["script-src"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Short credentials that employers recognise")
    csp_violations.assert_none(page)

    page.get_by_role("link", name="Browse all credentials").click()
    expect(page.locator("#credentials-heading")).to_contain_text("(15)")
    csp_violations.assert_none(page)

    # A credential page: its JSON-LD block carries the nonce the header names.
    credential = MicrocredentialPage.objects.live().get(
        title="Applied Business Data Analytics I: Spreadsheets"
    )
    response = page.goto(live_server.url + credential.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(credential.title)
    nonce = re.search(r"'nonce-([^']+)'", policy_of(response)["script-src"]).group(1)
    assert f'<script type="application/ld+json" nonce="{nonce}">' in response.text()
    csp_violations.assert_none(page)

    page.goto(live_server.url + "/search/")
    box = page.locator("#search-page-query")
    box.fill("clean")
    expect(page.get_by_role("option", name=re.compile("Clean and prepare tabular data"))).to_be_visible()
    csp_violations.assert_none(page, "after typing in the search box (autocomplete)")
    page.get_by_label(re.compile(r"^Introductory")).check()
    expect(page).to_have_url(re.compile(r"level=1"))
    csp_violations.assert_none(page, "after ticking a facet")

    page.goto(live_server.url + "/skills/")
    page.get_by_label("Find a competency").fill("dashboards")
    page.get_by_role("button", name="Find").click()
    page.locator(".facets input[type=checkbox]").first.check()
    page.get_by_role("button", name="Show matching credentials").click()
    expect(page.locator("#skills-results-heading")).to_be_visible()
    csp_violations.assert_none(page, "on the skills search")


def test_detector_reports_a_violation(live_server, page, csp_violations, site_tree):
    """The recorder itself: an inline script without the nonce is blocked and reported."""
    page.goto(live_server.url + "/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }""")
    page.wait_for_timeout(150)
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()


def test_stripe_checkout(live_server, page, csp_violations, stripe_settings, localstripe, partner, framework):
    course = make_credential(
        partner,
        framework[1][:1],
        title="Spreadsheets for Business",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )
    log_in(page, live_server, get_user_model().objects.create_user(email="ana@example.org", password="x"))

    page.goto(live_server.url + course.url)
    with page.expect_navigation(url=re.compile(r"/checkout/orders/")):
        page.get_by_role("button", name="Enrol — $25").click()
    response = page.goto(page.url)  # the same page again, for its headers
    policy = policy_of(response)
    # Stripe.js (here localstripe's) may run and be fetched from: its origin comes from the settings.
    assert localstripe in policy["script-src"].split() and localstripe in policy["connect-src"].split()
    card = page.locator("#card-element")
    expect(card.get_by_label("Card number")).to_be_visible()  # Stripe.js loaded and ran
    csp_violations.assert_none(page, "on the payment page")

    card.get_by_label("Card number").press_sequentially("4242 4242 4242 4242")
    page.keyboard.type("12 / 30123")  # focus moves on to the expiry, then to the CVC
    csp_violations.assert_none(page, "after filling the card form")
    page.get_by_role("button", name="Pay $25").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — payment received")
    csp_violations.assert_none(page, "after paying")


def test_wagtail_page_editor(live_server, page, csp_violations, partner, framework):
    credential = make_credential(partner, framework[1][:2], title="Spreadsheets for Business")
    log_in(
        page,
        live_server,
        get_user_model().objects.create_superuser(email="editor@example.edu", password="x"),
    )

    response = page.goto(live_server.url + "/admin/")
    assert "'unsafe-inline'" in policy_of(response)["script-src"]
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    csp_violations.assert_none(page, "on the admin dashboard")

    page.goto(live_server.url + f"/admin/pages/{credential.id}/edit/")
    expect(page.locator("#id_title")).to_have_value("Spreadsheets for Business")
    csp_violations.assert_none(page, "on opening the page editor")

    page.locator("#id_title").fill("Spreadsheets for Business Analysts")
    page.get_by_role("tab", name="Level, price and credit").click()
    page.get_by_role("tab", name="Content").click()
    csp_violations.assert_none(page, "after editing in the page editor")

    # The preview panel: the page, rendered by the admin, in a same-origin frame.
    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail loads the preview in a hidden proxy frame, then swaps it in for the visible one.
    preview = page.locator("iframe[title='Preview'][src*='/edit/preview/']:not(.w-preview__proxy)")
    expect(preview.content_frame.get_by_role("heading", level=1)).to_have_text(
        "Spreadsheets for Business Analysts", timeout=15_000
    )
    csp_violations.assert_none(page, "after opening the preview")

    # A rich text block in the body (Draftail) and the image chooser (a modal loaded over AJAX).
    page.locator("#panel-child-content-body-section").get_by_role(
        "button", name="Insert a block"
    ).first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator("#panel-child-content-body-section [contenteditable=true]").first
    editor.click()
    editor.type("Build pivot tables.")
    expect(editor).to_contain_text("Build pivot tables.")
    page.get_by_role("button", name="Choose an image").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="Close").click()
    csp_violations.assert_none(page, "after rich text and the image chooser")

    # An inline panel's new row: Wagtail's InlinePanel script (an inline <script>) builds it.
    page.get_by_role("button", name="Add competency").first.click()
    expect(page.locator("#id_competency_links-TOTAL_FORMS")).to_have_value("3")
    csp_violations.assert_none(page, "after adding an inline panel row")
