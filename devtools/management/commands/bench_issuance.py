"""Benchmark: issuer webhook deliveries per second with two real workers, completion-to-delivery
latency, and the completions API's intake time (PostgreSQL only)."""

import statistics
import tempfile
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from catalog.models import MicrocredentialPage
from checkout.models import Enrolment
from devtools.benchmarking import (
    captured_queries,
    elapsed_ms,
    machine_yardstick,
    spread,
    throwaway_database,
    write_table,
)
from devtools.delivery_rig import Rig, database_url, received, running_receiver
from devtools.demo.builder import DemoBuilder
from issuance.models import Completion, Delivery, DeliveryStatus, IssuerEndpoint, new_webhook_secret
from issuance.services import record_completion
from issuance.tokens import issue_token

# The workers' settings: the production retry schedule would never be reached (the receiver is
# healthy); a short timeout so that a stuck attempt shows at once.
WORKER_SETTINGS = {"delivery_timeout": 5, "lease_margin": 5, "redispatch_after": 30}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Command(BaseCommand):
    help = (
        "Measure issuer webhook delivery on PostgreSQL: deliveries per second to the reference "
        "receiver on loopback with two `db_worker` processes (the product's own delivery path), "
        "the time from record_completion() to delivered while the receiver is healthy (p50/p95), "
        "and POST /api/v1/completions/ through Django's test client (p50/p95). Runs in a "
        "throwaway test database, so your data is untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--deliveries", type=int, default=2000, help="Completions queued, then delivered (default 2000)."
        )
        parser.add_argument(
            "--latency",
            type=int,
            default=200,
            help="Completions recorded one by one for the latency figure (default 200).",
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=20.0,
            help="Completions per second during the latency run (default 20).",
        )
        parser.add_argument("--intake", type=int, default=200, help="API completions posted (default 200).")
        parser.add_argument("--workers", type=int, default=2, help="db_worker processes (default 2).")
        parser.add_argument(
            "--timeout", type=float, default=300, help="Seconds to wait for the deliveries (default 300)."
        )

    def handle(self, *args, deliveries, latency, rate, intake, workers, timeout, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_issuance needs PostgreSQL (two workers and a producer writing at once): "
                "set DATABASE_URL=postgres://…"
            )
        if min(deliveries, latency, intake, workers) < 1 or rate <= 0 or timeout <= 0:
            raise CommandError(
                "--deliveries, --latency, --intake and --workers must be at least 1; "
                "--rate and --timeout above 0."
            )
        self.timeout = timeout
        with throwaway_database(self.stdout):
            yardstick = machine_yardstick()
            with tempfile.TemporaryDirectory() as logs:
                rows = self.measure(deliveries, latency, rate, intake, workers, logs)
            yardstick_end = machine_yardstick()
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server_version = cursor.fetchone()[0]
        self.stdout.write("")
        self.stdout.write(
            f"PostgreSQL {server_version}; {workers} worker(s); machine yardstick at start / end: "
            f"{yardstick[0]:.1f} / {yardstick_end[0]:.1f} ms Python, "
            f"{yardstick[1]:.2f} / {yardstick_end[1]:.2f} ms database round trip"
        )
        write_table(self.stdout, ["measure", "count", "result", "p50 ms", "p95 ms", "max ms"], rows)

    def measure(self, deliveries, latency, rate, intake, workers, logs):
        self.stdout.write("Building the demo catalog…")
        DemoBuilder().build()
        IssuerEndpoint.objects.all().delete()  # the demo's points at `make run`'s receiver
        credential = MicrocredentialPage.objects.live().order_by("pk").first()
        total = deliveries + latency + intake
        self.stdout.write(f"Making {total} learners with a confirmed email and an enrolment…")
        now = timezone.now()
        learners = User.objects.bulk_create(
            User(email=f"bench{n}@example.org", first_name=f"Learner {n}", email_verified_at=now)
            for n in range(total)
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(user=learner, microcredential=credential) for learner in learners
        )
        secret = new_webhook_secret()
        # From here on, tasks go to the database queue the workers read (the catalog was built
        # without one: its search-index tasks are not part of the measure).
        with (
            override_settings(TASKS=DATABASE_TASKS),
            running_receiver(secret, logs) as receiver_url,
            Rig(database_url(connection.settings_dict), logs, **WORKER_SETTINGS) as rig,
        ):
            IssuerEndpoint.objects.create(url=f"{receiver_url}/webhooks", secret=secret)
            rows = [self.throughput(rig, workers, enrolments[:deliveries])]
            rows.append(self.latency(enrolments[deliveries : deliveries + latency], rate))
            rows.append(self.intake(enrolments[deliveries + latency :], credential))
            seen = received(receiver_url)
        expected = Delivery.objects.count()
        ids = {entry["webhook_id"] for entry in seen["received"]}
        if ids != set(Delivery.objects.values_list("message_id", flat=True)) or len(ids) != expected:
            raise CommandError("The receiver did not see every delivery exactly once.")
        if Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists():
            raise CommandError("Some deliveries were not delivered.")
        if Completion.objects.filter(credential_url="").exists():
            raise CommandError("Some completions did not get their credential back.")
        self.stdout.write(f"The receiver saw {len(ids)} webhook-ids, each once; {seen['requests']} requests.")
        return rows

    def wait_for(self, count, what):
        deadline = time.monotonic() + self.timeout
        shown = 0
        while True:
            done = Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
            if done >= count:
                return
            if Delivery.objects.filter(status=DeliveryStatus.DEAD).exists():
                raise CommandError("A delivery was dead-lettered: see the receiver's and workers' logs.")
            if time.monotonic() > deadline:
                raise CommandError(f"Timed out waiting for {what}: {done} of {count} delivered.")
            if time.monotonic() - shown >= 2:
                self.stdout.write(f"  {done}/{count} delivered")
                shown = time.monotonic()
            time.sleep(0.1)

    def throughput(self, rig, workers, enrolments):
        """Queue every completion first (workers stopped), then start the workers and time them
        from the first delivery to the last: the pure sending rate, with no producer competing."""
        self.stdout.write(f"Recording {len(enrolments)} completions (workers not started yet)…")
        for n, enrolment in enumerate(enrolments, 1):
            record_completion(enrolment, result="Pass", completed_on=timezone.localdate(), source="api")
            if n % 500 == 0:
                self.stdout.write(f"  {n}/{len(enrolments)}")
        self.stdout.write(f"Starting {workers} db_worker(s)…")
        started = time.monotonic()
        for n in range(workers):
            rig.start_worker(f"worker-{n + 1}")
        self.wait_for(len(enrolments), "the queued deliveries")
        wall = time.monotonic() - started
        times = sorted(Delivery.objects.values_list("delivered_at", flat=True))
        span = (times[-1] - times[0]).total_seconds()
        per_second = (len(times) - 1) / span if span else float("inf")
        attempts = statistics.mean(Delivery.objects.values_list("attempts", flat=True))
        self.stdout.write(
            f"  {len(times)} delivered in {span:.1f} s from the first to the last "
            f"({wall:.1f} s with the workers' start-up); {attempts:.2f} attempts each"
        )
        return (
            f"deliveries per second, {workers} workers",
            len(times),
            f"**{per_second:.0f}/s**",
            "",
            "",
            "",
        )

    def latency(self, enrolments, rate):
        """Completions recorded one by one at `rate` a second while the workers are idle: the
        time from the completion's commit to its delivery being recorded as delivered."""
        self.stdout.write(f"Recording {len(enrolments)} completions at {rate:g}/s for the latency…")
        committed = {}
        gap = 1 / rate
        next_at = time.monotonic()
        for enrolment in enrolments:
            completion, _ = record_completion(
                enrolment, result="Pass", completed_on=timezone.localdate(), source="api"
            )
            committed[completion.pk] = timezone.now()
            next_at += gap
            time.sleep(max(0.0, next_at - time.monotonic()))
        self.wait_for(Delivery.objects.count(), "the latency run's deliveries")
        delivered = dict(
            Delivery.objects.filter(completion_id__in=committed).values_list("completion_id", "delivered_at")
        )
        timings = [(delivered[pk] - at).total_seconds() * 1000 for pk, at in committed.items()]
        timed = spread(timings)
        return (
            "completion committed → delivered (healthy receiver)",
            len(timings),
            "",
            f"{timed.p50:.1f}",
            f"**{timed.p95:.1f}**",
            f"{timed.max:.1f}",
        )

    def intake(self, enrolments, credential):
        """POST /api/v1/completions/ through Django's test client, one request per enrolment;
        the workers deliver meanwhile, as they would in production."""
        self.stdout.write(f"Posting {len(enrolments)} completions to the API…")
        _, token = issue_token("Benchmark LMS", all_partners=True)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        url = reverse("api_completions")
        timings, queries = [], 0
        for n, enrolment in enumerate(enrolments):
            body = {
                "learner_email": enrolment.user.email,
                "credential_code": credential.short_code,
                "result": "Pass",
                "completed_on": timezone.localdate().isoformat(),
            }
            with captured_queries() as captured:
                started = time.perf_counter()
                response = client.post(
                    url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
                )
                timings.append(elapsed_ms(started))
            if n == 0:
                queries = len(captured)
            if response.status_code != 201:
                raise CommandError(f"The API answered {response.status_code}: {response.content[:300]!r}")
        self.wait_for(Delivery.objects.count(), "the API's deliveries")
        timed = spread(timings)
        return (
            f"POST /api/v1/completions/ (test client, {queries} queries)",
            len(timings),
            "",
            f"{timed.p50:.1f}",
            f"**{timed.p95:.1f}**",
            f"{timed.max:.1f}",
        )
