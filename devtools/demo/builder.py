"""Builds the demo site: the page tree, partners, credentials, pathways and a CASE framework.

Every step looks for what it would create first (by slug, short code or identifier), so a second
run changes nothing. Generated volume for benchmarks (`--scale`) is written with bulk inserts.
"""

import os
import random
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Collection, Locale, Page, Site

from catalog.case_import import import_case_package, load_case_file
from catalog.models import (
    CatalogIndexPage,
    CoBrandingConsent,
    Competency,
    CompetencyFramework,
    ConsentStatus,
    MicrocredentialCompetency,
    MicrocredentialPage,
    MicrocredentialPartner,
    MicrocredentialPrerequisite,
    PathwayPage,
    PathwayStep,
)
from catalog.signals import catalog_changed
from devtools.issuer_receiver import DEVELOPMENT_SECRET
from home.models import HomeFeaturedCredential, HomePage
from issuance.models import IssuerEndpoint
from partners.access import partner_group, sync_all_partners
from partners.models import PartnerPage

from . import content, revenue
from .images import draw_badge, draw_hero, draw_logo, get_or_create_image

DEMO_ISSUER_DESCRIPTION = "Reference issuer (development)"


class DemoBuilder:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = []

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # Structure ----------------------------------------------------------------------------

    def ensure_home(self):
        """A HomePage at depth 2 as the default site's root, replacing Wagtail's welcome page."""
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root")
        home = HomePage.objects.first()
        if home is None:
            welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
            if welcome is not None and not welcome.get_children().exists():
                welcome.delete()
                root.refresh_from_db()
            home = root.add_child(
                instance=HomePage(
                    title=content.HOME["title"],
                    slug="home",
                    hero_heading=content.HOME["hero_heading"],
                    hero_text=content.HOME["hero_text"],
                    hero_image=get_or_create_image(
                        "Home hero", draw_hero("#12263A", "home"), "home-hero.png"
                    ),
                )
            )
            home.save_revision().publish()
            self.created.append("home page")
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        if site.root_page_id != home.pk:
            # Absolute URLs (JSON-LD, API, CSV) use the site's host; take it from the admin's.
            base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
            site.hostname = base.hostname or "localhost"
            site.port = base.port or (443 if base.scheme == "https" else 80)
            site.root_page = home
            site.site_name = site.site_name or "Microcredential Catalog"
            site.save()
        return home

    def ensure_catalog(self, home):
        catalog = CatalogIndexPage.objects.first()
        if catalog is None:
            catalog = home.add_child(
                instance=CatalogIndexPage(
                    title=content.CATALOG["title"],
                    slug=content.CATALOG["slug"],
                    intro=content.CATALOG["intro"],
                )
            )
            catalog.save_revision().publish()
            self.created.append("catalog")
        return catalog

    def ensure_framework(self):
        path = Path(settings.BASE_DIR) / content.CASE_FRAMEWORK_FILE
        data = load_case_file(path)
        identifier = data.get("CFDocument", data.get("CFPackage", {}).get("CFDocument", {}))["identifier"]
        framework = CompetencyFramework.objects.filter(case_identifier=identifier.lower()).first()
        if framework is None:
            summary = import_case_package(data)
            framework = summary.framework
            framework.show_on_skills_page = True  # the demo credentials certify it
            framework.save(update_fields=["show_on_skills_page"])
            self.created.append(f"framework {framework.title}")
        return framework

    # Content ------------------------------------------------------------------------------

    def ensure_partners(self, catalog):
        partners = {}
        for data in content.PARTNERS:
            partner = PartnerPage.objects.filter(slug=data["slug"]).first()
            if partner is None:
                logo = get_or_create_image(
                    f"{data['title']} logo",
                    draw_logo(data["initials"], data["title"], data["brand_colour"]),
                    f"{data['slug']}-logo.png",
                )
                partner = catalog.add_child(
                    instance=PartnerPage(
                        title=data["title"],
                        slug=data["slug"],
                        kind=data["kind"],
                        brand_colour=data["brand_colour"],
                        website=data["website"],
                        short_description=data["short_description"],
                        logo=logo,
                    )
                )
                partner.save_revision().publish()
                self.created.append(f"partner {partner.title}")
            partners[data["slug"]] = partner
        return partners

    def ensure_credentials(self, partners, framework):
        competencies = {c.human_coding_scheme: c for c in Competency.objects.filter(framework=framework)}
        credentials = {}
        for data in content.CREDENTIALS:
            page = MicrocredentialPage.objects.filter(short_code=data["short_code"]).first()
            if page is None:
                page = self._create_credential(data, partners, competencies, credentials)
                self.created.append(f"credential {data['short_code']}")
            credentials[data["short_code"]] = page
        return credentials

    def _create_credential(self, data, partners, competencies, credentials):
        partner = partners[data["partner"]]
        colour = partner.brand_colour
        fields = {
            key: value
            for key, value in data.items()
            if key
            not in {"partner", "competencies", "partners", "prerequisites", "credit_granting_institution"}
        }
        page = MicrocredentialPage(
            slug=slugify(data["title"])[:80],
            hero_image=get_or_create_image(
                f"{data['short_code']} hero",
                draw_hero(colour, data["short_code"]),
                f"{data['short_code'].lower()}-hero.png",
            ),
            badge_image=get_or_create_image(
                f"{data['short_code']} badge",
                draw_badge(data["short_code"], colour),
                f"{data['short_code'].lower()}-badge.png",
            ),
            **fields,
        )
        if data.get("credit_granting_institution"):
            page.credit_granting_institution = partners[data["credit_granting_institution"]]
        page.competency_links = [
            MicrocredentialCompetency(
                competency=competencies[code],
                proficiency_level=level,
                assessment_method=method,
                sort_order=index,
            )
            for index, (code, level, method) in enumerate(data["competencies"])
        ]
        page.partner_links = [
            MicrocredentialPartner(partner=partners[slug], role=role, sort_order=index)
            for index, (slug, role) in enumerate(data.get("partners", []))
        ]
        page.prerequisite_links = [
            MicrocredentialPrerequisite(prerequisite=credentials[code], sort_order=index)
            for index, code in enumerate(data.get("prerequisites", []))
        ]
        partner.add_child(instance=page)
        page.save_revision().publish()
        # The demo's co-branding partners agreed: publishing asked them (catalog/cobranding.py).
        CoBrandingConsent.objects.filter(credential=page).update(
            status=ConsentStatus.APPROVED, decided_at=timezone.now()
        )
        return page

    def ensure_pathways(self, partners, credentials):
        for data in content.PATHWAYS:
            if PathwayPage.objects.filter(slug=data["slug"]).exists():
                continue
            pathway = PathwayPage(
                title=data["title"],
                slug=data["slug"],
                intro=data["intro"],
                outcome=data["outcome"],
                outcome_description=data["outcome_description"],
                electives_required=data["electives_required"],
            )
            pathway.steps = [
                PathwayStep(microcredential=credentials[code], required=required, sort_order=index)
                for index, (code, required) in enumerate(data["steps"])
            ]
            partners[data["parent"]].add_child(instance=pathway)
            pathway.save_revision().publish()
            self.created.append(f"pathway {pathway.title}")

    def ensure_featured(self, home, credentials):
        if home.featured_credentials.exists():
            return
        home.featured_credentials = [
            HomeFeaturedCredential(microcredential=credentials[code], sort_order=index)
            for index, code in enumerate(content.FEATURED)
        ]
        home.save_revision().publish()
        self.created.append("featured credentials")

    def ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(email=content.DEMO_ADMIN_EMAIL).exists():
            return False
        User.objects.create_superuser(
            email=content.DEMO_ADMIN_EMAIL,
            password=content.DEMO_ADMIN_PASSWORD,
            first_name="Demo",
            last_name="Admin",
        )
        self.created.append("admin login")
        return True

    def ensure_partner_access(self):
        """Every partner's groups, permissions, collection and workflow (`partners sync`): new
        partners get them when created; this brings databases made before that up to date."""
        for partner, changes in sync_all_partners().items():
            if changes:
                self.created.append(f"access for {partner.title} ({len(changes)} change(s))")

    def ensure_partner_editor(self):
        """A demo login in Arizona State University's editors group."""
        User = get_user_model()
        if User.objects.filter(email=content.DEMO_PARTNER_EDITOR_EMAIL).exists():
            return False
        editor = User.objects.create_user(
            email=content.DEMO_PARTNER_EDITOR_EMAIL,
            password=content.DEMO_PARTNER_EDITOR_PASSWORD,
            first_name="Demo",
            last_name="Partner Editor",
            email_verified_at=timezone.now(),
        )
        partner = PartnerPage.objects.get(slug=content.DEMO_PARTNER_EDITOR_PARTNER)
        partner_group(partner, "editor").user_set.add(editor)
        return True

    def ensure_issuer_endpoint(self):
        """An issuer endpoint pointing at the development reference receiver that `make run`
        starts (devtools/issuer_receiver.py), signed with its secret, so a completion recorded
        in the admin comes back as a credential in My learning."""
        if IssuerEndpoint.objects.filter(description=DEMO_ISSUER_DESCRIPTION).exists():
            return
        IssuerEndpoint.objects.create(
            url=os.environ.get("DEV_ISSUER_RECEIVER_URL", "http://127.0.0.1:8430/webhooks"),
            description=DEMO_ISSUER_DESCRIPTION,
            secret=os.environ.get("ISSUER_RECEIVER_SECRET", DEVELOPMENT_SECRET),
        )
        self.created.append("issuer endpoint for the reference receiver")

    def ensure_revenue_agreements(self):
        """The selling partners' revenue agreements, for their dashboards (revenue.py)."""
        self.created.extend(revenue.ensure_agreements())

    @transaction.atomic
    def build(self):
        home = self.ensure_home()
        catalog = self.ensure_catalog(home)
        framework = self.ensure_framework()
        partners = self.ensure_partners(catalog)
        credentials = self.ensure_credentials(partners, framework)
        self.ensure_pathways(partners, credentials)
        self.ensure_featured(home, credentials)
        self.ensure_partner_access()
        self.ensure_issuer_endpoint()
        self.ensure_revenue_agreements()
        return self.created


# Volume for benchmarks --------------------------------------------------------------------

LEVELS = [1, 2, 3]
FORMATS = ["online_self_paced", "online_cohort", "in_person", "hybrid"]
METHODS = ["project", "exam", "portfolio", "performance", "quizzes"]
TOPICS = [
    "Data Storytelling",
    "Cloud Fundamentals",
    "Supply Chain Basics",
    "Customer Success",
    "Lean Operations",
    "Healthcare Informatics",
    "Digital Marketing",
    "Financial Literacy",
    "UX Research",
    "Python for Analysts",
    "Quality Assurance",
    "Renewable Energy Systems",
    "Team Leadership",
    "Accessible Design",
    "SQL Essentials",
]


def generate_credentials(count, partners, competencies, batch_size=500, progress=None, seed=0):
    """Insert `count` generated, published credentials under `partners` with bulk inserts.

    Django cannot bulk_create a multi-table-inherited model, so the `wagtailcore_page` rows go
    in with bulk_create and the `catalog_microcredentialpage` rows with the same low-level
    insert bulk_create uses (`QuerySet._insert`). Tree paths are computed the way treebeard
    would, continuing after each partner's last child. No revisions are written: the pages are
    live as inserted, and the first edit in the admin creates one.
    """
    rng = random.Random(seed)
    locale = Locale.get_default()
    content_type_id = _content_type_id(MicrocredentialPage)
    now = timezone.now()
    next_number = MicrocredentialPage.objects.filter(short_code__startswith="GEN-").count() + 1
    tree_state = {}
    for partner in partners:
        last_child = (
            Page.objects.filter(path__startswith=partner.path, depth=partner.depth + 1)
            .order_by("-path")
            .first()
        )
        tree_state[partner.pk] = [partner, last_child.path if last_child else None, 0]

    done = 0
    while done < count:
        size = min(batch_size, count - done)
        base_pages, details = [], []
        for offset in range(size):
            number = next_number + done + offset
            partner_state = tree_state[partners[number % len(partners)].pk]
            partner, last_path, _ = partner_state
            path = (
                Page._get_path(partner.path + "0" * Page.steplen, partner.depth + 1, 1)
                if last_path is None
                else Page(path=last_path)._inc_path()
            )
            partner_state[1] = path
            partner_state[2] += 1
            topic = TOPICS[number % len(TOPICS)]
            title = f"{topic} {number}"
            slug = f"{slugify(topic)}-{number}"
            price = Decimal(rng.choice(["0.00", "25.00", "49.00", "95.00", "150.00", "295.00"]))
            credit = rng.random() < 0.4
            base_pages.append(
                Page(
                    path=path,
                    depth=partner.depth + 1,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    url_path=f"{partner.url_path}{slug}/",
                    content_type_id=content_type_id,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    locale=locale,
                    translation_key=uuid.uuid4(),
                )
            )
            details.append(
                {
                    "short_code": f"GEN-{number:06d}",
                    "provider_id": partner.pk,
                    "summary": f"A generated {topic.lower()} credential for benchmarks.",
                    "level": rng.choice(LEVELS),
                    "delivery_format": rng.choice(FORMATS),
                    "notional_hours": rng.randint(3, 120),
                    "duration_weeks": rng.randint(1, 12),
                    "assessment_method": rng.choice(METHODS),
                    "grading": rng.choice(["pass_fail", "letter"]),
                    "price": price,
                    "credit_eligible": credit,
                    "credit_hours": Decimal("3.0") if credit else None,
                    "credit_conversion_fee": Decimal("400.00") if credit else None,
                    "credit_granting_institution_id": partner.pk if credit else None,
                    "competencies": rng.sample(competencies, k=min(len(competencies), rng.randint(1, 5))),
                }
            )
        with transaction.atomic():
            Page.objects.bulk_create(base_pages, batch_size=batch_size)
            # bulk_create does not return primary keys on every database; look them up by path.
            ids = dict(Page.objects.filter(path__in=[p.path for p in base_pages]).values_list("path", "pk"))
            children = []
            links = []
            for page, extra in zip(base_pages, details, strict=True):
                chosen = extra.pop("competencies")
                child = MicrocredentialPage(page_ptr_id=ids[page.path], body=[], **extra)
                children.append(child)
                links.extend(
                    MicrocredentialCompetency(
                        page_id=ids[page.path],
                        competency=competency,
                        proficiency_level=rng.randint(1, 4),
                        assessment_method=rng.choice(METHODS),
                        sort_order=index,
                    )
                    for index, competency in enumerate(chosen)
                )
            fields = MicrocredentialPage._meta.local_concrete_fields
            MicrocredentialPage.objects._insert(children, fields=fields)
            MicrocredentialCompetency.objects.bulk_create(links, batch_size=batch_size)
            for partner, _, added in tree_state.values():
                if added:
                    Page.objects.filter(pk=partner.pk).update(numchild=partner.numchild + added)
        for state in tree_state.values():
            state[0].numchild += state[2]
            state[2] = 0
        done += size
        if progress is not None:
            progress(done, count)
    catalog_changed.send(sender=MicrocredentialPage)  # bulk inserts send no model signals
    return done


def _content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
