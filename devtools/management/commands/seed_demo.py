import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Competency
from devtools.demo import content
from devtools.demo.builder import DemoBuilder, generate_credentials
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Build the demo catalog (partners, credentials, pathways, a CASE framework). Safe to run "
        "again: it only adds what is missing. --scale N adds N generated credentials for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Also add this many generated credentials.")
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Create the demo admin login (always done when DEBUG is on, as in development).",
        )

    def handle(self, *args, scale, admin, **options):
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        builder = DemoBuilder(stdout=self.stdout)
        created = builder.build()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo content: created {len(created)} item(s)."))
            for item in created:
                self.stdout.write(f"  + {item}")
        else:
            self.stdout.write("Demo content already present; nothing to do.")

        if admin or settings.DEBUG:
            made = builder.ensure_admin()
            state = "created" if made else "already exists"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login ({state}): {content.DEMO_ADMIN_EMAIL} / {content.DEMO_ADMIN_PASSWORD}"
                )
            )

        if scale:
            self._scale(scale)

    def _scale(self, count):
        partners = list(PartnerPage.objects.filter(kind__in=["university", "college"]).order_by("pk"))
        competencies = list(Competency.objects.exclude(competency_type="Domain"))
        started = time.monotonic()

        def progress(done, total):
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  generated {done:>7,}/{total:,} credentials ({rate:,.0f}/s)")

        self.stdout.write(f"Generating {count:,} credentials…")
        generate_credentials(count, partners, competencies, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {count:,} credentials in {time.monotonic() - started:.1f}s. "
                "Run `manage.py update_index` to make them searchable."
            )
        )
