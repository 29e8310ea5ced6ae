"""A new learner signs up, confirms their address from the emailed link, buys a $25 credential
with the credit conversion in chromium — a declined card first, then a good one — and finds
both in My learning. Stripe is localstripe, with its fake Stripe.js (patched by
devtools/localstripe_server.py to send the typed card); email goes to the development mailbox's
store (devtools/mailbox.py), as under `make run`."""

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.models import CreditStatus, Enrolment, Order, OrderStatus, PaymentEvent
from devtools.mailbox import read_messages
from tests.builders import make_credential

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card_fields(page):
    card = page.locator("#card-element")
    return (
        card.get_by_label("Card number"),
        card.get_by_label("Expiration date"),
        card.get_by_label("Security code"),
    )


def type_card(page, number, expiry, cvc):
    """Type as a person does into Stripe's Card Element: click the number, then keep typing —
    focus moves on to the expiry and the CVC as each part is complete."""
    card_fields(page)[0].click()
    page.keyboard.type(number)
    page.keyboard.type(expiry)
    page.keyboard.type(cvc)


def test_sign_up_and_buy_a_credential_with_credit(
    live_server, page, register_stripe_webhook, partner, framework, axe_check, tmp_path, settings
):
    settings.EMAIL_BACKEND = "devtools.mailbox.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mail"
    register_stripe_webhook(live_server.url + "/checkout/stripe/webhook/")
    course = make_credential(
        partner,
        framework[1][:2],
        title="Applied Business Data Analytics I: Spreadsheets",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )

    page.goto(live_server.url + course.url)
    page.get_by_role("link", name="Create an account").click()
    axe_check(page)
    page.get_by_label("Email address").fill("new.learner@example.org")
    expect(page.get_by_text("Use at least 8 characters")).to_be_visible()  # the rules, in our words
    page.get_by_label(re.compile(r"^Password\W*$")).fill("Correct-Horse-42")  # the label ends with a "*"
    page.get_by_label(re.compile("^Password confirmation")).fill("Correct-Horse-42")
    page.get_by_role("button", name="Create account").click()

    # The same answer for every address; the link to go on with is in the email.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(page)
    [message] = read_messages(settings.DEV_MAILBOX_DIR)
    assert message["to"] == "new.learner@example.org"
    link = re.search(r"https?://\S+/accounts/confirm/\S+", message["body"]).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    axe_check(page)
    page.get_by_role("button", name="Confirm and continue").click()

    # Back on the credential page, logged in and told so: enrol with the credit conversion.
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    expect(page.get_by_role("status")).to_have_text(
        "Your email address is confirmed. You are signed in as new.learner@example.org."
    )
    axe_check(page)
    # The button names what will be charged, as the credit box is ticked and unticked.
    expect(page.get_by_role("button", name=re.compile("^Enrol"))).to_have_accessible_name("Enrol — $25")
    page.get_by_label(re.compile("Add academic credit now")).check()
    expect(page.get_by_role("button", name=re.compile("^Enrol"))).to_have_accessible_name("Enrol — $425")
    page.get_by_label(re.compile("Add academic credit now")).uncheck()
    expect(page.get_by_role("button", name=re.compile("^Enrol"))).to_have_accessible_name("Enrol — $25")
    page.get_by_label(re.compile("Add academic credit now")).check()
    page.get_by_role("button", name="Enrol — $425").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator(".order-summary")).to_contain_text("$425")
    # Stripe's one-row card form, not localstripe's raw inputs.
    number, expiry, cvc = card_fields(page)
    expect(number).to_have_attribute("placeholder", "1234 1234 1234 1234")
    expect(expiry).to_have_attribute("placeholder", "MM / YY")
    expect(cvc).to_have_attribute("placeholder", "CVC")
    expect(page.locator("#card-element")).not_to_contain_text("localstripe")
    assert len({round(field.bounding_box()["y"]) for field in (number, expiry, cvc)}) == 1
    type_card(page, "4000 0000 0000 0341", "12 / 30", "123")
    expect(number).to_have_value("4000 0000 0000 0341")
    expect(expiry).to_have_value("12 / 30")
    expect(cvc).to_have_value("123")
    page.get_by_role("button", name="Pay $425").click()
    expect(page.locator("#card-errors")).to_have_text("Your card was declined.")
    assert Order.objects.get().status == OrderStatus.PENDING and not Enrolment.objects.exists()
    page.screenshot(path=str(tmp_path / "declined.png"), full_page=True)

    # The credential page reminds the learner of the unpaid order and links to it.
    page.goto(live_server.url + course.url)
    order = Order.objects.get()
    expect(page.locator(".enrol-box")).to_contain_text(
        f"You have an unpaid order for this credential: {order.number}, $425"
    )
    page.get_by_role("link", name=f"Pay for order {order.number}").click()

    # Another card; the expiry typed with a four-digit year and no spaces.
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    type_card(page, "4242 4242 4242 4242", "12/2030", "321")
    expect(number).to_have_value("4242 4242 4242 4242")
    expect(expiry).to_have_value("12 / 30")
    expect(cvc).to_have_value("321")
    page.get_by_role("button", name="Pay $425").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — payment received")
    expect(page.get_by_role("status")).to_contain_text("card ending 4242")
    axe_check(page)

    page.get_by_role("link", name="Go to My learning").click()
    enrolments = page.locator("table").first
    expect(enrolments).to_contain_text(course.title)
    expect(enrolments).to_contain_text("Active")
    expect(enrolments).to_contain_text("Credit purchased")
    expect(page.locator(".order-list")).to_contain_text("$425 — Paid")
    axe_check(page)
    page.screenshot(path=str(tmp_path / "my-learning.png"), full_page=True)

    # The webhook arrives about a second after the payment and finds the order already paid.
    deadline = time.monotonic() + 15
    while not PaymentEvent.objects.filter(event_type="payment_intent.succeeded").exists():
        assert time.monotonic() < deadline, "localstripe's webhook never arrived"
        time.sleep(0.1)
    assert PaymentEvent.objects.get(event_type="payment_intent.succeeded").outcome in (
        "already paid",
        "fulfilled",
    )
    enrolment = Enrolment.objects.get()
    assert (
        enrolment.user.email == "new.learner@example.org"
        and enrolment.credit_status == CreditStatus.PURCHASED
    )
