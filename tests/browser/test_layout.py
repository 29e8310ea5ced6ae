"""What a person sees of the layout on a 390 px phone and a 1280 px desktop: the header (a Menu
button on the phone, one row on the desktop), catalog prices in line, My learning and the admin's
Orders listing readable on a phone. One live server and catalog for all of them."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from checkout.services import create_order, fulfil_order
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def shop(partner, framework, catalog):
    """Four credentials whose price lines differ in length, and a learner with a paid order."""
    courses = [
        make_credential(
            partner,
            title="Advanced Manufacturing Safety and Quality (Apprenticeship)",
            price=Decimal("150.00"),
            credit_eligible=True,
            credit_hours=Decimal("4"),
            credit_conversion_fee=Decimal("0"),
            credit_granting_institution=partner,
        ),
        make_credential(partner, title="Spreadsheets", price=Decimal("25.00")),
        make_credential(partner, title="Library Basics", price=Decimal("0")),
        make_credential(
            partner,
            title="Data Visualisation for Business Decisions",
            price=Decimal("25.00"),
            credit_eligible=True,
            credit_hours=Decimal("3"),
            credit_conversion_fee=Decimal("400.00"),
            credit_granting_institution=partner,
        ),
    ]
    learner = make_learner(
        "a.learner.with.a.rather.long.address@example.org", first_name="Ana", last_name="Lima"
    )
    order = create_order(learner, courses[3].pk, include_credit=True)
    fulfil_order(order.pk, 42500, "USD")
    make_enrolment(learner, courses[1])
    return {"catalog": catalog, "courses": courses, "learner": learner, "order": order}


def signed_in(browser, live_server, user, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def assert_no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_phone_header_folds_its_links_behind_a_menu_button(browser, live_server, shop, axe_check):
    page = signed_in(browser, live_server, shop["learner"], PHONE)
    page.goto(live_server.url + shop["catalog"].url)
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 130  # it was 215–240 px of wrapped links
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="My learning")).to_be_hidden()
    # The search box (a combobox: it suggests as you type) stays out of the menu.
    expect(page.get_by_role("combobox", name="Search credentials and skills")).to_be_visible()
    assert_no_sideways_scroll(page)

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Browse the catalog", "For employers", "My learning"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(header).to_contain_text(shop["learner"].email)
    axe_check(page)
    page.keyboard.press("Tab")  # into the menu; Escape closes it and returns to the button
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(page.get_by_role("link", name="My learning")).to_be_hidden()
    page.context.close()

    # Without JavaScript there is no button to press: the links stay in view.
    page = signed_in(browser, live_server, shop["learner"], PHONE, java_script_enabled=False)
    page.goto(live_server.url + shop["catalog"].url)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="My learning")).to_be_visible()
    page.context.close()


def test_desktop_header_is_one_row_and_catalog_prices_line_up(browser, live_server, shop):
    page = signed_in(browser, live_server, shop["learner"], DESKTOP)
    page.goto(live_server.url + shop["catalog"].url)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    parts = [
        page.locator(".site-header__brand"),
        page.get_by_role("link", name="For employers"),
        page.get_by_role("link", name="My learning"),
        page.get_by_role("button", name="Log out"),
        page.get_by_role("combobox", name="Search credentials and skills"),
    ]
    middles = [box["y"] + box["height"] / 2 for box in (part.bounding_box() for part in parts)]
    assert max(middles) - min(middles) < 12, f"header items on more than one row: {middles}"
    assert page.locator(".site-header").bounding_box()["height"] < 80

    cards = page.locator(".card-grid .card")
    expect(cards).to_have_count(4)
    rows = {}
    for index in range(4):
        card = cards.nth(index)
        rows.setdefault(round(card.bounding_box()["y"]), []).append(
            card.locator(".card__price").bounding_box()["y"]
        )
    [prices] = [row for row in rows.values() if len(row) == 4]  # the four cards share one row
    assert max(prices) - min(prices) < 1, f"prices not in line: {prices}"
    page.context.close()


def test_my_learning_and_the_receipt_fit_a_phone(browser, live_server, shop):
    page = signed_in(browser, live_server, shop["learner"], PHONE)
    page.goto(live_server.url + "/my-learning/")
    assert_no_sideways_scroll(page)
    for label in ("Status", "Academic credit", "Enrolled"):
        cell = page.locator(f'td[data-label="{label}"]').first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{label} is cut off"
    page.get_by_role("link", name=shop["order"].number).click()
    expect(page.get_by_text("Billed to Ana Lima")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.context.close()


def test_admin_orders_listing_keeps_the_refund_button_whole_on_a_phone(browser, live_server, shop):
    staff = get_user_model().objects.create_superuser(email="staff@example.edu", password="x")
    page = signed_in(browser, live_server, staff, PHONE)
    page.goto(live_server.url + "/admin/orders/")
    number = page.get_by_role("link", name=shop["order"].number)
    refund = page.get_by_role("link", name="Refund")
    expect(refund).to_be_visible()
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    assert number.bounding_box()["height"] < 1.8 * line_height, "the order number wraps"
    assert refund.bounding_box()["height"] < 40 and refund.bounding_box()["width"] >= 80, (
        "the Refund button is squashed"
    )
    page.context.close()
