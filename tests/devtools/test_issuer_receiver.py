"""The development reference issuer (devtools/issuer_receiver.py): it checks signatures with the
standardwebhooks library, issues one credential per webhook-id, lists what it got, and fails
on request for tests and benchmarks."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from devtools.issuer_receiver import DEVELOPMENT_SECRET, IssuerReceiver, main
from issuance.models import new_webhook_secret
from issuance.signing import sign_headers


@pytest.fixture
def issuer():
    server = IssuerReceiver(new_webhook_secret(), port=0)
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


def event(**learner):
    return {
        "type": "credential.completed",
        "completion": {"id": 7},
        "learner": {"name": "Ada", "email": "ada@example.edu", **learner},
        "subject": {"title": "Data Cleaning"},
    }


def send(issuer, body, message_id="msg_1", secret=None, moment=None):
    text = json.dumps(body)
    headers = sign_headers(secret or issuer.webhook_secret, message_id, moment or datetime.now(UTC), text)
    return requests.post(f"{issuer.base_url}/webhooks", data=text.encode(), headers=headers, timeout=5)


def test_a_signed_event_gets_a_credential_and_a_repeat_gets_the_same_one(issuer):
    first = send(issuer, event())
    assert first.status_code == 200
    credential = first.json()
    assert credential["credential_url"] == f"{issuer.base_url}/credentials/{credential['credential_id']}"
    assert send(issuer, event()).json() == credential  # same webhook-id: deduplicated
    assert send(issuer, event(), message_id="msg_2").json() != credential
    (entry, _) = issuer.received.snapshot()["received"]
    assert entry["webhook_id"] == "msg_1" and entry["repeats"] == 1 and entry["completion_id"] == 7
    page = requests.get(credential["credential_url"], timeout=5)
    assert page.status_code == 200 and "Data Cleaning" in page.text


@pytest.mark.parametrize(
    "secret, moment",
    [(new_webhook_secret(), None), (None, datetime.now(UTC) - timedelta(minutes=10))],
    ids=["wrong secret", "stale timestamp"],
)
def test_a_bad_signature_is_refused_and_not_recorded(issuer, secret, moment):
    response = send(issuer, event(), secret=secret, moment=moment)
    assert response.status_code == 401 and "Signature refused" in response.json()["error"]
    assert issuer.received.snapshot()["received"] == []


def test_the_listing_page_shows_what_arrived_escaped(issuer):
    send(issuer, event(name="<script>alert(1)</script>"), message_id="msg_listed")
    page = requests.get(f"{issuer.base_url}/", timeout=5).text
    assert "msg_listed" in page and "Data Cleaning" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    listed = requests.get(f"{issuer.base_url}/received.json", timeout=5).json()
    assert [e["webhook_id"] for e in listed["received"]] == ["msg_listed"]


def test_failure_injection_answers_429_with_retry_after():
    server = IssuerReceiver(new_webhook_secret(), port=0, fail_rate=1.0, failures=["429"], retry_after=7)
    server.start_in_thread()
    try:
        response = send(server, event())
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert server.received.snapshot()["failures_injected"] == {"429": 1}
    finally:
        server.shutdown()
        server.server_close()


def test_a_reset_closes_the_connection_without_an_answer():
    server = IssuerReceiver(new_webhook_secret(), port=0, fail_rate=1.0, failures=["reset"])
    server.start_in_thread()
    try:
        with pytest.raises(requests.ConnectionError):
            send(server, event())
    finally:
        server.shutdown()
        server.server_close()


def test_a_timeout_records_then_answers_late():
    server = IssuerReceiver(new_webhook_secret(), port=0, fail_rate=1.0, failures=["timeout"], hang_seconds=1)
    server.start_in_thread()
    try:
        started = time.monotonic()
        with pytest.raises(requests.Timeout):
            text = json.dumps(event())
            headers = sign_headers(server.webhook_secret, "msg_slow", datetime.now(UTC), text)
            requests.post(f"{server.base_url}/", data=text.encode(), headers=headers, timeout=0.3)
        assert time.monotonic() - started < 1
        assert [e["webhook_id"] for e in server.received.snapshot()["received"]] == ["msg_slow"]
    finally:
        server.shutdown()
        server.server_close()


def test_the_development_secret_is_a_valid_standard_webhooks_secret():
    from standardwebhooks import Webhook

    assert len(Webhook(DEVELOPMENT_SECRET)._whsecret) >= 24


@pytest.mark.parametrize("args", [["--fail-rate", "2"], ["--failures", "500,fire"]])
def test_bad_flags_are_refused(args):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2


@pytest.mark.django_db
def test_seed_demo_points_an_endpoint_at_the_receiver_once():
    from devtools.demo.builder import DemoBuilder
    from issuance.models import IssuerEndpoint

    DemoBuilder().ensure_issuer_endpoint()
    DemoBuilder().ensure_issuer_endpoint()
    (endpoint,) = IssuerEndpoint.objects.all()
    assert endpoint.url == "http://127.0.0.1:8430/webhooks" and endpoint.secret == DEVELOPMENT_SECRET
    assert not endpoint.partners.exists()  # covers every credential and pathway
