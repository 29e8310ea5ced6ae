"""Ordinary concurrency against the live server, on SQLite (a file database in WAL mode, as in
production) and PostgreSQL: a double-clicked Enrol, the return page racing the webhook, and a burst
of webhooks. Each request is real HTTP from its own thread, so each has its own database connection
and its own transactions, as under a threaded or multi-process server.

What must hold: no request answers 5xx ("database is locked" on SQLite was one), and the rules hold
(one unpaid order per purchase, one enrolment per payment).
"""

import json
import threading
from decimal import Decimal

import pytest
import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from stripe._api_requestor import _APIRequestor

from checkout.models import Enrolment, Order, OrderEventKind, OrderStatus, PaymentEvent, Refund
from checkout.payments import ensure_payment_intent, stripe_client
from checkout.refunds import refund
from checkout.services import create_order
from tests.builders import make_credential, make_paid_course
from tests.checkout.test_payments import pay_in_browser, signed, succeeded_event

# Any 32 letters do as a CSRF secret: the cookie and the header carry the same one, as a browser's
# form post carries the cookie and the hidden field.
CSRF = "concurrencyconcurrencyconcurren1"


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


def statuses(results):
    """How many answers of each status (or exception), for the failure message."""
    counts = {}
    for result in results:
        key = result.status_code if isinstance(result, requests.Response) else type(result).__name__
        counts[key] = counts.get(key, 0) + 1
    return counts


def server_errors(results):
    return [r for r in results if not isinstance(r, requests.Response) or r.status_code >= 500]


def browser_session(user):
    """A requests session logged in as `user`, with a CSRF cookie, like a browser tab."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF)
    session.headers["X-CSRFToken"] = CSRF
    return session


def post_signed(url, payload):
    return requests.post(
        url,
        data=payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": signed(payload)},
        timeout=60,
    )


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="ana@example.org", password="x")


def test_sqlite_writers_wait_their_turn():
    """The settings the tests run with are production's: every SQLite transaction starts with
    BEGIN IMMEDIATE and waits up to 20 seconds for the write lock, in WAL mode."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


# Live-server tests flush the database when they end (see test_webhook_delivery.py).
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_enrol_clicks_make_one_order_and_no_errors(
    live_server, stripe_settings, learner, partner, framework
):
    course = make_paid_course(partner, framework)
    url = live_server.url + reverse("checkout:start", args=[course.pk])
    tabs = [browser_session(learner) for _ in range(30)]

    results = at_once([lambda s=s: s.post(url, allow_redirects=False, timeout=60) for s in tabs])

    assert server_errors(results) == [], statuses(results)
    assert {r.status_code for r in results} == {302}
    assert Order.objects.filter(user=learner).count() == 1
    order = Order.objects.get(user=learner)
    assert order.status == OrderStatus.PENDING and {r.headers["Location"] for r in results} == {
        reverse("checkout:pay", args=[order.number])
    }


@pytest.mark.django_db(transaction=True)
def test_return_pages_racing_webhooks_enrol_once_without_errors(
    live_server, stripe_settings, learner, partner, framework
):
    course = make_paid_course(partner, framework)
    order = create_order(learner, course.pk, include_credit=True)
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    complete = live_server.url + reverse("checkout:complete", args=[order.number])
    webhook = live_server.url + reverse("stripe_webhook")
    tab = browser_session(learner)
    # Stripe may deliver one event more than once, and may send it while the learner reloads.
    events = [succeeded_event(intent.id, event_id=f"evt_race_{i % 4}") for i in range(8)]
    calls = [lambda: tab.get(complete, timeout=60) for _ in range(8)]
    calls += [lambda payload=payload: post_signed(webhook, payload) for payload in events]

    results = at_once(calls)

    assert server_errors(results) == [], statuses(results)
    assert all("payment received" in r.text for r in results[:8])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and not order.needs_review
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert order.history.filter(kind=OrderEventKind.STATUS_CHANGE).count() == 1
    assert PaymentEvent.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_forty_webhooks_gets_no_errors(live_server, stripe_settings, partner, framework):
    course = make_paid_course(partner, framework)
    users = get_user_model().objects
    orders = []
    for i in range(5):
        order = create_order(users.create_user(email=f"learner{i}@example.org"), course.pk)
        pay_in_browser(ensure_payment_intent(order).id)
        orders.append(Order.objects.get(pk=order.pk))
    webhook = live_server.url + reverse("stripe_webhook")
    payloads = []
    for order in orders:
        payloads += [
            succeeded_event(order.payment_intent_id, event_id=f"evt_{order.pk}_{i}") for i in range(4)
        ]
        payloads += [succeeded_event(order.payment_intent_id, event_id=f"evt_{order.pk}_0")] * 2  # replays
        payloads += [
            payload.replace("payment_intent.succeeded", "payment_intent.payment_failed").replace(
                f"evt_{order.pk}_", f"evt_failed_{order.pk}_"
            )
            for payload in payloads[-6:-4]
        ]
    assert len(payloads) == 40

    results = at_once([lambda payload=payload: post_signed(webhook, payload) for payload in payloads])

    assert server_errors(results) == [], statuses(results)
    assert {r.status_code for r in results} == {200}
    assert Order.objects.filter(status=OrderStatus.PAID, needs_review=False).count() == 5
    assert Enrolment.objects.count() == 5
    assert PaymentEvent.objects.count() == 5 * 6  # four succeeded and two failed ids per order


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_free_enrol_clicks_enrol_once_and_no_errors(
    live_server, learner, partner, framework
):
    free = make_credential(partner, framework[1][:1], price=Decimal("0"))
    url = live_server.url + reverse("checkout:enrol_free", args=[free.pk])
    tabs = [browser_session(learner) for _ in range(30)]

    results = at_once([lambda s=s: s.post(url, allow_redirects=False, timeout=60) for s in tabs])

    assert server_errors(results) == [], statuses(results)
    assert {r.status_code for r in results} == {302} and Enrolment.objects.count() == 1


@pytest.fixture
def stripe_calls(monkeypatch):
    """Every request the stripe library sends from now on, with whether a database transaction was
    open in the thread that sent it."""
    calls = []
    send = _APIRequestor.request_raw

    def watched(self, method, url, *args, **kwargs):
        calls.append((method, url.split("?")[0], connection.in_atomic_block))
        return send(self, method, url, *args, **kwargs)

    monkeypatch.setattr(_APIRequestor, "request_raw", watched)
    return calls


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_stripe_is_asked(
    stripe_settings, stripe_calls, learner, partner, framework
):
    """A transaction waiting on Stripe holds its locks (on SQLite, the whole database) for as long
    as Stripe takes. Every step of a purchase, its webhooks and both kinds of refund ask Stripe
    first and write afterwards."""
    course = make_paid_course(partner, framework)
    browser = Client()
    browser.force_login(learner)
    browser.post(reverse("checkout:start", args=[course.pk]), {"include_credit": "1"})
    order = Order.objects.get()
    browser.get(reverse("checkout:pay", args=[order.number]))  # creates the PaymentIntent
    order.refresh_from_db()
    pay_in_browser(order.payment_intent_id)
    assert (
        "payment received" in browser.get(reverse("checkout:complete", args=[order.number])).content.decode()
    )
    webhook = Client()
    payload = succeeded_event(order.payment_intent_id, event_id="evt_tx_paid")
    assert (
        webhook.post(
            reverse("stripe_webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload),
        ).content
        == b"already paid"
    )
    refund(order, [order.lines.get(kind="credit_conversion").pk], "Changed mind", None)  # from the admin
    stripe_client().v1.refunds.create(
        params={"payment_intent": order.payment_intent_id, "amount": 2500}
    )  # dashboard
    payload = json.dumps(
        {
            "id": "evt_tx_refund",
            "object": "event",
            "type": "charge.refunded",
            "data": {"object": {"object": "charge", "id": "ch_x", "payment_intent": order.payment_intent_id}},
        }
    )
    assert webhook.post(
        reverse("stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(payload),
    ).content.startswith(b"recorded re_")
    assert Order.objects.get().status == OrderStatus.REFUNDED and Refund.objects.count() == 2

    asked = {
        (method, url.rsplit("/", 1)[0] if url.count("/") > 2 else url) for method, url, _ in stripe_calls
    }
    assert {("post", "/v1/payment_intents"), ("post", "/v1/refunds"), ("get", "/v1/refunds")} <= asked, asked
    assert [call for call in stripe_calls if call[2]] == []
