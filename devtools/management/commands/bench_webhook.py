"""Benchmark: how long the Stripe webhook takes to fulfil a paid order (p50/p95)."""

import hashlib
import hmac
import json
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from catalog.models import MicrocredentialPage
from checkout.models import Enrolment
from checkout.payments import ensure_payment_intent, stripe_client
from checkout.services import create_order
from devtools.benchmarking import captured_queries, elapsed_ms, spread, throwaway_database, write_table
from devtools.demo.builder import DemoBuilder
from devtools.localstripe_process import running_localstripe

SECRET = "whsec_benchmark"


class Command(BaseCommand):
    help = (
        "Measure the Stripe webhook's fulfilment time: N orders are paid in localstripe, then each "
        "one's signed payment_intent.succeeded event is posted to the webhook (which re-reads the "
        "PaymentIntent from localstripe, locks the order and enrols). Also times replays of the same "
        "events. Runs in a throwaway test database on the configured engine and starts its own "
        "localstripe, so your data is untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=200, help="Paid orders to fulfil (default 200).")

    def handle(self, *args, orders, **options):
        if orders < 1:
            raise CommandError("--orders must be at least 1.")
        with (
            throwaway_database(self.stdout) as media,
            running_localstripe(Path(media) / "stripe.pickle") as base,
        ):
            with override_settings(STRIPE_API_BASE=base, STRIPE_WEBHOOK_SECRET=SECRET):
                results = self.measure(orders)
        self.stdout.write("")
        rows = []
        for label, count, queries, timings in results:
            timed = spread(timings)
            rows.append((label, count, queries, f"{timed.p50:.1f}", f"{timed.p95:.1f}", f"{timed.max:.1f}"))
        write_table(
            self.stdout,
            ["webhook event", "events", "queries", "p50 ms", "p95 ms", "max ms"],
            rows,
            note=f"({connection.vendor})",
        )

    def measure(self, count):
        DemoBuilder().build()
        course = (
            MicrocredentialPage.objects.live().filter(credit_eligible=True, price__gt=Decimal("0")).first()
        )
        client = stripe_client()
        users = get_user_model().objects
        intents = []
        self.stdout.write(f"Paying {count} orders in localstripe…")
        for i in range(count):
            learner = users.create_user(email=f"bench{i}@example.org", password=None)
            order = create_order(learner, course.pk, include_credit=bool(i % 2))
            intent = ensure_payment_intent(order)
            method = client.v1.payment_methods.create(
                params={
                    "type": "card",
                    "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
                }
            )
            client.v1.payment_intents.update(intent.id, params={"payment_method": method.id})
            client.v1.payment_intents.confirm(intent.id)
            intents.append(intent.id)
            if (i + 1) % 50 == 0:
                self.stdout.write(f"  {i + 1}/{count}")

        http = Client()
        url = reverse("stripe_webhook")
        events = [self.event(intent_id, f"evt_bench_{n}") for n, intent_id in enumerate(intents)]
        self.post(http, url, self.event("pi_warmup", "evt_warmup"))  # warm up: URL resolver, imports

        fulfil_timings, fulfil_queries = self.run(http, url, events, expect=b"fulfilled")
        assert Enrolment.objects.count() == count, "every order must be fulfilled exactly once"
        replay_timings, replay_queries = self.run(http, url, events, expect=b"Already processed.")
        assert Enrolment.objects.count() == count
        return [
            ("payment_intent.succeeded (fulfils)", count, fulfil_queries, fulfil_timings),
            ("same event replayed (no-op)", count, replay_queries, replay_timings),
        ]

    def run(self, http, url, events, expect):
        timings, queries = [], 0
        for n, payload in enumerate(events):
            with captured_queries() as captured:
                started = time.perf_counter()
                response = self.post(http, url, payload)
                timings.append(elapsed_ms(started))
            if n == 0:
                queries = len(captured)
            if response.content != expect:
                raise CommandError(
                    f"Webhook answered {response.status_code} {response.content!r}, expected {expect!r}"
                )
        return timings, queries

    def event(self, intent_id, event_id):
        return json.dumps(
            {
                "id": event_id,
                "object": "event",
                "type": "payment_intent.succeeded",
                "data": {"object": {"id": intent_id, "object": "payment_intent"}},
            }
        )

    def post(self, http, url, payload):
        timestamp = int(time.time())
        signature = hmac.new(SECRET.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
        return http.post(
            url,
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=f"t={timestamp},v1={signature}",
        )
