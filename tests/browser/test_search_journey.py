"""A learner searches: types in the search box, picks an autocomplete suggestion with the
keyboard, ticks two facets (applied at once by the page's script) and opens a result."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

# Live-server tests flush the database when they end (no serialized_rollback: restoring a snapshot
# collides with content types re-created after an earlier flush); the builders and seed_demo
# re-create the root page, locale and collection they need.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_with_autocomplete_and_facets(live_server, page, axe_check):
    call_command("seed_demo", verbosity=0)

    page.goto(live_server.url + "/search/")
    box = page.locator("#search-page-query")
    box.fill("clean")
    suggestion = page.get_by_role("option", name=re.compile("Clean and prepare tabular data"))
    expect(suggestion).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    while box.get_attribute("aria-activedescendant") != suggestion.get_attribute("id"):
        box.press("ArrowDown")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?competency=\d+$"))
    expect(page.locator("#results-heading")).to_have_text("2 credentials")
    axe_check(page)

    page.get_by_label(re.compile(r"^Introductory")).check()
    expect(page).to_have_url(re.compile(r"level=1"))
    page.get_by_label(re.compile(r"^Online, self-paced")).check()
    expect(page).to_have_url(re.compile(r"format=online_self_paced"))
    expect(page.locator(".chips").first).to_contain_text("Level: Introductory")
    expect(page.locator(".chips").first).to_contain_text("Format: Online, self-paced")
    results = page.locator(".card__title a")
    expect(results).to_have_count(2)

    results.filter(has_text="Digital Skills for the Modern Workplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital Skills for the Modern Workplace")
