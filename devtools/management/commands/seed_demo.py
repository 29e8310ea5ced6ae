import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Competency
from devtools.demo import content
from devtools.demo.builder import DemoBuilder, generate_credentials
from devtools.demo.learners import DEFAULT_LEARNERS, DEMO_LEARNER_PASSWORD, ensure_learners, learner_email
from devtools.demo.search_index import indexed_on_exit
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Build the demo catalog (partners, credentials, pathways, a CASE framework). Safe to run "
        "again: it only adds what is missing. --scale N adds N generated credentials for benchmarks; "
        f"--learners N makes demo learners 1 to N (default {DEFAULT_LEARNERS}) with paid orders, "
        "enrolments and completions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Also add this many generated credentials.")
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Create the demo admin login (always done when DEBUG is on, as in development).",
        )
        parser.add_argument(
            "--learners",
            type=int,
            default=DEFAULT_LEARNERS,
            help=f"Make sure demo learners 1 to N exist, with orders (default {DEFAULT_LEARNERS}).",
        )

    def handle(self, *args, scale, admin, learners, **options):
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        if learners < 0:
            raise CommandError("--learners must be 0 or more.")
        builder = DemoBuilder(stdout=self.stdout)
        # Searchable as soon as the command ends, without waiting for the worker (search_index.py).
        with indexed_on_exit() as saved:
            created = builder.build()
        if saved:
            self.stdout.write(f"Search index: added the {len(saved)} item(s) saved.")
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
            made = builder.ensure_partner_editor()
            state = "created" if made else "already exists"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Partner editor login ({state}, Arizona State University's pages; staff approve): "
                    f"{content.DEMO_PARTNER_EDITOR_EMAIL} / {content.DEMO_PARTNER_EDITOR_PASSWORD}"
                )
            )

        if scale:
            self._scale(scale)
        if learners:
            self._learners(learners)

    def _learners(self, count):
        def progress(done, total, seconds):
            self.stdout.write(
                f"  made {done:>7,}/{total:,} demo learners ({done / max(seconds, 1e-6):,.0f}/s)"
            )

        summary = ensure_learners(count, progress=progress if count > 200 else None)
        if summary.learners:
            self.stdout.write(
                self.style.SUCCESS(f"Demo learners: created {summary} in {summary.seconds:.1f}s.")
            )
        else:
            self.stdout.write(f"Demo learners 1 to {count:,} already present.")
        self.stdout.write(
            f"Demo learner login: {learner_email(1)} (to {learner_email(count)}) / {DEMO_LEARNER_PASSWORD}"
        )

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
