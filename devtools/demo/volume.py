"""A partner at the volume issue #17 sets for its dashboard (`seed_demo --dashboard-volume`):
Volume Test University, 500 credentials and 100,000 paid orders over the last 24 months, with
credit conversions, refunds, enrolments, completions and two revenue agreements.

bench_partner_dashboard seeds the same in a throwaway database and times the dashboard and
statements against it (docs/PERFORMANCE.md). Everything is idempotent: the partner is found by
slug, only the credentials it lacks are generated (builder.generate_credentials, as `--scale`),
its agreements are written once, and learners `volume-learner{n}@example.org` that exist are
left alone (devtools/demo/sales.py).
"""

import datetime
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import CatalogIndexPage, Competency, MicrocredentialPage
from partners.models import PartnerPage

from .builder import generate_credentials
from .images import draw_logo, get_or_create_image
from .revenue import write_agreements
from .sales import ensure_sales

VOLUME_PARTNER = {
    "slug": "volume-test-university",
    "title": "Volume Test University",
    "kind": "university",
    "brand_colour": "#5B2C83",
    "initials": "VTU",
    "short_description": "A generated partner with 500 credentials and 100,000 orders, for measuring the "
    "partner dashboard (seed_demo --dashboard-volume). Not a real institution.",
}
DEFAULT_CREDENTIALS = 500
DEFAULT_ORDERS = 100_000
MONTHS = 24


def volume_learner_email(number):
    return f"volume-learner{number}@example.org"


@dataclass
class VolumeSummary:
    partner: PartnerPage
    credentials_added: int
    agreements_added: int
    sales: object
    seconds: float


def ensure_volume_partner():
    partner = PartnerPage.objects.filter(slug=VOLUME_PARTNER["slug"]).first()
    if partner is not None:
        return partner
    catalog = CatalogIndexPage.objects.first()
    if catalog is None:
        raise ValueError("Build the demo catalog first (seed_demo without options).")
    data = VOLUME_PARTNER
    partner = catalog.add_child(
        instance=PartnerPage(
            title=data["title"],
            slug=data["slug"],
            kind=data["kind"],
            brand_colour=data["brand_colour"],
            short_description=data["short_description"],
            logo=get_or_create_image(
                f"{data['title']} logo",
                draw_logo(data["initials"], data["title"], data["brand_colour"]),
                f"{data['slug']}-logo.png",
            ),
        )
    )
    partner.save_revision().publish()
    return partner


def agreement_terms(credentials):
    """60% from the start of the period, 65% from its middle; a few credentials with their own
    share under each (`credentials`: the partner's paid credentials, oldest first)."""
    first, second, third, fourth, fifth = (c.pk for c in credentials[:5])
    return [
        (MONTHS, "60", {first: "70", second: "50", third: "75"}, "Volume test agreement"),
        (MONTHS // 2, "65", {first: "72.5", fourth: "55", fifth: "40"}, "Volume test renewal"),
    ]


def ensure_dashboard_volume(
    credentials=DEFAULT_CREDENTIALS, orders=DEFAULT_ORDERS, now=None, credential_progress=None, progress=None
):
    """Volume Test University with `credentials` credentials and `orders` paid orders of them
    over the MONTHS months ending `now`. Returns a VolumeSummary of what was added."""
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        partner = ensure_volume_partner()
    have = MicrocredentialPage.objects.filter(provider=partner).count()
    added = max(0, credentials - have)
    if added:
        competencies = list(Competency.objects.exclude(competency_type="Domain").order_by("pk"))
        generate_credentials(added, [partner], competencies, progress=credential_progress)
    offered = list(MicrocredentialPage.objects.filter(provider=partner).order_by("pk"))
    paid = [c for c in offered if not c.is_free]
    if len(paid) < 5:
        raise ValueError("The volume partner needs at least 5 paid credentials; ask for more credentials.")
    with transaction.atomic():
        agreements = write_agreements(
            partner, agreement_terms(paid), timezone.localdate(now), credentials={c.pk: c for c in paid}
        )
    sales = ensure_sales(
        email=volume_learner_email,
        credentials=offered,
        orders=orders,
        start=now - datetime.timedelta(days=MONTHS * 365 // 12),
        now=now,
        seed="volume",
        progress=progress,
    )
    if sales.orders and connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics until autovacuum gets to them, and the
        # first dashboards would be planned blind (bench_search measured a fifth slower).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return VolumeSummary(partner, added, len(agreements), sales, time.monotonic() - started)
