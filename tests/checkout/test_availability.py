"""Only credentials that are published and public can be bought: not a draft, not one unpublished
after its order was made, not one behind a Wagtail view restriction (password, logged-in users,
groups), on the page or above it. Paying for such an order is refused with a clear message and no
charge; a payment that arrives anyway (a card form left open in another tab) is recorded, flagged
for staff and refundable from the admin, and enrols nobody."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from checkout.models import Enrolment, Order, OrderEventKind, OrderStatus, PaymentEvent, Refund
from checkout.payments import ensure_payment_intent, stripe_client
from checkout.refunds import refund
from checkout.services import (
    CheckoutError,
    create_order,
    enrol_free,
    fulfil_order,
    purchasable_credentials,
    start_checkout,
    start_credit_checkout,
)
from tests.builders import make_credential, restrict
from tests.checkout.conftest import review_notes
from tests.checkout.test_payments import pay_in_browser, signed, succeeded_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, learner):
    client.force_login(learner)
    return client


RESTRICTIONS = [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS]


def test_purchasable_means_live_and_public(course, partner, framework):
    draft = make_credential(partner, framework[1][:1], live=False)
    private = make_credential(partner, framework[1][:1])
    restrict(private, PageViewRestriction.LOGIN)
    assert list(purchasable_credentials()) == [course]
    assert draft.pk and private.pk  # both exist, neither is for sale


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_view_restricted_credential_cannot_be_bought(logged_in, learner, course, kind):
    restrict(course, kind)
    response = logged_in.post(
        reverse("checkout:start", args=[course.pk]), {"include_credit": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "not available for enrolment" in response.content.decode()
    with pytest.raises(CheckoutError, match="not available"):
        start_checkout(learner, course.pk)
    with pytest.raises(CheckoutError, match="not available"):
        create_order(learner, course.pk)
    assert not Order.objects.exists() and not Enrolment.objects.exists()


def test_a_restriction_above_the_credential_counts_too(logged_in, learner, course, partner):
    restrict(partner, PageViewRestriction.PASSWORD)
    response = logged_in.post(reverse("checkout:start", args=[course.pk]), follow=True)
    assert "not available for enrolment" in response.content.decode() and not Order.objects.exists()


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_view_restricted_free_credential_cannot_be_enrolled_in(
    logged_in, learner, partner, framework, kind
):
    free = make_credential(partner, framework[1][:1], price=Decimal("0"))
    restrict(free, kind)
    response = logged_in.post(reverse("checkout:enrol_free", args=[free.pk]), follow=True)
    assert "not available for enrolment" in response.content.decode()
    with pytest.raises(CheckoutError, match="not available"):
        enrol_free(learner, free.pk)
    assert not Enrolment.objects.exists()


def test_credit_for_a_credential_made_private_cannot_be_bought(logged_in, learner, course):
    fulfil_order(create_order(learner, course.pk).pk, 2500, "USD")
    restrict(course, PageViewRestriction.LOGIN)
    # Someone allowed to see the page (any logged-in learner here) is not offered what would be refused.
    page = logged_in.get(course.url).content.decode()
    assert "You are enrolled" in page and "Add academic credit" not in page
    assert "Add academic credit" not in logged_in.get(reverse("issuance:my_learning")).content.decode()
    response = logged_in.post(reverse("checkout:start_credit", args=[course.pk]), follow=True)
    assert "not available for enrolment" in response.content.decode()
    with pytest.raises(CheckoutError, match="not available"):
        start_credit_checkout(learner, course.pk)
    assert Order.objects.count() == 1


def test_the_credential_page_of_a_private_credential_offers_no_enrolment(logged_in, course):
    restrict(course, PageViewRestriction.LOGIN)
    page = logged_in.get(course.url).content.decode()
    assert "not open for enrolment" in page and reverse("checkout:start", args=[course.pk]) not in page


@pytest.mark.parametrize("change", ["unpublish", "restrict"])
def test_paying_for_an_order_whose_credential_went_away_is_refused_without_a_charge(
    logged_in, learner, course, change
):
    logged_in.post(reverse("checkout:start", args=[course.pk]))
    order = Order.objects.get(user=learner)
    if change == "unpublish":
        course.unpublish()
    else:
        restrict(course, PageViewRestriction.PASSWORD)

    page = logged_in.get(reverse("checkout:pay", args=[order.number])).content.decode()

    assert "Spreadsheets for Business is no longer available for enrolment" in page
    assert "Nothing has been charged" in page and 'id="card-element"' not in page
    order.refresh_from_db()
    assert order.payment_intent_id is None and order.status == OrderStatus.PENDING  # no intent: no charge
    # Starting again makes no new order either.
    response = logged_in.post(reverse("checkout:start", args=[course.pk]), follow=True)
    assert "not available for enrolment" in response.content.decode() and Order.objects.count() == 1


@pytest.mark.parametrize("arrives_by", ["return page", "webhook"])
def test_a_payment_that_arrives_anyway_is_recorded_flagged_and_refundable(
    logged_in, client, learner, course, arrives_by
):
    logged_in.post(reverse("checkout:start", args=[course.pk]), {"include_credit": "1"})
    order = Order.objects.get(user=learner)
    logged_in.get(reverse("checkout:pay", args=[order.number]))  # the card form, left open in a tab
    order.refresh_from_db()
    course.unpublish()
    pay_in_browser(order.payment_intent_id)  # the learner pays in that tab anyway

    if arrives_by == "return page":
        page = logged_in.get(reverse("checkout:complete", args=[order.number])).content.decode()
        assert "payment received" in page and "Our team is checking this order" in page
    else:
        payload = succeeded_event(order.payment_intent_id, event_id="evt_gone")
        client.logout()
        response = client.post(
            reverse("stripe_webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload),
        )
        assert response.status_code == 200 and response.content == b"no longer available"
        assert PaymentEvent.objects.get().outcome == "no longer available"

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.needs_review  # the money is on record
    assert not Enrolment.objects.exists()  # nobody enrolled in a withdrawn credential
    [note] = review_notes(order)
    assert "Spreadsheets for Business can no longer be bought" in note and "Refund this order" in note
    assert list(order.history.values_list("kind", flat=True)) == [
        OrderEventKind.STATUS_CHANGE,
        OrderEventKind.FLAGGED,
    ]

    # Staff refund it from the admin (the order is paid, so it is refundable).
    refund(order, order.lines.values_list("pk", flat=True), "Credential withdrawn", None)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and Refund.objects.get().amount == Decimal("425.00")
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": order.payment_intent_id}).data
    assert [r.amount for r in refunds] == [42500]


def test_fulfilment_checks_availability_even_without_the_views(learner, course):
    order = create_order(learner, course.pk)
    ensure_payment_intent(order)
    restrict(course, PageViewRestriction.GROUPS)
    result = fulfil_order(order.pk, 2500, "USD")
    order.refresh_from_db()
    assert not result.fulfilled_now and result.reason == "no longer available"
    assert order.status == OrderStatus.PAID and order.needs_review and not Enrolment.objects.exists()
