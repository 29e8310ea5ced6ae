"""A refund of a completed enrolment, through checkout's own refund path against localstripe,
tells the issuer: a credential.revoked event about the same completion, signed and delivered."""

import json

import pytest
from django.contrib.auth import get_user_model
from standardwebhooks import Webhook

from checkout.models import Enrolment, EnrolmentStatus, OrderStatus
from checkout.payments import ensure_payment_intent, fulfil_from_payment_intent
from checkout.refunds import refund
from checkout.services import create_order
from issuance.models import Delivery, DeliveryStatus, EventType
from issuance.services import CompletionError, record_completion
from tests.builders import make_paid_course
from tests.checkout.test_payments import pay_in_browser

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_refunding_a_completed_enrolment_sends_credential_revoked(
    stripe_settings,
    partner,
    framework,
    learner,
    endpoint,
    receiver,
    quick_retries,
    django_capture_on_commit_callbacks,
):
    course = make_paid_course(partner, framework)
    order = create_order(learner, course.pk)
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    fulfil_from_payment_intent(intent.id)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    enrolment = order.enrolments.get()

    with django_capture_on_commit_callbacks(execute=True):
        completion, _ = record_completion(enrolment, result="Pass", completed_on=TODAY, source="admin")
    completed = Delivery.objects.get(completion=completion, event_type=EventType.CREDENTIAL_COMPLETED)
    assert completed.status == DeliveryStatus.DELIVERED

    staff = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    with django_capture_on_commit_callbacks(execute=True):
        refund(
            order, [str(pk) for pk in order.lines.values_list("pk", flat=True)], "Asked within 14 days", staff
        )

    enrolment.refresh_from_db()
    completion.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REVOKED and completion.revoked_at is not None
    revoked = Delivery.objects.get(completion=completion, event_type=EventType.CREDENTIAL_REVOKED)
    assert revoked.status == DeliveryStatus.DELIVERED
    assert revoked.message_id != completed.message_id  # another event, so another webhook-id
    headers, body = receiver.log[-1]
    event = Webhook(receiver.webhook_secret).verify(body, headers)
    assert event["type"] == "credential.revoked" and event["completion"]["id"] == completion.pk
    assert json.loads(body)["credential"]["id"] == completed.payload["credential"]["id"]
    # The revocation's answer does not replace the credential the learner was given.
    assert completion.credential_url.endswith(receiver.received.by_id[completed.message_id]["credential_id"])


def buy(learner, course):
    order = create_order(learner, course.pk)
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    fulfil_from_payment_intent(intent.id)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def test_a_refunded_completion_bought_again_can_be_completed_again(
    stripe_settings,
    partner,
    framework,
    learner,
    endpoint,
    receiver,
    quick_retries,
    django_capture_on_commit_callbacks,
):
    """Complete → refund (credential.revoked) → buy again → complete: a second completion, and a
    second credential.completed under a new webhook-id; the first stays revoked, as told."""
    course = make_paid_course(partner, framework)
    first_order = buy(learner, course)
    enrolment = first_order.enrolments.get()
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = record_completion(enrolment, result="Pass", completed_on=TODAY, source="admin")
    staff = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    with django_capture_on_commit_callbacks(execute=True):
        refund(
            first_order, [str(pk) for pk in first_order.lines.values_list("pk", flat=True)], "Refund", staff
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REVOKED

    # Refunded, not yet bought again: still refused.
    with pytest.raises(CompletionError, match="refunded"):
        record_completion(enrolment, result="Pass", completed_on=TODAY, source="admin")

    buy(learner, course)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert Enrolment.objects.filter(user=learner, microcredential=course).count() == 1  # the same row

    with django_capture_on_commit_callbacks(execute=True):
        second, created = record_completion(enrolment, result="Merit", completed_on=TODAY, source="api")
    assert created and second.pk != first.pk and second.enrolment_id == first.enrolment_id
    first.refresh_from_db()
    assert first.is_revoked and not second.is_revoked
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    # A repeat of the report now returns the new completion, not a third.
    assert record_completion(enrolment, completed_on=TODAY, source="csv") == (second, False)

    completed = Delivery.objects.filter(event_type=EventType.CREDENTIAL_COMPLETED).order_by("pk")
    assert [d.completion_id for d in completed] == [first.pk, second.pk]
    assert completed[0].message_id != completed[1].message_id
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.DELIVERED}
    types = [Webhook(receiver.webhook_secret).verify(body, headers)["type"] for headers, body in receiver.log]
    assert types == ["credential.completed", "credential.revoked", "credential.completed"]
    assert receiver.received.by_id[completed[1].message_id]["completion_id"] == second.pk
    # The learner sees the new credential.
    second.refresh_from_db()
    assert second.credential_url.endswith(receiver.received.by_id[completed[1].message_id]["credential_id"])
