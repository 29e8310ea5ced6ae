import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings

from catalog.models import Competency, MicrocredentialPage
from devtools.benchmarking import (
    elapsed_ms,
    machine_probe,
    machine_yardstick,
    one_connection,
    spread,
    write_table,
)
from search.sql.catalog_cache import bump_catalog_version


class Command(BaseCommand):
    help = (
        "Benchmark representative searches (p50/p95 over --repeat requests, and queries per "
        "request) on the configured database, cold (each request follows a catalog version bump, "
        "so nothing is answered from the cache) and warm (answers cached). Seeds the demo catalog "
        "plus generated credentials up to --scale and builds the search index first if the "
        "database has fewer credentials. "
        "Use a database you can fill: e.g. DATABASE_URL=postgres://…/mc_bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=20_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, scale, repeat, **options):
        existing = MicrocredentialPage.objects.live().count()
        if existing < scale:
            self.stdout.write(f"{existing:,} credentials; seeding up to {scale:,}…")
            call_command("seed_demo", stdout=self.stdout)
            missing = scale - MicrocredentialPage.objects.live().count()
            if missing > 0:
                call_command("seed_demo", scale=missing, stdout=self.stdout)
            self.stdout.write("Building the search index…")
            call_command("update_index", stdout=self.stdout)
            # A freshly bulk-loaded database has no planner statistics until autovacuum gets to
            # it: measured here, the first run after seeding was a fifth slower (plain text cold
            # p50 66 ms against 52 ms after ANALYZE).
            self.stdout.write("Gathering the query planner's statistics (ANALYZE)…")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        total = MicrocredentialPage.objects.live().count()
        skills = list(
            Competency.objects.exclude(competency_type="Domain")
            .order_by("pk")
            .values_list("pk", flat=True)[:5]
        )
        cases = [
            ("plain text", "/search/?q=data"),
            ("text + two facets", "/search/?q=data&level=2&credit=yes"),
            ("facets only", "/search/?format=online_self_paced&price=upto50"),
            (
                "skills search, 5 competencies",
                "/api/v1/skills-search/?" + "&".join(f"competency={pk}" for pk in skills),
            ),
            ("autocomplete", "/search/autocomplete/?q=dat"),
        ]
        client = Client()
        urls = [url for _, url in cases]
        yardsticks = [machine_yardstick()]
        probes = []
        # One connection for the whole run, so timings exclude reconnects and capture works.
        with one_connection(), override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            results = [self.warm_up(client, url) for url in urls]
            cold = self.timed(client, urls, repeat, bump=True, probes=probes)
            for url in urls:
                client.get(url)  # the cold run's bumps left nothing cached for the warm run
            warm = self.timed(client, urls, repeat, bump=False, probes=probes)
        backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].rsplit(".", 1)[-1]
        yardsticks.append(machine_yardstick())
        self.stdout.write("")
        self.stdout.write(
            "machine yardstick at start / end (compare runs only at similar values): summing 1,000,000 "
            f"integers {yardsticks[0][0]:.1f} / {yardsticks[1][0]:.1f} ms, "
            f"SELECT 1 round trip {yardsticks[0][1]:.2f} / {yardsticks[1][1]:.2f} ms"
        )
        probe = spread(probes)
        self.stdout.write(
            "machine probe before each timed request (summing 100,000 integers): "
            f"p50 {probe.p50:.2f} ms, p95 {probe.p95:.2f} ms, "
            f"max {probe.max:.2f} ms; a p95 well above the p50 means the machine itself slowed down "
            "during the run, "
            "and the searches' p95 shows it too"
        )
        self.stdout.write(
            f"{connection.vendor}, search backend {backend}, {total:,} live credentials, "
            f"{repeat} requests each, the searches taken in turn"
        )
        write_table(
            self.stdout,
            [
                "search",
                "URL",
                "results",
                "queries cold / warm",
                "cold min ms",
                "cold p50 ms",
                "cold p95 ms",
                "warm p50 ms",
                "warm p95 ms",
            ],
            [
                (
                    label,
                    f"`{url}`",
                    count,
                    f"{cold_row[0]} / {warm_row[0]}",
                    f"{cold_row[3]:.1f}",
                    f"{cold_row[1]:.1f}",
                    f"{cold_row[2]:.1f}",
                    f"{warm_row[1]:.1f}",
                    f"{warm_row[2]:.1f}",
                )
                for (label, url), count, cold_row, warm_row in zip(cases, results, cold, warm, strict=True)
            ],
        )

    def warm_up(self, client, url):
        """One untimed request (code paths, connection, database caches); the result count."""
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return self.result_count(response)

    def timed(self, client, urls, repeat, bump, probes):
        """For each URL, (queries per request, p50 ms, p95 ms, min ms); with `bump`, every request
        is a cache miss. The minimum is the search's own cost at the machine's quietest moment:
        the figure to compare code versions by when the machine is unsteady.

        The URLs are requested in turn, `repeat` rounds, so a minute in which the shared machine
        slows down hits every search alike instead of one search's whole series. Before each
        request, outside the timed part, `machine_probe()` times a fixed Python workload into
        `probes`.

        Queries are counted for every timed request (a counter, not a capture: nothing is
        kept), so a cold run whose requests did not all do the same work (some answered from
        the cache after all) shows as a range, e.g. "5-10", instead of passing unnoticed.
        """
        counts = {url: [] for url in urls}
        timings = {url: [] for url in urls}

        def count(execute, sql, params, many, context):
            counts[url][-1] += 1
            return execute(sql, params, many, context)

        for _ in range(repeat):
            for url in urls:
                if bump:
                    bump_catalog_version()  # outside the timed part, and not counted
                probes.append(machine_probe())
                counts[url].append(0)
                with connection.execute_wrapper(count):
                    started = time.perf_counter()
                    client.get(url)
                    timings[url].append(elapsed_ms(started))
        measured = []
        for url in urls:
            low, high = min(counts[url]), max(counts[url])
            timed = spread(timings[url])
            measured.append((low if low == high else f"{low}-{high}", timed.p50, timed.p95, timed.min))
        return measured

    def result_count(self, response):
        if response["Content-Type"].startswith("application/json"):
            data = response.json()
            return data.get("count", len(data.get("results", [])))
        outcome = response.context_data.get("outcome") if hasattr(response, "context_data") else None
        return outcome.total if outcome else "?"
