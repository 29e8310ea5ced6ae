"""Benchmark: the partner dashboard and statements at issue #17's volume (PostgreSQL only)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from devtools.benchmarking import (
    captured_queries,
    elapsed_ms,
    machine_yardstick,
    spread,
    throwaway_database,
    write_table,
)
from devtools.demo.builder import DemoBuilder
from devtools.demo.revenue import months_before
from devtools.demo.volume import DEFAULT_CREDENTIALS, DEFAULT_ORDERS, ensure_dashboard_volume
from partners.access import partner_group

# Issue #17: the dashboard of a partner with 500 credentials and 100,000 orders, p95 ≤ 300 ms.
TARGET_P95_MS = 300


class Command(BaseCommand):
    help = (
        "Measure the partner dashboard (default range and 24 months), the statements list, one "
        "statement and its CSV on PostgreSQL, for a partner with --credentials credentials and "
        "--orders paid orders over 24 months (seed_demo --dashboard-volume's data), requested "
        "by one of the partner's editors through Django's test client: p50/p95/max ms and SQL "
        "queries per request. Runs in a throwaway test database, so your data is untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials",
            type=int,
            default=DEFAULT_CREDENTIALS,
            help=f"The partner's credentials (default {DEFAULT_CREDENTIALS}).",
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=DEFAULT_ORDERS,
            help=f"Its paid orders, over 24 months (default {DEFAULT_ORDERS:,}).",
        )
        parser.add_argument("--requests", type=int, default=50, help="Timed requests per page (default 50).")
        parser.add_argument(
            "--warmups", type=int, default=3, help="Untimed requests per page first (default 3)."
        )

    def handle(self, *args, credentials, orders, requests, warmups, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_partner_dashboard needs PostgreSQL (issue #17's target is PostgreSQL's): "
                "set DATABASE_URL=postgres://…"
            )
        if credentials < 5 or orders < 1 or requests < 1 or warmups < 0:
            raise CommandError(
                "--credentials must be at least 5, --orders and --requests at least 1, --warmups 0 or more."
            )
        with throwaway_database(self.stdout):
            seeded = self.seed(credentials, orders)
            yardstick = machine_yardstick()
            rows = self.measure(seeded, requests, warmups)
            yardstick_end = machine_yardstick()
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server_version = cursor.fetchone()[0]
        self.stdout.write("")
        self.stdout.write(
            f"PostgreSQL {server_version}; {seeded.sales}; seeded in {seeded.seconds:.1f}s; "
            f"machine yardstick at start / end: {yardstick[0]:.1f} / {yardstick_end[0]:.1f} ms Python, "
            f"{yardstick[1]:.2f} / {yardstick_end[1]:.2f} ms database round trip"
        )
        write_table(
            self.stdout,
            ["request", "queries", "p50 ms", "p95 ms", "max ms"],
            [
                (label, queries, f"{timed.p50:.1f}", f"**{timed.p95:.1f}**", f"{timed.max:.1f}")
                for label, queries, timed in rows
            ],
            note=f"({requests} requests each after {warmups} warm-up(s))",
        )
        dashboards = [timed.p95 for label, _, timed in rows if label.startswith("dashboard")]
        worst = max(dashboards)
        verdict = "met" if worst <= TARGET_P95_MS else "NOT met"
        self.stdout.write(f"Target dashboard p95 ≤ {TARGET_P95_MS} ms: {verdict} (worst p95 {worst:.1f} ms).")

    def seed(self, credentials, orders):
        self.stdout.write("Building the demo catalog…")
        DemoBuilder().build()
        self.stdout.write(f"Seeding the dashboard volume: {credentials:,} credentials, {orders:,} orders…")
        shown = [0.0]

        def progress(done, total, seconds):
            if done == total or seconds - shown[0] >= 5:
                shown[0] = seconds
                self.stdout.write(f"  {done:>7,}/{total:,} learners ({seconds:.0f}s)")

        summary = ensure_dashboard_volume(credentials, orders, progress=progress)
        self.stdout.write(f"  seeded in {summary.seconds:.1f}s: {summary.sales}")
        return summary

    def measure(self, seeded, requests, warmups):
        partner = seeded.partner
        editor = User.objects.create_user(email="bench-editor@example.org", password=None)
        partner_group(partner, "editor").user_set.add(editor)
        client = Client()
        client.force_login(editor, backend="accounts.backends.EmailBackend")
        today = timezone.localdate()
        last_month = months_before(today, 1)
        dashboard = reverse("partner_dashboard:partner", args=[partner.pk])
        start = months_before(today, 23)
        statement_args = [partner.pk, last_month.year, last_month.month]
        pages = [
            ("dashboard, default range (12 months)", dashboard),
            (f"dashboard, 24 months ({start:%b %Y}–{today:%b %Y})", f"{dashboard}?start={start}&end={today}"),
            ("statements list", reverse("partner_dashboard:statements", args=[partner.pk])),
            (
                f"statement, {last_month:%B %Y}",
                reverse("partner_dashboard:statement", args=statement_args),
            ),
            (
                f"statement CSV, {last_month:%B %Y}",
                reverse("partner_dashboard:statement_csv", args=statement_args),
            ),
        ]
        rows = []
        for label, url in pages:
            self.stdout.write(f"Requesting {label}: {url}")
            for _ in range(warmups):
                self.get(client, url)
            timings, counts = [], set()
            for _ in range(requests):
                with captured_queries() as queries:
                    started = time.perf_counter()
                    self.get(client, url)
                    timings.append(elapsed_ms(started))
                counts.add(len(queries))
            queries = str(min(counts)) if len(counts) == 1 else f"{min(counts)}–{max(counts)}"
            rows.append((label, queries, spread(timings)))
        return rows

    def get(self, client, url):
        """The whole response, a streamed CSV included (its rows are made as it is read)."""
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}.")
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content
