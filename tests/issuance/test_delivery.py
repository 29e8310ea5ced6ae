"""Sending deliveries to a real HTTP receiver on loopback (the reference issuer, in a thread):
signatures, what each kind of answer leads to, the retry schedule, pause, replay and leases.

Deliveries are sent by calling attempt_delivery() as the worker's task does; the tests'
transaction means nothing is dispatched on commit unless a test asks for it.
"""

import datetime
import email.utils
import json
import time

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import User
from issuance import outbox
from issuance.delivery import Outcome, attempt_delivery, claim, record, retry_after_seconds
from issuance.models import Delivery, DeliveryAttempt, DeliveryStatus, IssuerEndpoint
from issuance.tasks import deliver

pytestmark = pytest.mark.django_db


def fresh(row):
    row.refresh_from_db()
    return row


def test_the_request_is_signed_for_the_reference_library(delivery, receiver):
    attempt_delivery(delivery.pk)
    ((headers, body),) = receiver.log
    checker = Webhook(receiver.webhook_secret)
    assert checker.verify(body, headers)["completion"]["id"] == delivery.completion_id
    assert headers["webhook-id"] == delivery.message_id
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 5
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "application/json"
    # One changed byte, or another endpoint's secret, and the signature no longer verifies.
    tampered = body.replace(b'"Pass"', b'"Fail"')
    assert tampered != body
    with pytest.raises(WebhookVerificationError):
        checker.verify(tampered, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(IssuerEndpoint().secret).verify(body, headers)


def test_a_2xx_delivers_and_brings_the_credential_back(delivery, receiver):
    attempt = attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert row.delivered_at and row.next_attempt_at is None and row.lease_expires_at is None
    assert attempt.number == 1 and attempt.status_code == 200 and "credential_url" in attempt.response_excerpt
    (entry,) = receiver.received.snapshot()["received"]
    completion = row.completion
    assert completion.credential_id == entry["credential_id"]
    assert completion.credential_url == f"{receiver.base_url}/credentials/{entry['credential_id']}"
    assert completion.issued_at is not None
    # A second task for the same delivery finds nothing to do: nothing is sent twice.
    assert attempt_delivery(delivery.pk) is None
    assert len(receiver.log) == 1


def test_accredibles_answer_shape_is_read_too(delivery, receiver):
    receiver.script.append(
        (201, {"credential": {"id": 10001, "url": "https://www.credential.net/10001"}}, [])
    )
    attempt_delivery(delivery.pk)
    completion = fresh(delivery).completion
    assert (completion.credential_url, completion.credential_id) == (
        "https://www.credential.net/10001",
        "10001",
    )


@pytest.mark.parametrize(
    "answer",
    [{"credential_url": "javascript:alert(1)"}, {"credential_url": 42}, ["not", "an", "object"], {}],
)
def test_an_odd_answer_still_delivers_but_stores_no_credential(delivery, receiver, answer):
    receiver.script.append((200, answer, []))
    attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert row.status == DeliveryStatus.DELIVERED
    assert row.completion.credential_url == "" and row.completion.issued_at is None


def test_failures_follow_the_schedule_then_dead_letter(delivery, receiver, quick_retries):
    receiver.script.extend(["500", "reset", "500"])
    for expected in (1, 2):
        attempt_delivery(delivery.pk)
        row = fresh(delivery)
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, expected)
        assert row.next_attempt_at <= timezone.now()  # the test schedule waits 0 s
    assert fresh(delivery).last_error.startswith("Connection failed")
    attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DEAD, 3, 500)
    assert row.next_attempt_at is None
    assert attempt_delivery(delivery.pk) is None  # dead stays dead
    log = list(DeliveryAttempt.objects.filter(delivery=row).values_list("number", "status_code"))
    assert log == [(1, 500), (2, None), (3, 500)]


def test_the_production_schedule_waits_with_jitter(delivery, receiver, settings):
    settings.ISSUANCE_RETRY_SCHEDULE = [0, 5, 300, 1800]
    settings.ISSUANCE_RETRY_JITTER = 0.1
    receiver.script.extend(["500", "500"])

    def next_wait_bounds():
        """Seconds from before the attempt and from after it to the next attempt: the wait is
        counted from the answer, and a loaded machine may take a while to get one."""
        before = timezone.now()
        attempt_delivery(delivery.pk)
        after = timezone.now()
        next_at = fresh(delivery).next_attempt_at
        return (next_at - before).total_seconds(), (next_at - after).total_seconds()

    from_before, from_after = next_wait_bounds()
    assert from_before >= 4.5 and from_after <= 5.5
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    from_before, from_after = next_wait_bounds()
    assert from_before >= 270 and from_after <= 330


def test_a_timeout_is_a_failed_attempt(delivery, receiver, settings):
    settings.ISSUANCE_DELIVERY_TIMEOUT = 0.3
    receiver.script.append("timeout")  # the receiver records it, then answers after 1.5 s
    attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert row.status == DeliveryStatus.PENDING and row.last_status_code is None
    assert "No answer within 0.3 s" in row.last_error
    # The retry goes out under the same webhook-id, so the receiver does not issue twice.
    attempt_delivery(delivery.pk)
    assert fresh(delivery).status == DeliveryStatus.DELIVERED
    (entry,) = receiver.received.snapshot()["received"]
    assert entry["repeats"] == 1
    assert {headers["webhook-id"] for headers, _ in receiver.log} == {delivery.message_id}


def test_nothing_listening_is_a_failed_attempt(delivery):
    IssuerEndpoint.objects.filter(pk=delivery.endpoint_id).update(url="http://127.0.0.1:9/closed")
    attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.last_error.startswith("Connection failed")


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_is_honoured(delivery, receiver, status):
    receiver.script.append((status, {"error": "busy"}, [("Retry-After", "120")]))
    attempt_delivery(delivery.pk)
    row = fresh(delivery)
    assert row.status == DeliveryStatus.PENDING and row.last_status_code == status
    assert 119 <= (row.next_attempt_at - row.last_attempt_at).total_seconds() <= 121
    assert attempt_delivery(delivery.pk) is None  # not due before then


def test_retry_after_as_an_http_date_is_honoured_and_capped(delivery, receiver, settings):
    settings.ISSUANCE_RETRY_AFTER_MAX = 3600
    later = email.utils.format_datetime(timezone.now() + datetime.timedelta(minutes=10), usegmt=True)
    receiver.script.append((429, {}, [("Retry-After", later)]))
    attempt_delivery(delivery.pk)
    wait = (fresh(delivery).next_attempt_at - timezone.now()).total_seconds()
    assert 590 <= wait <= 601
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    receiver.script.append((503, {}, [("Retry-After", str(7 * 24 * 3600))]))
    attempt_delivery(delivery.pk)
    wait = (fresh(delivery).next_attempt_at - timezone.now()).total_seconds()
    assert 3590 <= wait <= 3600


def test_retry_after_parsing():
    now = timezone.now()
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("soon") is None and retry_after_seconds("") is None
    assert (
        retry_after_seconds(email.utils.format_datetime(now - datetime.timedelta(hours=1), usegmt=True)) == 0
    )


def test_a_410_disables_the_endpoint_holds_the_delivery_and_tells_staff(
    delivery, receiver, django_capture_on_commit_callbacks
):
    User.objects.create_superuser(email="ops@example.edu", password="x")
    receiver.script.append((410, {"error": "gone"}, []))
    with django_capture_on_commit_callbacks(execute=True):
        attempt_delivery(delivery.pk)
    endpoint = IssuerEndpoint.objects.get(pk=delivery.endpoint_id)
    assert endpoint.disabled_at is not None and "410" in endpoint.disabled_reason
    row = fresh(delivery)
    assert row.status == DeliveryStatus.PENDING and row.last_status_code == 410
    (message,) = mail.outbox
    assert message.to == ["ops@example.edu"] and endpoint.url in message.body
    assert "/admin/" in message.body
    # Disabled: no attempt goes out, and no new completion is routed to it.
    assert attempt_delivery(delivery.pk) is None
    assert endpoint not in IssuerEndpoint.objects.enabled()
    # Staff enable it again: the held delivery goes out under its webhook-id.
    with django_capture_on_commit_callbacks(execute=True):
        outbox.resume(endpoint)
    assert fresh(delivery).status == DeliveryStatus.DELIVERED
    assert receiver.log[-1][0]["webhook-id"] == delivery.message_id
    assert len(mail.outbox) == 1


def test_a_paused_endpoint_holds_deliveries_until_resumed(
    delivery, receiver, django_capture_on_commit_callbacks
):
    endpoint = delivery.endpoint
    outbox.pause(endpoint)
    assert attempt_delivery(delivery.pk) is None
    assert fresh(delivery).status == DeliveryStatus.PENDING and len(receiver.log) == 0
    assert outbox.redispatch_stranded(now=timezone.now() + datetime.timedelta(days=1)) == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ids = outbox.resume(endpoint)
    assert ids == [delivery.pk] and len(callbacks) == 1
    assert fresh(delivery).status == DeliveryStatus.DELIVERED and len(receiver.log) == 1


def test_replay_sends_again_under_the_same_webhook_id(delivery, receiver, django_capture_on_commit_callbacks):
    receiver.script.extend(["500", "500", "500"])
    for _ in range(3):
        attempt_delivery(delivery.pk)
    assert fresh(delivery).status == DeliveryStatus.DEAD
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.replay(Delivery.objects.filter(pk=delivery.pk)) == 1
    row = fresh(delivery)
    assert (row.status, row.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert [headers["webhook-id"] for headers, _ in receiver.log] == [delivery.message_id] * 4
    # The history keeps every attempt, numbered on.
    assert list(row.attempt_log.values_list("number", flat=True)) == [1, 2, 3, 4]
    # A delivered one can be replayed too (the issuer lost it); still the same id.
    with django_capture_on_commit_callbacks(execute=True):
        outbox.replay(Delivery.objects.filter(pk=delivery.pk))
    assert receiver.log[-1][0]["webhook-id"] == delivery.message_id
    (entry,) = receiver.received.snapshot()["received"]
    assert entry["repeats"] == 1


def test_only_one_of_two_claims_wins(delivery):
    first = claim(delivery.pk)
    assert first is not None and first.status == DeliveryStatus.SENDING
    assert claim(delivery.pk) is None


def test_a_worker_killed_mid_send_leaves_a_lease_that_runs_out(
    delivery, receiver, settings, django_capture_on_commit_callbacks
):
    settings.ISSUANCE_REDISPATCH_AFTER = 0
    dead_worker = claim(delivery.pk)  # ...and then the process was SIGKILLed: nothing recorded
    assert outbox.redispatch_stranded() == []  # its lease has not run out yet
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.redispatch_stranded() == [delivery.pk]
    row = fresh(delivery)
    assert row.status == DeliveryStatus.DELIVERED and row.attempts == 2
    assert receiver.log[-1][0]["webhook-id"] == delivery.message_id
    # Had the first worker only been slow, its late answer changes nothing but the history.
    record(dead_worker, Outcome(500, b"late"))
    row = fresh(delivery)
    assert row.status == DeliveryStatus.DELIVERED and row.last_status_code == 200
    assert row.attempt_log.count() == 2


def test_a_lost_task_is_dispatched_again_but_not_on_every_pass(delivery, receiver, settings):
    settings.ISSUANCE_REDISPATCH_AFTER = 60
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    now = timezone.now()
    assert outbox.redispatch_stranded(now=now) == []  # due now: its own task is on the way
    later = now + datetime.timedelta(seconds=61)
    assert outbox.redispatch_stranded(now=later) == [delivery.pk]
    assert outbox.redispatch_stranded(now=later + datetime.timedelta(seconds=1)) == []
    assert fresh(delivery).next_attempt_at == later


def test_each_retry_is_a_task_scheduled_with_run_after(
    delivery, receiver, settings, django_capture_on_commit_callbacks
):
    # The dummy backend keeps what is enqueued (and, like the database backend, can defer).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ISSUANCE_RETRY_SCHEDULE = [0, 300]
    settings.ISSUANCE_RETRY_JITTER = 0
    receiver.script.append("500")
    with django_capture_on_commit_callbacks(execute=True):
        attempt_delivery(delivery.pk)
    (queued,) = deliver.get_backend().results
    assert queued.args == [delivery.pk]
    assert queued.task.run_after == fresh(delivery).next_attempt_at
    assert 299 <= (queued.task.run_after - timezone.now()).total_seconds() <= 300


def test_the_body_sent_is_the_frozen_payload(delivery, receiver):
    attempt_delivery(delivery.pk)
    ((_, body),) = receiver.log
    assert json.loads(body) == fresh(delivery).payload


def test_dispatch_deliveries_command_sends_what_was_stranded(
    delivery, receiver, settings, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.ISSUANCE_REDISPATCH_AFTER = 0
    claim(delivery.pk)  # a worker took it and died
    Delivery.objects.filter(pk=delivery.pk).update(lease_expires_at=timezone.now())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_deliveries", stdout=out)
    assert "Queued 1 overdue delivery(ies) again." in out.getvalue()
    assert fresh(delivery).status == DeliveryStatus.DELIVERED
    with pytest.raises(CommandError):
        call_command("dispatch_deliveries", every=0)


def test_deliver_due_sends_every_due_delivery_in_batches_each_once(
    partner, learner, endpoint, receiver, quick_retries
):
    """The wake-up task's path: claim ten at a time, post them at once, record them together."""
    from issuance.delivery import DELIVERY_BATCH, claim_batch, deliver_due
    from tests.builders import make_credential

    from .conftest import complete

    rows = [complete(learner, make_credential(partner))[1][0] for _ in range(DELIVERY_BATCH * 2 + 3)]
    later = Delivery.objects.filter(pk=rows[-1].pk)
    later.update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))  # not due yet

    # Two claims never take the same row; each row taken carries the claim's lease.
    first, second = claim_batch(DELIVERY_BATCH), claim_batch(DELIVERY_BATCH)
    assert len(first) == len(second) == DELIVERY_BATCH
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert {d.status for d in first} == {DeliveryStatus.SENDING} and len(
        {d.lease_expires_at for d in first}
    ) == 1
    Delivery.objects.filter(pk__in=[d.pk for d in first + second]).update(
        status=DeliveryStatus.PENDING, lease_expires_at=None, attempts=0
    )

    attempted, more = deliver_due(budget_seconds=60)
    assert (attempted, more) == (len(rows) - 1, False)
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert all(statuses[row.pk] == DeliveryStatus.DELIVERED for row in rows[:-1])
    assert statuses[rows[-1].pk] == DeliveryStatus.PENDING
    assert set(DeliveryAttempt.objects.values_list("number", flat=True)) == {1}
    ids = [headers["webhook-id"] for headers, _ in receiver.log]
    assert sorted(ids) == sorted(row.message_id for row in rows[:-1])  # each once
    # A second pass finds nothing due.
    assert deliver_due(budget_seconds=60) == (0, False)
