"""A prospective learner browses from the home page to a credential and on to its pathway."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# Live-server tests flush the database when they end (no serialized_rollback: restoring a snapshot
# collides with content types re-created after an earlier flush); the builders and seed_demo
# re-create the root page, locale and collection they need.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_catalog_to_credential_to_pathway(live_server, page, axe_check, tmp_path):
    call_command("seed_demo", verbosity=0)

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Short credentials that employers recognise")
    expect(page.get_by_role("heading", name="Featured credentials")).to_be_visible()
    expect(page.locator(".partner-strip")).to_contain_text("Arizona State University")
    axe_check(page)
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.get_by_role("link", name="Browse all credentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Microcredential catalog")
    expect(page.locator("#credentials-heading")).to_contain_text("(15)")
    axe_check(page)

    page.get_by_role("link", name="Applied Business Data Analytics I: Spreadsheets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Applied Business Data Analytics I: Spreadsheets"
    )
    facts = page.locator(".credential__facts")
    expect(facts).to_contain_text("$25")
    expect(facts).to_contain_text("3 credit hours for $400 from Arizona State University")
    expect(page.locator(".competency-table")).to_contain_text("Clean and prepare tabular data")
    expect(page.locator(".cobrand")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Applied Business Data Analytics Mastery Certificate").click()
    expect(page).to_have_url(re.compile(r"/applied-business-data-analytics/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Applied Business Data Analytics Mastery Certificate"
    )
    expect(page.locator(".outcome")).to_contain_text("earned admission")
    expect(page.locator("#electives-heading")).to_have_text("Electives: choose 1")
    axe_check(page)
