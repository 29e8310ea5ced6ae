import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from catalog.models import (
    CatalogIndexPage,
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPage,
)
from devtools.benchmarking import captured_queries, elapsed_ms, spread, throwaway_database, write_table
from devtools.demo.builder import DemoBuilder, generate_credentials
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Measure query counts and median render times of a microcredential page (5 and 50 "
        "competencies) and the catalog index (20 and 1,000 credentials). Runs in a throwaway "
        "test database on the configured engine (DATABASE_URL), so your data is untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50, help="Requests per measurement (default 50).")

    def handle(self, *args, repeat, **options):
        with throwaway_database(self.stdout):
            rows = self.measure(repeat)
        self.stdout.write("")
        write_table(
            self.stdout,
            ["page", "queries", "median ms", "p95 ms"],
            [(label, queries, f"{median:.1f}", f"{p95:.1f}") for label, queries, median, p95 in rows],
            note=f"({connection.vendor}, {repeat} requests each)",
        )

    def measure(self, repeat):
        DemoBuilder().build()
        catalog = CatalogIndexPage.objects.get()
        partner = PartnerPage.objects.order_by("pk").first()
        framework = CompetencyFramework.objects.create(title="Benchmark framework")
        competencies = Competency.objects.bulk_create(
            Competency(
                framework=framework, human_coding_scheme=f"B.{i}", full_statement=f"Benchmark skill {i}"
            )
            for i in range(50)
        )
        client = Client()
        rows = []

        for size in (5, 50):
            generate_credentials(1, [partner], competencies[:1])
            page = MicrocredentialPage.objects.order_by("-pk").first()
            MicrocredentialCompetency.objects.filter(page=page).delete()
            MicrocredentialCompetency.objects.bulk_create(
                MicrocredentialCompetency(page=page, competency=c, assessment_method="exam", sort_order=i)
                for i, c in enumerate(competencies[:size])
            )
            rows.append((f"microcredential, {size} competencies", *self.time_url(client, page.url, repeat)))

        existing = MicrocredentialPage.objects.live().descendant_of(catalog).count()
        partners = list(PartnerPage.objects.order_by("pk"))
        for total in (20, 1000):
            if total > existing:
                generate_credentials(total - existing, partners, competencies[:5])
                existing = total
            rows.append((f"catalog index, {total} credentials", *self.time_url(client, catalog.url, repeat)))
            self.stdout.write(f"  measured catalog with {total} credentials")
        return rows

    def time_url(self, client, url, repeat):
        client.get(url)  # warm up: renditions, template loading
        with captured_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        query_count = len(queries)  # now: Django empties the query log when the next request starts
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append(elapsed_ms(started))
        timed = spread(timings)
        return query_count, timed.p50, timed.p95
