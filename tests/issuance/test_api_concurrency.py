"""An LMS that retries at once, or reports the same completion from several workers, against the
live server: real HTTP from one thread each, so each request has its own connection and
transactions (SQLite in WAL mode, or PostgreSQL, where the enrolment's row lock orders them).

What must hold: no 5xx, one completion and one delivery, one stored answer per key, and every
request with the same key and body gets the first answer.
"""

import datetime
import threading

import pytest
import requests
from django.utils import timezone

from issuance.models import Completion, Delivery, IdempotencyRecord, IntegrationToken, IssuerEndpoint
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = pytest.mark.django_db(transaction=True)

DAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def at_once(calls, timeout=60):
    """Run every call in its own thread, released together; the results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported by the test's assertions
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def test_simultaneous_reports_of_one_completion_make_one(live_server, partner):
    IssuerEndpoint.objects.create(url="http://127.0.0.1:9/issuer")
    enrolment = make_enrolment(
        make_learner("ada@example.edu", verified=False), make_credential(partner, short_code="ASU-PM-101")
    )
    _, token = IntegrationToken.issue("Canvas", partners=[partner])
    body = {
        "learner_email": "ada@example.edu",
        "credential_code": "ASU-PM-101",
        "result": "Pass",
        "completed_on": DAY,
    }

    def report(key):
        return lambda: requests.post(
            f"{live_server.url}/api/v1/completions/",
            json=body,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            timeout=60,
        )

    results = at_once([report("same-key") for _ in range(4)] + [report(f"key-{n}") for n in range(4)])
    problems = [r for r in results if not isinstance(r, requests.Response) or r.status_code not in (200, 201)]
    assert problems == [], [getattr(r, "status_code", r) for r in problems]
    same = [r.json() for r in results[:4]]
    assert all(answer == same[0] for answer in same)
    assert sorted(r.status_code for r in results).count(201) >= 1
    assert {r.json()["id"] for r in results} == {Completion.objects.get().pk}
    assert Completion.objects.get().enrolment_id == enrolment.pk
    assert Delivery.objects.count() == 1
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == [
        "key-0",
        "key-1",
        "key-2",
        "key-3",
        "same-key",
    ]
