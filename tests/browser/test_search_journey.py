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


def test_header_and_home_search_boxes_suggest_as_you_type(live_server, page, axe_check):
    """The home page's box and the header's (on every page) offer the same suggestions as the
    search page's, with the same keyboard behaviour."""
    call_command("seed_demo", verbosity=0)

    page.goto(live_server.url + "/")
    hero = page.locator("#hero-search-query")
    hero.press_sequentially("clean", delay=30)
    expect(page.get_by_role("option", name=re.compile("Clean and prepare tabular data"))).to_be_visible()
    expect(hero).to_have_attribute("aria-expanded", "true")
    hero.press("Escape")
    expect(hero).to_have_attribute("aria-expanded", "false")

    page.goto(live_server.url + "/skills/")
    header = page.locator("#site-search-query")
    header.press_sequentially("project man", delay=30)
    suggestion = page.get_by_role("option", name=re.compile("Project Management Foundations"))
    expect(suggestion).to_be_visible()
    axe_check(page)
    # The header's text is white; the suggestions, on a white list, must not inherit it.
    red, green, blue = map(int, re.findall(r"\d+", suggestion.evaluate("e => getComputedStyle(e).color"))[:3])
    assert red + green + blue < 200, "suggestion text should be dark on the white list"
    header.press("ArrowDown")
    while header.get_attribute("aria-activedescendant") != suggestion.get_attribute("id"):
        header.press("ArrowDown")
    header.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Project Management Foundations")


def test_facets_follow_the_url_through_back_and_forward(live_server, page):
    """Back after ticking a facet shows the unfiltered results with the box unticked (whether the
    browser restores the page from its cache or loads it again); Forward, ticked and filtered."""
    call_command("seed_demo", verbosity=0)

    page.goto(live_server.url + "/search/?q=data")
    heading = page.locator("#results-heading")
    unfiltered = heading.inner_text()
    box = page.get_by_label(re.compile(r"^Introductory"))
    box.check()
    expect(page).to_have_url(re.compile(r"level=1"))
    filtered = heading.inner_text()
    assert filtered != unfiltered

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"level=1"))
    expect(heading).to_have_text(unfiltered)
    expect(page.get_by_label(re.compile(r"^Introductory"))).not_to_be_checked()

    page.go_forward()
    expect(page).to_have_url(re.compile(r"level=1"))
    expect(heading).to_have_text(filtered)
    expect(page.get_by_label(re.compile(r"^Introductory"))).to_be_checked()


def maths_standards(count=40):
    """A CASE package like OpenSALT's sample: many standards that no credential certifies."""
    document = "7f1c7c3e-0000-4000-8000-000000000000"
    items = [
        {
            "identifier": f"7f1c7c3e-0000-4000-8000-{index:012d}",
            "fullStatement": f"Solve a mathematics problem of kind {index}",
            "humanCodingScheme": f"MATH.{index}",
        }
        for index in range(1, count + 1)
    ]
    return {
        "CFDocument": {"identifier": document, "title": "Mathematics Standards", "creator": "OpenSALT"},
        "CFItems": items,
        "CFAssociations": [
            {
                "identifier": f"8a2d0000-0000-4000-8000-{index:012d}",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": item["identifier"]},
                "destinationNodeURI": {"identifier": document},
                "sequenceNumber": index,
            }
            for index, item in enumerate(items, start=1)
        ],
    }


def test_skills_on_a_phone_show_the_results_on_the_first_screen(live_server, browser):
    """At 390 px the chosen skills and the results come first, the picker folded behind
    "Add skills"; a framework imported for reference, which no credential uses, is not offered."""
    from catalog.case_import import import_case_package

    call_command("seed_demo", verbosity=0)
    import_case_package(maths_standards())

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/skills/")
        expect(page.get_by_text("Mathematics Standards")).to_have_count(0)
        expect(page.get_by_text("Workforce Skills Framework")).to_be_visible()
        page.get_by_label(re.compile(r"Clean and prepare tabular data")).check()
        page.get_by_label(re.compile(r"Build charts and dashboards")).check()
        page.get_by_role("button", name="Show matching credentials").click()

        results = page.locator("#skills-results-heading")
        expect(results).to_contain_text("certify at least one of 2 skills")
        assert results.bounding_box()["y"] < 844, "the results should start on the first screen"
        picker = page.locator("#skills-picker")
        expect(picker).not_to_have_attribute("open", "")
        page.get_by_text("Add skills").click()
        expect(page.get_by_label(re.compile(r"Summarise data with descriptive statistics"))).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
