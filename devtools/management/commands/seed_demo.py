import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Competency
from devtools.demo import content, volume
from devtools.demo.builder import DemoBuilder, generate_credentials
from devtools.demo.learners import DEFAULT_LEARNERS, DEMO_LEARNER_PASSWORD, ensure_learners, learner_email
from devtools.demo.revenue import ensure_sales_history
from devtools.demo.search_index import indexed_on_exit
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Build the demo catalog (partners, credentials, pathways, a CASE framework). Safe to run "
        "again: it only adds what is missing. --scale N adds N generated credentials for benchmarks; "
        f"--learners N makes demo learners 1 to N (default {DEFAULT_LEARNERS}) with paid orders, "
        "enrolments and completions. --dashboard-volume adds Volume Test University, 500 "
        "credentials and 100,000 orders, for the partner dashboard's benchmark."
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
        parser.add_argument(
            "--dashboard-volume",
            action="store_true",
            help="Also make Volume Test University with --dashboard-credentials credentials and "
            "--dashboard-orders paid orders over 24 months (the partner dashboard's benchmark volume).",
        )
        parser.add_argument(
            "--dashboard-credentials",
            type=int,
            default=volume.DEFAULT_CREDENTIALS,
            help=f"Credentials of the volume partner (default {volume.DEFAULT_CREDENTIALS}).",
        )
        parser.add_argument(
            "--dashboard-orders",
            type=int,
            default=volume.DEFAULT_ORDERS,
            help=f"Paid orders of the volume partner (default {volume.DEFAULT_ORDERS:,}).",
        )

    def handle(
        self,
        *args,
        scale,
        admin,
        learners,
        dashboard_volume,
        dashboard_credentials,
        dashboard_orders,
        **options,
    ):
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        if learners < 0:
            raise CommandError("--learners must be 0 or more.")
        if dashboard_credentials < 5 or dashboard_orders < 1:
            raise CommandError(
                "--dashboard-credentials must be at least 5 and --dashboard-orders at least 1."
            )
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
        self._sales_history()
        if dashboard_volume:
            self._dashboard_volume(dashboard_credentials, dashboard_orders)

    def _sales_history(self):
        summary = ensure_sales_history()
        if summary.learners:
            self.stdout.write(
                self.style.SUCCESS(f"Demo sales history: created {summary} in {summary.seconds:.1f}s.")
            )
        else:
            self.stdout.write("Demo sales history already present.")

    def _dashboard_volume(self, credentials, orders):
        title = volume.VOLUME_PARTNER["title"]
        self.stdout.write(f"Dashboard volume: {title}, {credentials:,} credentials, {orders:,} paid orders…")
        started = time.monotonic()

        def credential_progress(done, total):
            self.stdout.write(f"  generated {done:>7,}/{total:,} credentials")

        shown = [0.0]

        def progress(done, total, seconds):
            # One line about every five seconds, and the last.
            if done == total or seconds - shown[0] >= 5:
                shown[0] = seconds
                self.stdout.write(f"  {done:>7,}/{total:,} volume learners ({seconds:.0f}s)")

        summary = volume.ensure_dashboard_volume(
            credentials, orders, credential_progress=credential_progress, progress=progress
        )
        if summary.credentials_added or summary.agreements_added or summary.sales.learners:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dashboard volume: added {summary.credentials_added:,} credentials, "
                    f"{summary.agreements_added} agreements and {summary.sales} "
                    f"in {time.monotonic() - started:.1f}s."
                )
            )
        else:
            self.stdout.write(f"Dashboard volume already present ({time.monotonic() - started:.1f}s).")
        self.stdout.write(
            f"  {title}'s dashboard: /admin/partner-dashboard/{summary.partner.pk}/ (admins, its editors)"
        )

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
