"""A refund of a completed enrolment, through checkout's own refund path against localstripe,
tells the issuer: a credential.revoked event about the same completion, signed and delivered."""

import json

import pytest
from django.contrib.auth import get_user_model
from standardwebhooks import Webhook

from checkout.models import EnrolmentStatus, OrderStatus
from checkout.payments import ensure_payment_intent, fulfil_from_payment_intent
from checkout.refunds import refund
from checkout.services import create_order
from issuance.models import Delivery, DeliveryStatus, EventType
from issuance.services import record_completion
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
