"""Small builders for test content: read like the catalog they make (and the CASE packages the
importer reads).

Pages go through Wagtail's own `add_child` and `save_revision().publish()`, so tests exercise
the same validation and publishing path an editor does.
"""

from decimal import Decimal
from itertools import count

from django.contrib.auth.models import Group
from wagtail.models import Collection, Locale, Page, PageViewRestriction, Site

from catalog.models import (
    CatalogIndexPage,
    CoBrandingConsent,
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPage,
    MicrocredentialPartner,
    MicrocredentialPrerequisite,
    PathwayPage,
    PathwayStep,
)
from home.models import HomePage
from partners.models import PartnerPage

_numbers = count(1)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_site():
    """Home → Catalog as the default site, replacing Wagtail's welcome page."""
    # A live-server test earlier in this worker may have flushed the rows migrations create
    # (locale, root page, root collection); put them back if so.
    Locale.objects.get_or_create(language_code="en")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    Page.objects.filter(depth=2).exclude(content_type__model="homepage").delete()
    root.refresh_from_db()
    home = publish(root.add_child(instance=HomePage(title="Home", slug="home")))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    catalog = publish(home.add_child(instance=CatalogIndexPage(title="Catalog", slug="catalog")))
    return home, catalog


def make_partner(catalog, title=None, **fields):
    title = title or f"Partner {next(_numbers)}"
    fields.setdefault("kind", "university")
    fields.setdefault("short_description", f"{title} offers short credentials.")
    return publish(catalog.add_child(instance=PartnerPage(title=title, **fields)))


def make_framework(size=3, title="Test Framework", show_on_skills_page=True):
    framework = CompetencyFramework.objects.create(
        title=title, publisher="Test Publisher", version="1", show_on_skills_page=show_on_skills_page
    )
    competencies = [
        Competency.objects.create(
            framework=framework,
            human_coding_scheme=f"T.{index}",
            full_statement=f"Competency number {index}",
            competency_type="Competency",
            sort_order=index,
        )
        for index in range(1, size + 1)
    ]
    return framework, competencies


def credential_fields(**fields):
    number = next(_numbers)
    defaults = {
        "title": f"Credential {number}",
        "short_code": f"TST-{number}",
        "summary": "Learn a useful thing.",
        "notional_hours": 20,
        "duration_weeks": 4,
        "assessment_method": "project",
        "price": Decimal("25.00"),
    }
    defaults.update(fields)
    return defaults


def make_credential(
    partner, competencies=(), cobrands=(), prerequisites=(), live=True, cobrand_consent="approved", **fields
):
    """A credential under `partner`. Publishing asks its co-brands for consent; they give it
    (`cobrand_consent`) unless a test says otherwise ("requested" leaves them undecided)."""
    page = MicrocredentialPage(**credential_fields(**fields))
    page.competency_links = [
        MicrocredentialCompetency(
            competency=c, proficiency_level=2, assessment_method="project", sort_order=i
        )
        for i, c in enumerate(competencies)
    ]
    page.partner_links = [
        MicrocredentialPartner(partner=p, role="co_developer", sort_order=i) for i, p in enumerate(cobrands)
    ]
    page.prerequisite_links = [
        MicrocredentialPrerequisite(prerequisite=p, sort_order=i) for i, p in enumerate(prerequisites)
    ]
    page.live = live
    partner.add_child(instance=page)
    if not live:
        return page
    page = publish(page)
    if cobrand_consent != "requested":
        # Saved one by one, as a decision is: the credential is re-indexed once committed.
        for consent in CoBrandingConsent.objects.filter(credential=page):
            consent.status = cobrand_consent
            consent.save(update_fields=["status"])
    return page


def make_paid_course(partner, framework, **extra):
    """A $25 credential whose credit conversion costs $400 (ASU's Universal Learner model)."""
    return make_credential(
        partner,
        framework[1][:1],
        title="Spreadsheets for Business",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
        **extra,
    )


def make_pathway(parent, steps, electives_required=0, **fields):
    """`steps` is a list of (credential, required) pairs."""
    number = next(_numbers)
    pathway = PathwayPage(
        title=fields.pop("title", f"Pathway {number}"),
        intro="Stack these credentials.",
        outcome_description="A certificate",
        electives_required=electives_required,
        **fields,
    )
    pathway.steps = [
        PathwayStep(microcredential=credential, required=required, sort_order=i)
        for i, (credential, required) in enumerate(steps)
    ]
    parent.add_child(instance=pathway)
    return publish(pathway)


def restrict(page, kind):
    """Put a Wagtail view restriction on `page` (and so on every page below it), as an editor
    does with the page's Privacy setting: a password, logged-in users only, or some groups."""
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type=kind,
        password="letmein" if kind == PageViewRestriction.PASSWORD else "",
    )
    if kind == PageViewRestriction.GROUPS:
        group, _ = Group.objects.get_or_create(name="Pilot cohort")
        restriction.groups.add(group)
    return restriction


# --- CASE 1.0 packages, as dicts, for the importer (catalog/case_import.py) ---

# A minimal package: document DOC, domain ROOT with children KID1 and KID2.
DOC = "0c4f7a52-1b7e-4d0e-9f3a-6a2b8c1d0e01"
ROOT = "0c4f7a52-1b7e-4d0e-9f3a-6a2b8c1d0e02"
KID1 = "0c4f7a52-1b7e-4d0e-9f3a-6a2b8c1d0e03"
KID2 = "0c4f7a52-1b7e-4d0e-9f3a-6a2b8c1d0e04"


def link(identifier):
    return {"identifier": identifier, "uri": f"https://case.example.org/uri/{identifier}", "title": "node"}


def association(kind, origin, destination, **extra):
    return {
        "identifier": f"{origin[:8]}-{destination[:8]}-{kind}",
        "associationType": kind,
        "originNodeURI": link(origin),
        "destinationNodeURI": link(destination),
        **extra,
    }


def make_package():
    return {
        "CFDocument": {
            "identifier": DOC,
            "uri": f"https://case.example.org/uri/{DOC}",
            "title": "Care Skills",
            "creator": "Board of Care",
            "version": "1.0",
        },
        "CFItems": [
            {
                "identifier": ROOT,
                "fullStatement": "Patient care",
                "humanCodingScheme": "PC",
                "CFItemType": "Domain",
            },
            {"identifier": KID1, "fullStatement": "Take vital signs", "humanCodingScheme": "PC.1"},
            {"identifier": KID2, "fullStatement": "Prevent infection", "humanCodingScheme": "PC.2"},
        ],
        "CFAssociations": [
            association("isChildOf", ROOT, DOC, sequenceNumber=1),
            association("isChildOf", KID1, ROOT, sequenceNumber=1),
            association("isChildOf", KID2, ROOT, sequenceNumber=2),
        ],
    }


# --- learners, enrolments and integration tokens (issuance) ---


def make_learner(email=None, verified=True, **fields):
    """A learner account; `verified=False` leaves the email unconfirmed, so deliveries to badge
    issuers are written but held (not sent) — what the intake tests use to count deliveries."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    email = email or f"learner{next(_numbers)}@example.org"
    return get_user_model().objects.create_user(
        email=email, password="x", email_verified_at=timezone.now() if verified else None, **fields
    )


def make_enrolment(learner, credential, **fields):
    from checkout.models import Enrolment

    return Enrolment.objects.create(user=learner, microcredential=credential, **fields)


# --- sales and refunds (the partner dashboard's figures) ---


def make_sale(learner, lines, paid_at, status="paid"):
    """A paid order of `lines`, (credential, kind, amount) each, paid at `paid_at`; its lines in
    order. Written directly: the dashboard counts what orders hold, however they were paid."""
    from checkout.models import Order, OrderLine

    amounts = [Decimal(amount) for _, _, amount in lines]
    order = Order.objects.create(
        user=learner,
        status=status,
        total=sum(amounts, Decimal("0")),
        paid_at=paid_at if status != "pending" else None,
    )
    return [
        OrderLine.objects.create(
            order=order,
            microcredential=credential,
            kind=kind,
            description=f"{credential.title} ({kind})",
            amount=amount,
        )
        for (credential, kind, _), amount in zip(lines, amounts, strict=True)
    ]


def refund_lines(lines, at, reason="Changed their mind"):
    """Refund these lines of one order at `at`, as checkout records a refund Stripe confirmed."""
    from checkout.models import OrderStatus, Refund

    order = lines[0].order
    refund = Refund.objects.create(
        order=order, amount=sum((line.amount for line in lines), Decimal("0")), reason=reason, created_at=at
    )
    for line in lines:
        line.refunded_at, line.refund = at, refund
        line.save(update_fields=["refunded_at", "refund"])
    everything = not order.lines.filter(refunded_at__isnull=True).exists()
    order.status = OrderStatus.REFUNDED if everything else OrderStatus.PARTIALLY_REFUNDED
    order.save(update_fields=["status"])
    return refund
