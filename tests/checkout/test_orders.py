"""Orders take prices from the database, and fulfilment enrols a learner exactly once."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from checkout.models import (
    CreditStatus,
    Enrolment,
    EnrolmentStatus,
    InvalidTransition,
    LineKind,
    Order,
    OrderStatus,
)
from checkout.money import to_cents
from checkout.services import (
    CheckoutError,
    create_credit_order,
    create_order,
    enrol_free,
    fulfil_order,
    pending_order_for,
    start_checkout,
    start_credit_checkout,
)
from tests.builders import make_credential
from tests.checkout.conftest import review_notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="learner@example.org", password="x")


@pytest.fixture
def asu_course(partner, framework):
    return make_credential(
        partner,
        framework[1][:1],
        title="Project Management Foundations",
        short_code="ASU-PM-101",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )


def test_money_is_integer_cents_at_the_boundary():
    assert to_cents(Decimal("425.00")) == 42500 and to_cents(Decimal("0.105")) == 11
    with pytest.raises(TypeError):
        to_cents(25.0)


def test_order_captures_prices_at_order_time(learner, asu_course):
    order = create_order(learner, asu_course.pk, include_credit=True)
    assert order.total == Decimal("425.00") and order.status == OrderStatus.PENDING
    assert [(line.kind, line.amount) for line in order.lines.all()] == [
        ("enrolment", Decimal("25.00")),
        ("credit_conversion", Decimal("400.00")),
    ]
    asu_course.price = Decimal("99.00")
    asu_course.save_revision().publish()
    order.refresh_from_db()
    assert order.total == Decimal("425.00") and order.lines.first().amount == Decimal("25.00")


def test_fulfilment_enrols_once_and_checks_the_amount(learner, asu_course):
    order = create_order(learner, asu_course.pk, include_credit=True)
    wrong = fulfil_order(order.pk, 2500, "usd")
    assert (
        not wrong.fulfilled_now
        and wrong.order.needs_review
        and "does not match" in review_notes(wrong.order)[0]
    )
    assert not Enrolment.objects.exists()

    first = fulfil_order(order.pk, 42500, "usd")
    again = fulfil_order(order.pk, 42500, "usd")
    assert first.fulfilled_now and not again.fulfilled_now
    enrolment = Enrolment.objects.get()
    assert enrolment.order == order and enrolment.credit_status == CreditStatus.PURCHASED
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at is not None


def test_already_enrolled_learners_cannot_buy_twice(learner, asu_course):
    order = create_order(learner, asu_course.pk)
    fulfil_order(order.pk, 2500, "USD")
    with pytest.raises(CheckoutError, match="already enrolled"):
        create_order(learner, asu_course.pk)


def test_credit_conversion_later_only_once_and_only_when_offered(learner, asu_course, partner, framework):
    with pytest.raises(CheckoutError, match="Enrol in"):
        create_credit_order(learner, asu_course.pk)
    fulfil_order(create_order(learner, asu_course.pk).pk, 2500, "USD")
    credit = create_credit_order(learner, asu_course.pk)
    assert credit.total == Decimal("400.00") and [line.kind for line in credit.lines.all()] == [
        "credit_conversion"
    ]
    fulfil_order(credit.pk, 40000, "USD")
    assert Enrolment.objects.get().credit_status == CreditStatus.PURCHASED
    with pytest.raises(CheckoutError, match="already bought"):
        create_credit_order(learner, asu_course.pk)

    no_credit = make_credential(partner, framework[1][:1], price=Decimal("25"))
    with pytest.raises(CheckoutError, match="no credit conversion to buy"):
        create_order(learner, no_credit.pk, include_credit=True)


def test_free_credentials_enrol_without_payment(learner, partner, framework):
    free = make_credential(partner, framework[1][:1], price=Decimal("0"))
    enrolment = enrol_free(learner, free.pk)
    assert enrolment.status == "active" and enrolment.order is None
    with pytest.raises(CheckoutError, match="already enrolled"):
        enrol_free(learner, free.pk)
    assert not Order.objects.exists()


def test_active_enrolments_are_held_ones_and_a_revoked_one_can_be_bought_again(learner, partner, framework):
    courses = [make_credential(partner, framework[1][:1], price=Decimal("25")) for _ in range(3)]
    for course, status in zip(courses, EnrolmentStatus.values, strict=True):
        Enrolment.objects.create(user=learner, microcredential=course, status=status)
    active = Enrolment.objects.active()
    assert sorted(active.values_list("status", flat=True)) == ["active", "completed"]
    assert {e.pk for e in Enrolment.objects.all() if e.is_active} == {e.pk for e in active}
    revoked = Enrolment.objects.get(status=EnrolmentStatus.REVOKED)
    assert create_order(learner, revoked.microcredential_id).total == Decimal("25.00")
    with pytest.raises(CheckoutError, match="already enrolled"):
        create_order(learner, courses[1].pk)  # completed


def test_starting_checkout_again_reuses_the_unpaid_order_for_the_same_lines(learner, asu_course):
    with_credit = start_checkout(learner, asu_course.pk, include_credit=True)
    assert start_checkout(learner, asu_course.pk, include_credit=True) == with_credit
    alone = start_checkout(learner, asu_course.pk)
    assert alone != with_credit and start_checkout(learner, asu_course.pk) == alone
    assert pending_order_for(learner, asu_course, [LineKind.CREDIT_CONVERSION]) is None

    fulfil_order(alone.pk, 2500, "USD")
    credit = start_credit_checkout(learner, asu_course.pk)
    assert start_credit_checkout(learner, asu_course.pk) == credit
    assert pending_order_for(learner, asu_course, [LineKind.CREDIT_CONVERSION]) == credit
    # The order with the enrolment is stale now (already enrolled), so it is not offered again.
    assert pending_order_for(learner, asu_course, [LineKind.ENROLMENT, LineKind.CREDIT_CONVERSION]) == (
        with_credit
    )
    with pytest.raises(CheckoutError, match="already enrolled"):
        start_checkout(learner, asu_course.pk, include_credit=True)


def test_drafts_cannot_be_bought(learner, partner, framework):
    draft = make_credential(partner, framework[1][:1], live=False)
    with pytest.raises(CheckoutError, match="not available"):
        create_order(learner, draft.pk)


def test_order_status_changes_follow_the_allowed_transitions(learner, asu_course):
    order = create_order(learner, asu_course.pk)
    with pytest.raises(InvalidTransition):
        order.transition_to(OrderStatus.REFUNDED)
    order.transition_to(OrderStatus.PAID)
    with pytest.raises(InvalidTransition):
        order.transition_to(OrderStatus.PENDING)


# On SQLite the writers take turns (BEGIN IMMEDIATE and a busy timeout, config/settings/base.py);
# what this proves there is that none of them fails with "database is locked" while waiting.
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_fulfilments_enrol_once(learner, asu_course):
    order = create_order(learner, asu_course.pk, include_credit=True)
    barrier = threading.Barrier(20)
    results, errors = [], []

    def fulfil():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(fulfil_order(order.pk, 42500, "USD").fulfilled_now)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=fulfil) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count(True) == 1 and len(results) == 20
    assert Enrolment.objects.count() == 1


def test_paid_order_gets_one_receipt_email(
    learner, asu_course, django_capture_on_commit_callbacks, mailoutbox
):
    order = create_order(learner, asu_course.pk, include_credit=True)
    with django_capture_on_commit_callbacks(execute=True):
        fulfil_order(order.pk, 42500, "USD", card_brand="visa", card_last4="4242")
    with django_capture_on_commit_callbacks(execute=True):
        fulfil_order(
            order.pk, 42500, "USD"
        )  # a second fulfilment (webhook after the return page) sends nothing
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [learner.email] and order.number in email.subject
    assert (
        "ending 4242" in email.body
        and "$25" in email.body
        and "$400" in email.body
        and "Total: $425" in email.body
    )
    assert "http://testserver/my-learning/" in email.body
