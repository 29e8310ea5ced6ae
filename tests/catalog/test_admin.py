"""Marketing staff in the Wagtail admin: every listing and editor opens, and the page editor
creates valid credentials and explains invalid ones without saving anything."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from catalog.models import MicrocredentialPage, PathwayPage
from tests.builders import make_credential, make_pathway

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, site_tree):
    get_user_model().objects.create_superuser(email="editor@example.edu", password="correct horse battery")
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "editor@example.edu", "password": "correct horse battery"}
    )
    assert response.status_code == 302, "the admin login form should accept an email address"
    return client


@pytest.fixture
def demo_objects(partner, framework):
    fw, competencies = framework
    credential = make_credential(partner, competencies=competencies[:2])
    pathway = make_pathway(partner, [(credential, True)])
    return {"framework": fw, "competency": competencies[0], "credential": credential, "pathway": pathway}


def test_every_listing_and_editor_opens(editor_client, site_tree, partner, demo_objects):
    home, catalog = site_tree
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[catalog.pk]),
        reverse("wagtailadmin_explore", args=[partner.pk]),
        reverse("wagtailsnippets_catalog_competencyframework:list"),
        reverse("wagtailsnippets_catalog_competency:list") + "?q=Competency",
        reverse("wagtailsnippets_catalog_competencyframework:edit", args=[demo_objects["framework"].pk]),
        reverse("wagtailsnippets_catalog_competency:edit", args=[demo_objects["competency"].pk]),
        reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner.pk]),
        reverse("wagtailadmin_pages:add", args=["catalog", "pathwaypage", catalog.pk]),
        reverse("wagtailadmin_pages:add", args=["partners", "partnerpage", catalog.pk]),
        reverse("wagtailusers_users:index"),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
        reverse("microcredentials:index"),
        reverse("microcredentials:index") + "?credit_eligible=true&level=1",
    ] + [
        reverse("wagtailadmin_pages:edit", args=[page.pk])
        for page in (home, catalog, partner, demo_objects["credential"], demo_objects["pathway"])
    ]
    for url in urls:
        response = editor_client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"


def test_microcredential_listing_filters_and_exports(editor_client, partner, framework):
    _, competencies = framework
    make_credential(partner, competencies=competencies[:1], title="Free intro", price=Decimal("0"), level=1)
    make_credential(partner, competencies=competencies[:1], title="Advanced thing", level=3)
    response = editor_client.get(reverse("microcredentials:index"), {"level": "3"})
    assert b"Advanced thing" in response.content and b"Free intro" not in response.content
    export = editor_client.get(reverse("microcredentials:index"), {"export": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Free intro" in body and "Advanced thing" in body


def test_competency_listing_filters_by_framework(editor_client, demo_objects):
    url = reverse("wagtailsnippets_catalog_competency:list")
    response = editor_client.get(url, {"framework": demo_objects["framework"].pk})
    assert response.status_code == 200
    assert b"Competency number 1" in response.content


def test_a_microcredential_cannot_be_added_directly_under_the_catalog(editor_client, catalog):
    url = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", catalog.pk])
    response = editor_client.get(url)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    # The "add child page" menu under the catalog offers only partners and pathways.
    choices = editor_client.get(reverse("wagtailadmin_pages:add_subpage", args=[catalog.pk])).content.decode()
    assert "/partners/partnerpage/" in choices and "/catalog/pathwaypage/" in choices
    assert "microcredentialpage" not in choices


def credential_form(competency, **overrides):
    data = {
        "title": "Data Visualisation for Business",
        "slug": "data-visualisation",
        "short_code": "ASU-BDA-120",
        "summary": "Charts that answer business questions.",
        "body": streamfield([("paragraph", rich_text("<p>Weekly critiques.</p>"))]),
        "partner_links": inline_formset([]),
        "competency_links": inline_formset(
            [{"competency": competency.pk, "proficiency_level": "3", "assessment_method": "portfolio"}]
        ),
        "prerequisite_links": inline_formset([]),
        "level": "2",
        "delivery_format": "online_cohort",
        "notional_hours": "45",
        "duration_weeks": "7",
        "assessment_method": "portfolio",
        "assessment_description": "",
        "grading": "letter",
        "price": "25.00",
        "credit_hours": "",
        "credit_conversion_fee": "",
        "credit_granting_institution": "",
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_editor_publishes_a_credential(editor_client, partner, framework):
    _, competencies = framework
    url = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner.pk])
    form = credential_form(
        competencies[0],
        credit_eligible="on",
        credit_hours="3",
        credit_conversion_fee="400",
        credit_granting_institution=str(partner.pk),
    )
    response = editor_client.post(url, form)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = MicrocredentialPage.objects.get(short_code="ASU-BDA-120")
    assert page.live and page.get_parent().pk == partner.pk
    assert page.credit_conversion_fee == Decimal("400.00")
    assert [link.competency_id for link in page.competency_links.all()] == [competencies[0].pk]


def test_inconsistent_credit_shows_field_errors_and_saves_nothing(editor_client, partner, framework):
    _, competencies = framework
    url = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner.pk])
    response = editor_client.post(url, credential_form(competencies[0], credit_eligible="on", price="-5"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"credit_hours", "credit_conversion_fee", "credit_granting_institution", "price"} <= errors.keys()
    assert not MicrocredentialPage.objects.filter(short_code="ASU-BDA-120").exists()


def test_the_offering_partner_cannot_also_be_a_cobranding_partner(editor_client, partner, framework):
    _, competencies = framework
    url = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner.pk])
    form = credential_form(
        competencies[0], partner_links=inline_formset([{"partner": partner.pk, "role": "co_developer"}])
    )
    response = editor_client.post(url, form)
    assert response.status_code == 200
    assert "already offers this credential" in " ".join(response.context["form"].non_field_errors())
    assert not MicrocredentialPage.objects.filter(short_code="ASU-BDA-120").exists()


def test_prerequisite_cycle_is_refused_in_the_editor(editor_client, partner, framework):
    _, competencies = framework
    first = make_credential(partner, competencies=competencies[:1])
    second = make_credential(partner, competencies=competencies[:1], prerequisites=[first])
    url = reverse("wagtailadmin_pages:edit", args=[first.pk])
    form = credential_form(
        competencies[0],
        title=first.title,
        slug=first.slug,
        short_code=first.short_code,
        prerequisite_links=inline_formset([{"prerequisite": second.pk}]),
    )
    response = editor_client.post(url, form)
    assert response.status_code == 200
    assert "cycle" in " ".join(response.context["form"].non_field_errors())
    assert not first.prerequisite_links.exists()


def test_pathway_cannot_require_more_electives_than_it_has(editor_client, catalog, partner, framework):
    _, competencies = framework
    credential = make_credential(partner, competencies=competencies[:1])
    url = reverse("wagtailadmin_pages:add", args=["catalog", "pathwaypage", catalog.pk])
    form = nested_form_data(
        {
            "title": "Mastery Certificate",
            "slug": "mastery",
            "intro": "Stack these.",
            "outcome": "certificate",
            "outcome_description": "A certificate",
            "steps": inline_formset([{"microcredential": credential.pk, "required": "on"}]),
            "electives_required": "2",
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(url, form)
    assert response.status_code == 200
    assert "1 elective" not in str(response.context["form"].errors)  # there are none
    assert "0 elective step(s)" in str(response.context["form"].errors["electives_required"])
    assert not PathwayPage.objects.filter(slug="mastery").exists()


@pytest.fixture
def two_frameworks(db):
    """Two imported frameworks whose items' sort orders interleave, as CASE imports' do."""
    from catalog.models import Competency, CompetencyFramework

    maths = CompetencyFramework.objects.create(title="Mathematics Standards")
    workforce = CompetencyFramework.objects.create(title="Workforce Skills")
    rows = [
        (workforce, "DA.1", "Clean and prepare tabular data", 1),
        (maths, "M.1", "Add fractions with unlike denominators", 2),
        (workforce, "DA.10", "Publish a data dictionary", 5),
        (maths, "M.2", "Interpret data in a line plot", 4),
        (workforce, "DA.2", "Summarise data with descriptive statistics", 3),
        (workforce, "MF.2", "Apply quality-control checks to manufactured parts", 6),
    ]
    return {
        code: Competency.objects.create(
            framework=framework, human_coding_scheme=code, full_statement=statement, sort_order=order
        )
        for framework, code, statement, order in rows
    }


def chooser_codes(editor_client, **query):
    """The codes the competency chooser (the modal behind a credential's competency field) lists."""
    import re

    response = editor_client.get(reverse("wagtailsnippetchoosers_catalog_competency:choose_results"), query)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r"data-chooser-modal-choice[^>]*>\s*(\S+) ", html)


def test_competency_chooser_finds_a_competency_by_its_code(editor_client, two_frameworks):
    assert chooser_codes(editor_client, q="DA.1") == ["DA.1", "DA.10"]  # the code itself first
    assert chooser_codes(editor_client, q="mf.2") == ["MF.2"]
    assert chooser_codes(editor_client, q="M.") == ["M.1", "M.2"]
    assert chooser_codes(editor_client, q="MF") == ["MF.2"]
    # Words of the statement, in any order, still find it; so does a code's framework listing.
    assert chooser_codes(editor_client, q="data tabular") == ["DA.1"]
    assert chooser_codes(editor_client, q="data") == ["M.2", "DA.1", "DA.2", "DA.10"]
    assert chooser_codes(editor_client, q="nothing like it") == []


def test_competencies_are_listed_by_framework_then_code(editor_client, two_frameworks):
    """Each framework's competencies together, frameworks by title, in the framework's order."""
    expected = ["M.1", "M.2", "DA.1", "DA.2", "DA.10", "MF.2"]
    assert chooser_codes(editor_client) == expected
    html = editor_client.get(reverse("wagtailsnippets_catalog_competency:list")).content.decode()
    assert [html.index(f">{code}<") for code in expected] == sorted(html.index(f">{c}<") for c in expected)
