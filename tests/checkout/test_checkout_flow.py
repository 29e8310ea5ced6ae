"""The learner's purchase through the views: enrol (with or without credit), pay, return page,
credit later, and the guards (already enrolled, other people's orders, CSRF, prices from the
database). Payments go through a real localstripe process."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from checkout.models import CreditStatus, Enrolment, LineKind, Order, OrderStatus, PaymentEvent
from checkout.payments import ensure_payment_intent
from checkout.services import create_order, fulfil_order
from tests.builders import make_credential
from tests.checkout.conftest import review_notes
from tests.checkout.test_payments import pay_in_browser, signed, succeeded_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, learner):
    client.force_login(learner)
    return client


def start(client, course, **data):
    return client.post(reverse("checkout:start", args=[course.pk]), data)


def test_credential_page_offers_enrolment_and_credit(client, learner, course):
    page = client.get(course.url).content.decode()
    assert "Log in to enrol — $25" in page
    client.force_login(learner)
    page = client.get(course.url).content.decode()
    assert "Enrol — $25" in page and "Add academic credit now" in page and "$400" in page


def test_enrol_with_credit_makes_an_order_at_database_prices(logged_in, learner, course):
    # Whatever the browser sends about money is ignored.
    response = start(logged_in, course, include_credit="1", price="0.01", total="1", amount="1")
    order = Order.objects.get(user=learner)
    assert response.status_code == 302 and response.url == reverse("checkout:pay", args=[order.number])
    assert order.total == Decimal("425.00") and order.status == OrderStatus.PENDING
    assert [(line.kind, line.amount) for line in order.lines.all()] == [
        (LineKind.ENROLMENT, Decimal("25.00")),
        (LineKind.CREDIT_CONVERSION, Decimal("400.00")),
    ]
    # Starting again (back button, double click) reuses the unpaid order; without credit is another order.
    start(logged_in, course, include_credit="1")
    assert Order.objects.count() == 1
    start(logged_in, course)
    assert Order.objects.count() == 2 and Order.objects.filter(total=Decimal("25.00")).exists()


def test_a_price_change_does_not_change_an_existing_order(logged_in, learner, course):
    start(logged_in, course)
    course.price = Decimal("99.00")
    course.save_revision().publish()
    order = Order.objects.get(user=learner)
    page = logged_in.get(reverse("checkout:pay", args=[order.number])).content.decode()
    assert "Pay $25" in page and order.total == Decimal("25.00")
    assert ensure_payment_intent(order).amount == 2500


def test_checkout_page_has_summary_and_card_form(logged_in, learner, course, stripe_settings):
    start(logged_in, course, include_credit="1")
    order = Order.objects.get(user=learner)
    page = logged_in.get(reverse("checkout:pay", args=[order.number])).content.decode()
    order.refresh_from_db()
    assert (
        "Spreadsheets for Business" in page and "Academic credit: 3 credit hours" in page and "$425" in page
    )
    assert f'data-client-secret="{order.payment_intent_id}_secret_' in page
    assert f"{stripe_settings.STRIPE_API_BASE}/js.stripe.com/v3/devtools/" in page
    assert 'id="card-element"' in page


def test_return_page_asks_stripe_before_and_after_the_webhook(logged_in, learner, course, client):
    start(logged_in, course)
    order = Order.objects.get(user=learner)
    complete = reverse("checkout:complete", args=[order.number])
    logged_in.get(reverse("checkout:pay", args=[order.number]))
    order.refresh_from_db()

    # The browser says it paid, but Stripe says not yet: not paid, nothing enrolled.
    page = logged_in.get(
        complete + "?payment_intent=" + order.payment_intent_id + "&redirect_status=succeeded"
    )
    assert "Not paid yet" in page.content.decode() and not Enrolment.objects.exists()

    pay_in_browser(order.payment_intent_id)
    page = logged_in.get(complete).content.decode()  # before the webhook: the page fulfils
    assert "payment received" in page and "card ending 4242" in page
    assert Enrolment.objects.filter(user=learner, microcredential=course).count() == 1

    payload = succeeded_event(order.payment_intent_id)
    response = client.post(
        reverse("stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload),
    )
    assert response.content == b"already paid"
    assert Enrolment.objects.count() == 1
    assert "payment received" in logged_in.get(complete).content.decode()  # after the webhook: same story


def test_three_d_secure_is_not_reported_as_paid(logged_in, learner, course):
    start(logged_in, course)
    order = Order.objects.get(user=learner)
    logged_in.get(reverse("checkout:pay", args=[order.number]))
    order.refresh_from_db()
    assert pay_in_browser(order.payment_intent_id, card="4000002500003155").status == "requires_action"
    page = logged_in.get(reverse("checkout:complete", args=[order.number])).content.decode()
    assert "needs your confirmation" in page
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and not Enrolment.objects.exists()


def test_declined_card_leaves_the_order_payable_with_the_same_intent(logged_in, learner, course):
    import stripe

    start(logged_in, course)
    order = Order.objects.get(user=learner)
    logged_in.get(reverse("checkout:pay", args=[order.number]))
    order.refresh_from_db()
    with pytest.raises(stripe.CardError):
        pay_in_browser(order.payment_intent_id, card="4000000000000341")
    page = logged_in.get(reverse("checkout:pay", args=[order.number])).content.decode()
    assert 'id="card-element"' in page  # still payable
    assert Order.objects.get(pk=order.pk).payment_intent_id == order.payment_intent_id


def test_already_enrolled_learner_cannot_buy_again(logged_in, learner, course):
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    page = logged_in.get(course.url).content.decode()
    assert "You are enrolled" in page and "Enrol — $25" not in page
    response = start(logged_in, course)
    assert response.status_code == 302
    assert "already enrolled" in logged_in.get(response.url).content.decode()
    assert Order.objects.count() == 1


def test_an_order_made_stale_in_another_tab_is_not_payable(logged_in, learner, course):
    first = create_order(learner, course.pk)
    second = create_order(learner, course.pk)  # two tabs, both unpaid
    fulfil_order(first.pk, 2500, "USD")
    page = logged_in.get(reverse("checkout:pay", args=[second.number])).content.decode()
    assert "already enrolled" in page and 'id="card-element"' not in page
    # If it were paid anyway (say, on Stripe's own page), the money is recorded and flagged for a refund.
    result = fulfil_order(second.pk, 2500, "USD")
    second.refresh_from_db()
    assert not result.fulfilled_now and second.status == OrderStatus.PAID and second.needs_review
    assert "Refund" in review_notes(second)[0] and Enrolment.objects.count() == 1


def test_payment_for_a_cancelled_order_is_flagged_not_lost(learner, course):
    order = create_order(learner, course.pk)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    result = fulfil_order(order.pk, 2500, "USD")
    order.refresh_from_db()
    assert (
        result.reason == "paid after cancellation" and order.needs_review and not Enrolment.objects.exists()
    )


def test_credit_conversion_later_from_my_learning(logged_in, learner, course):
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    page = logged_in.get(reverse("issuance:my_learning")).content.decode()
    assert "Add academic credit — $400" in page

    response = logged_in.post(reverse("checkout:start_credit", args=[course.pk]))
    credit_order = Order.objects.exclude(pk=order.pk).get()
    assert response.url == reverse("checkout:pay", args=[credit_order.number])
    assert [line.kind for line in credit_order.lines.all()] == [LineKind.CREDIT_CONVERSION]
    assert credit_order.total == Decimal("400.00")

    logged_in.get(reverse("checkout:pay", args=[credit_order.number]))
    credit_order.refresh_from_db()
    pay_in_browser(credit_order.payment_intent_id)
    assert (
        "payment received"
        in logged_in.get(reverse("checkout:complete", args=[credit_order.number])).content.decode()
    )
    assert Enrolment.objects.get().credit_status == CreditStatus.PURCHASED

    page = logged_in.get(reverse("issuance:my_learning")).content.decode()
    assert "Credit purchased" in page and "Add academic credit" not in page
    assert "Add academic credit" not in logged_in.get(course.url).content.decode()
    again = logged_in.post(reverse("checkout:start_credit", args=[course.pk]), follow=True)
    assert "already bought academic credit" in again.content.decode() and Order.objects.count() == 2


def test_credit_later_needs_an_enrolment_and_a_credit_option(logged_in, learner, course, partner, framework):
    response = logged_in.post(reverse("checkout:start_credit", args=[course.pk]), follow=True)
    assert (
        "Enrol in Spreadsheets for Business before buying its credit conversion" in response.content.decode()
    )
    no_credit = make_credential(partner, framework[1][:1], price=Decimal("25"))
    create_order(learner, no_credit.pk)
    fulfil_order(Order.objects.get().pk, 2500, "USD")
    response = logged_in.post(reverse("checkout:start_credit", args=[no_credit.pk]), follow=True)
    assert "no credit conversion to buy" in response.content.decode()
    assert Order.objects.count() == 1


def test_other_peoples_orders_are_404(client, learner, course):
    order = create_order(learner, course.pk)
    other = get_user_model().objects.create_user(email="sam@example.org", password="x")
    client.force_login(other)
    for name in ("checkout:pay", "checkout:complete", "checkout:receipt"):
        assert client.get(reverse(name, args=[order.number])).status_code == 404
    assert client.get(reverse("checkout:pay", args=["MC-DOESNOTEXIST"])).status_code == 404


def test_paid_order_page_goes_to_the_result_and_receipt_shows_card(logged_in, learner, course):
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD", card_brand="visa", card_last4="4242")
    response = logged_in.get(reverse("checkout:pay", args=[order.number]))
    assert response.url == reverse("checkout:complete", args=[order.number])
    receipt = logged_in.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    assert "Visa ending 4242" in receipt and order.number in receipt and "ana@example.org" in receipt


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    response = start(client, course)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not Order.objects.exists()


def test_unknown_or_unpublished_credentials_change_nothing(logged_in, course):
    assert logged_in.post(reverse("checkout:start", args=[999999])).status_code == 302
    course.unpublish()
    response = logged_in.post(reverse("checkout:start", args=[course.pk]), follow=True)
    assert "not available" in response.content.decode() and not Order.objects.exists()
    assert logged_in.get(reverse("checkout:start", args=[course.pk])).status_code == 405


@pytest.mark.parametrize("name", ["checkout:start", "checkout:start_credit", "checkout:enrol_free"])
def test_every_checkout_form_enforces_csrf(learner, course, name):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(reverse(name, args=[course.pk])).status_code == 403
    assert not Order.objects.exists() and not Enrolment.objects.exists()


def test_webhook_needs_no_csrf_but_a_signature(learner, course):
    order = create_order(learner, course.pk)
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    strict = Client(enforce_csrf_checks=True)
    payload = succeeded_event(intent.id, event_id="evt_csrf")
    response = strict.post(
        reverse("stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload),
    )
    assert response.status_code == 200 and PaymentEvent.objects.get().outcome == "fulfilled"
    assert json.loads(payload)["id"] == "evt_csrf"
