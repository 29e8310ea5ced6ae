"""The development Stripe.js patch's server side (devtools/localstripe_server.py): the route the
patched confirmCardPayment() calls. The browser purchase test relies on it; these pin down its
answers, so a broken patch fails here with a clear reason rather than as a browser timeout."""

import pytest
import requests

from checkout.payments import stripe_client

pytestmark = pytest.mark.usefixtures("stripe_settings")

CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "30", "cvc": "123"}


def new_intent():
    return stripe_client().v1.payment_intents.create(params={"amount": 2500, "currency": "usd"})


def confirm(localstripe, intent, card, secret=None):
    return requests.post(
        f"{localstripe}/_config/devtools/payment_intents/{intent.id}/confirm_card",
        json={"client_secret": secret or intent.client_secret, "card": card},
        timeout=5,
    )


def test_patched_stripe_js_is_served_with_the_patch_appended(localstripe):
    script = requests.get(f"{localstripe}/js.stripe.com/v3/devtools/", timeout=5)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "LOCALSTRIPE_BASE_API" in script.text and "/_config/devtools/payment_intents/" in script.text


def test_good_card_pays_and_wrong_secret_is_refused(localstripe):
    intent = new_intent()
    assert confirm(localstripe, intent, CARD, secret="pi_x_secret_wrong").status_code == 401
    response = confirm(localstripe, intent, CARD)
    assert response.status_code == 200 and response.json()["status"] == "succeeded"
    assert stripe_client().v1.payment_intents.retrieve(intent.id).status == "succeeded"
    assert confirm(localstripe, intent, CARD).status_code == 400  # already paid: cannot pay again


@pytest.mark.parametrize(
    "card,message",
    [
        ({**CARD, "number": "4242"}, "Your card number is incomplete."),
        ({**CARD, "exp_month": "13"}, "Your card's expiration month is invalid."),
        ({**CARD, "exp_year": ""}, "Your card's expiration year is incomplete."),
        ({**CARD, "cvc": "1"}, "Your card's security code is incomplete."),
        ({}, "Your card number is incomplete."),
        ({**CARD, "exp_month": "1", "exp_year": "2020"}, "Your card's expiration year is in the past."),
    ],
)
def test_incomplete_cards_get_stripe_like_messages(localstripe, card, message):
    response = confirm(localstripe, new_intent(), card)
    assert response.status_code == 402 and response.json()["error"]["message"] == message


def test_a_four_digit_year_is_accepted(localstripe):
    response = confirm(localstripe, new_intent(), {**CARD, "exp_year": "2030"})
    assert response.status_code == 200 and response.json()["status"] == "succeeded"


def test_declined_card_then_good_card_on_the_same_intent(localstripe):
    intent = new_intent()
    declined = confirm(localstripe, intent, {**CARD, "number": "4000000000000341"})
    assert declined.status_code == 402 and declined.json()["error"]["message"] == "Your card was declined."
    assert confirm(localstripe, intent, CARD).json()["status"] == "succeeded"


def test_three_d_secure_card_needs_action(localstripe):
    response = confirm(localstripe, new_intent(), {**CARD, "number": "4000002500003155"})
    assert response.json()["status"] == "requires_action"
