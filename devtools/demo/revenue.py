"""The demo partners' revenue agreements and a sales history for their dashboards.

Arizona State University, SUNY Empire State University and the Colorado Community College System
sell credentials, so each has an agreement from two years ago; ASU's and CCCS's changed part-way
through the sales history, so their statements show two rates. The dates are relative to the
day the demo is first seeded. The admin refuses an agreement that starts in a month already over
(partner_dashboard/agreements.py); these are written through the ORM, as agreements signed at
the time would have been recorded. A partner that has any agreement is left alone, so a second
run, even months later, adds none.

The five demo learners (learners.py) buy a handful of orders; the sales history adds demo buyers
(`demo-buyer{n}@example.com`, who cannot sign in) with a few hundred orders of those partners'
credentials over the last eighteen months, some with credit conversions and some refunded, so
the dashboards' charts and the monthly statements have something to show.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from catalog.models import MicrocredentialPage
from checkout.services import purchasable_credentials
from partner_dashboard.models import AgreementOverride, RevenueAgreement
from partners.models import PartnerPage

from .sales import Mix, ensure_sales

# partner slug: [(months before this one, share %, {credential code: share %}, note)], oldest first
AGREEMENTS = {
    "arizona-state-university": [
        (24, "60", {"ASU-BDA-110": "70"}, "Universal Learner Courses agreement (demo)"),
        (6, "62.5", {"ASU-BDA-110": "70"}, "Renewal with a higher share (demo)"),
    ],
    "suny-empire-state-university": [(24, "55", {}, "SUNY microcredential agreement (demo)")],
    "colorado-community-college-system": [
        (24, "50", {}, "Employer badges agreement (demo)"),
        (9, "55", {"CCCS-MFG-103": "65"}, "Manufacturing pathway amendment (demo)"),
    ],
}

SALES_PARTNERS = list(AGREEMENTS)
SALES_ORDERS = 360
SALES_MONTHS = 18
# More refunds than at volume, so that most months' statements show one.
SALES_MIX = Mix(orders_per_learner=2, refunded=0.06, credit_with_enrolment=0.3, credit_later=0.3)


def months_before(day, months):
    """The first day of the month `months` before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def write_agreements(partner, terms, today, credentials=None):
    """Write `terms` ([(months ago, share, {credential code or id: share}, note)]) as the
    partner's agreements, unless it has any. Returns the agreements written."""
    if RevenueAgreement.objects.filter(partner=partner).exists():
        return []
    if credentials is None:
        credentials = {c.short_code: c for c in MicrocredentialPage.objects.filter(provider=partner)}
    written = []
    for months, share, overrides, note in terms:
        agreement = RevenueAgreement.objects.create(
            partner=partner,
            effective_from=months_before(today, months),
            share_percent=Decimal(share),
            note=note,
        )
        AgreementOverride.objects.bulk_create(
            AgreementOverride(
                agreement=agreement, microcredential=credentials[key], share_percent=Decimal(pct)
            )
            for key, pct in overrides.items()
        )
        written.append(agreement)
    return written


def ensure_agreements(today=None):
    """The demo partners' agreements (AGREEMENTS); returns descriptions of those written."""
    today = today or timezone.localdate()
    created = []
    for slug, terms in AGREEMENTS.items():
        partner = PartnerPage.objects.filter(slug=slug).first()
        if partner is None:
            continue
        for agreement in write_agreements(partner, terms, today):
            created.append(f"revenue agreement {agreement}")
    return created


def buyer_email(number):
    return f"demo-buyer{number}@example.com"


def ensure_sales_history(now=None):
    """The demo buyers' orders (SALES_ORDERS of them); returns a SalesSummary of what was made."""
    now = now or timezone.now()
    credentials = purchasable_credentials().filter(provider__slug__in=SALES_PARTNERS).order_by("pk")
    return ensure_sales(
        email=buyer_email,
        credentials=list(credentials),
        orders=SALES_ORDERS,
        start=now - datetime.timedelta(days=SALES_MONTHS * 30),
        now=now,
        seed="demo-sales",
        mix=SALES_MIX,
    )
