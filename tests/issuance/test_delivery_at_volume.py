"""The promise to a university, tested the hard way: 1,000 completions reach an issuer that fails
about 30% of attempts (500s, timeouts, connection resets, 429s with Retry-After), while one of
the two real `db_worker` processes is SIGKILLed mid-run and started again. Every completion is
delivered, the issuer sees every webhook-id, and no completion arrives under two ids.

Everything is real: the reference receiver and the workers are child processes
(devtools/delivery_rig.py) talking HTTP on loopback and sharing this test's PostgreSQL database;
retry waits are short (ISSUANCE_* settings in the children's environment), not the production
schedule. PostgreSQL only: SQLite takes one writer at a time, which is not what two workers and
a producer need (docs/OPERATIONS.md).
"""

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from checkout.models import Enrolment
from devtools.delivery_rig import Rig, database_url, received, running_receiver
from issuance.models import Completion, Delivery, DeliveryStatus, IssuerEndpoint, new_webhook_secret
from issuance.services import record_completion
from tests.builders import make_credential, make_partner

from .conftest import TODAY

COMPLETIONS = 1000
DEADLINE_SECONDS = 240  # generous: a shared CI machine can be several times slower

# Short waits: 15 attempts (at a 30% failure rate the chance that one delivery fails them all is
# 0.3**15, about 1 in 70 million), a 0.4 s timeout per attempt, leases presumed lost 1.5 s after
# they run out.
CHILD_SETTINGS = {
    "retry_schedule": [0, 0.1, 0.2, 0.3, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1, 1],
    "retry_jitter": 0.1,
    "delivery_timeout": 0.4,
    "lease_margin": 0.5,
    "retry_after_max": 2,
    "redispatch_after": 1.5,
}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two worker processes and a producer writing at once",
    ),
]


def delivered_count():
    return Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if Delivery.objects.filter(status=DeliveryStatus.DEAD).exists():
            pytest.fail("A delivery was dead-lettered.")
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}: {delivered_count()} of {COMPLETIONS} delivered.")
        time.sleep(0.2)


def record_in_parallel(enrolments, threads=4):
    """Record the completions from a few threads at once, as several LMSs reporting would."""

    def record(chunk):
        try:
            for enrolment in chunk:
                record_completion(enrolment, result="Pass", completed_on=TODAY, source="api")
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(record, [enrolments[n::threads] for n in range(threads)]))


def left_running_by(worker_id):
    return list(DBTaskResult.objects.filter(worker_ids__contains=[worker_id], status="RUNNING"))


def test_a_thousand_completions_survive_a_failing_issuer_and_a_killed_worker(
    catalog, framework, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    partner = make_partner(catalog, title="Arizona State University")
    credential = make_credential(partner, framework[1][:2], title="Data Cleaning")
    secret = new_webhook_secret()
    learners = User.objects.bulk_create(
        User(email=f"learner{n}@example.edu", first_name=f"Learner {n}", email_verified_at=timezone.now())
        for n in range(COMPLETIONS)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(user=learner, microcredential=credential) for learner in learners
    )

    with (
        running_receiver(
            secret,
            tmp_path,
            fail_rate=0.3,
            failures=["500", "500", "reset", "reset", "timeout", "429"],
            hang_seconds=0.6,
            retry_after=1,
            seed=15,
        ) as receiver_url,
        Rig(database_url(connection.settings_dict), tmp_path, **CHILD_SETTINGS) as rig,
    ):
        IssuerEndpoint.objects.create(url=f"{receiver_url}/webhooks", secret=secret)
        rig.start_worker("worker-a")
        rig.start_worker("worker-b")
        rig.start_redispatcher(every=0.5)

        # The completions arrive while the workers deliver; each commits its outbox row with it
        # and wakes a worker on commit.
        started = time.monotonic()
        recording = threading.Thread(target=record_in_parallel, args=(enrolments,))
        recording.start()

        # SIGKILL worker A once it is in the middle of a task, while completions still arrive
        # (its task row is left "running" for ever, and the deliveries it held wait for their
        # lease to run out), then start it again.
        wait_until(lambda: delivered_count() >= COMPLETIONS * 0.3, 120, "30% delivered")
        worker_id, orphaned, held = "worker-a", [], []
        for kill in range(1, 11):
            rig.kill("worker-a")
            orphaned = left_running_by(worker_id)
            # What it may have held: a retry's own delivery, or (a deliver_due task) whatever
            # was being sent at that moment, by either worker.
            held = [task.args_kwargs["args"][0] for task in orphaned if task.args_kwargs["args"]] or list(
                Delivery.objects.filter(status=DeliveryStatus.SENDING).values_list("pk", flat=True)
            )
            worker_id = f"worker-a-{kill}"
            rig.start_worker("worker-a", worker_id=worker_id)
            if orphaned:
                break
            time.sleep(0.5)  # it was between two tasks: let the new one get into one
        assert orphaned, "worker A was never killed in the middle of a task"
        recording.join()
        print(f"{COMPLETIONS} completions recorded in {time.monotonic() - started:.1f} s")

        wait_until(lambda: delivered_count() == COMPLETIONS, DEADLINE_SECONDS, "every delivery")
        print(f"All delivered {time.monotonic() - started:.1f} s after the first completion")
        seen = received(receiver_url)

    deliveries = list(Delivery.objects.values("completion_id", "message_id", "status", "attempts"))
    assert len(deliveries) == COMPLETIONS == Completion.objects.count()
    assert {d["status"] for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert len({d["completion_id"] for d in deliveries}) == COMPLETIONS  # one delivery each
    assert not Delivery.objects.filter(pk__in=held).exclude(status=DeliveryStatus.DELIVERED).exists()

    # The receiver saw every webhook-id, and nothing else.
    ids_seen = {entry["webhook_id"] for entry in seen["received"]}
    assert ids_seen == {d["message_id"] for d in deliveries}
    # No completion under two ids.
    ids_per_completion = defaultdict(set)
    for entry in seen["received"]:
        ids_per_completion[entry["completion_id"]].add(entry["webhook_id"])
    assert len(ids_per_completion) == COMPLETIONS
    assert all(len(ids) == 1 for ids in ids_per_completion.values())

    # The failures really happened, and were retried.
    assert set(seen["failures_injected"]) == {"500", "reset", "timeout", "429"}
    assert seen["requests"] > COMPLETIONS * 1.3
    assert sum(d["attempts"] for d in deliveries) > COMPLETIONS * 1.3
    # Every learner has the credential the issuer gave back.
    assert not Completion.objects.filter(credential_url="").exists()
