"""Elasticsearch 9 (modelsearch's elasticsearch9 backend).

No Elasticsearch server can be installed on these machines, so the first tests check what the
backend *generates* for our models — the index mapping, the indexed document and the query
body — without a connection (building them needs none). The live tests at the end run the
shared search expectations against a real cluster when ELASTICSEARCH_URL is set, and are
skipped with that reason otherwise.
"""

import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import QueryDict
from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend
from wagtail.models import PageViewRestriction

from catalog.models import CoBrandingConsent, ConsentStatus, MicrocredentialPage
from search.catalog_search import CatalogSearch
from search.forms import parse_search_params
from tests.builders import make_credential, make_partner, restrict

pytestmark = pytest.mark.django_db

ES_URL = os.environ.get("ELASTICSEARCH_URL")


@pytest.fixture
def backend():
    # A port nothing listens on: any accidental network call fails loudly instead of hanging.
    return Elasticsearch9SearchBackend({"URLS": ["http://127.0.0.1:9"], "INDEX": "microcredentials-test"})


def test_settings_switch_to_elasticsearch9_when_the_url_is_set():
    import subprocess
    import sys

    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev';"
        "from django.conf import settings; b=settings.WAGTAILSEARCH_BACKENDS['default'];"
        "print(b['BACKEND'], b['URLS'][0])"
    )
    env = {**os.environ, "ELASTICSEARCH_URL": "http://search.internal:9200"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["wagtail.search.backends.elasticsearch9", "http://search.internal:9200"]


def test_mapping_has_the_fields_we_search_and_filter_on(backend):
    properties = backend.mapping_class(MicrocredentialPage).get_mapping()["properties"]
    prefix = "catalog_microcredentialpage__"
    for searched in ("summary", "body", "short_code"):
        assert properties[prefix + searched]["type"] == "text"
    assert properties["title"]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    for filtered, kind in [
        ("level", "integer"),
        ("delivery_format", "keyword"),
        ("credit_eligible", "boolean"),
        ("notional_hours", "integer"),
        ("price", "double"),  # the price bands are range filters on it
    ]:
        assert properties[f"{prefix}{filtered}_filter"]["type"] == kind
    assert properties["live_filter"]["type"] == "boolean"
    competency = properties[prefix + "competency_links"]["properties"]["competency"]["properties"]
    for searched in ("full_statement", "human_coding_scheme"):  # statements and codes, boosted
        assert competency[searched]["copy_to"] == ["_all_text", "_all_text_boost_2_0"]
    # Co-brands' names come from the consents, not from the inline rows (which name them all).
    assert properties[prefix + "consenting_cobrand_names"]["type"] == "text"
    assert prefix + "partner_links" not in properties
    assert "title" in properties[prefix + "provider"]["properties"]


def test_document_carries_competency_statements_and_partner_names(backend, partner, framework):
    page = make_credential(partner, framework[1][:2], title="Spreadsheets", price=Decimal("25"))
    document = backend.mapping_class(MicrocredentialPage).get_document(page)
    prefix = "catalog_microcredentialpage__"
    statements = [link["competency"]["full_statement"] for link in document[prefix + "competency_links"]]
    assert statements == ["Competency number 1", "Competency number 2"]
    assert document[prefix + "provider"]["title"] == "Arizona State University"
    assert document[prefix + "level_filter"] == 1 and document["live_filter"] is True


def test_document_names_only_the_cobrands_that_consented(backend, catalog, partner, framework):
    approved = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
    undecided = make_partner(catalog, title="Colorado Community College System", kind="college")
    page = make_credential(
        partner, framework[1][:1], cobrands=[approved, undecided], cobrand_consent="requested"
    )
    CoBrandingConsent.objects.filter(partner=approved).update(status=ConsentStatus.APPROVED)
    document = backend.mapping_class(MicrocredentialPage).get_document(page)
    assert document["catalog_microcredentialpage__consenting_cobrand_names"] == [
        "Front Range Manufacturing Alliance"
    ]


def test_query_body_for_a_faceted_search(backend):
    """Text goes to Elasticsearch (all words must match, title and competencies boosted);
    facets are applied afterwards by the ORM so that every backend counts them the same way."""
    params = parse_search_params(QueryDict("q=data+analytics&level=2&credit=yes"))
    results = backend.search(params.text, MicrocredentialPage.objects.live(), operator="and")
    body = results.query_compiler.get_query()
    assert body["bool"]["must"]["multi_match"] == {
        "query": "data analytics",
        "operator": "and",
        "fields": ["_all_text", "_all_text_boost_2_0^2.0"],
    }
    assert {"term": {"live_filter": True}} in body["bool"]["filter"]
    # Facet filters are not in the body: the ORM applies them to the matched ids.
    assert "level" not in str(body) and "credit" not in str(body)
    assert {"match": {"_django_content_type": "catalog.MicrocredentialPage"}} in body["bool"]["filter"]


def test_query_body_leaves_out_view_restricted_sections(backend, catalog, partner, framework):
    """A credential behind a view restriction (on it, or on its partner's page) is filtered out by
    Elasticsearch itself: the searched queryset excludes each restricted section as a range of
    the indexed `path`, which Elasticsearch can apply (it cannot run a subquery)."""
    private = make_credential(partner, framework[1][:1])
    closed = make_partner(catalog, title="Closed Partner")
    restrict(private, PageViewRestriction.PASSWORD)
    restrict(closed, PageViewRestriction.LOGIN)
    search = CatalogSearch(parse_search_params(QueryDict("q=data")))
    body = backend.search("data", search.base, operator="and").query_compiler.get_query()
    live, not_private = body["bool"]["filter"][1]["bool"]["must"]
    assert live == {"term": {"live_filter": True}}
    sections = not_private["bool"]["must_not"]["bool"]["should"]
    assert sorted(
        section["bool"]["must"][0]["range"]["path_filter"]["gte"] for section in sections
    ) == sorted([private.path, closed.path])
    completions = backend.autocomplete("dat", search.base).query_compiler.get_query()
    assert private.path in str(completions) and closed.path in str(completions)


def test_autocomplete_query_body_uses_edgengrams(backend):
    results = backend.autocomplete("dat", MicrocredentialPage.objects.live())
    body = results.query_compiler.get_query()
    assert "_edgengrams" in str(body) and "dat" in str(body)


@pytest.mark.skipif(
    not ES_URL, reason="ELASTICSEARCH_URL is not set: no live Elasticsearch cluster to test against"
)
def test_live_cluster_gives_the_same_answers_as_the_database(settings, partner, framework):
    make_credential(partner, framework[1][:1], title="Data Cleaning", level=1)
    make_credential(partner, framework[1][1:2], title="Data Dashboards", level=2)
    make_credential(partner, framework[1][2:3], title="CNC Operation", level=2)
    queries = ["q=data", "q=data&level=2", "level=2", "q=cnc", "q=zzzz"]

    def answers():
        outcomes = [CatalogSearch(parse_search_params(QueryDict(q))).run() for q in queries]
        return [
            (
                sorted(p.title for p in o.page.object_list),
                {f.name: [v.count for v in f.values] for f in o.facets},
            )
            for o in outcomes
        ]

    database = answers()
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            "URLS": [ES_URL],
            "INDEX": "microcredentials-test",
        }
    }
    call_command("update_index", verbosity=0)
    from wagtail.search.backends import get_search_backend

    get_search_backend().refresh_indexes()
    assert answers() == database


def test_pathways_and_partners_query_bodies_leave_out_drafts_and_private_sections(settings, catalog, partner):
    """The "Pathways and partners" section asks Elasticsearch for live pages of each type outside
    every restricted section, matching all the words."""
    from catalog.models import PathwayPage
    from partners.models import PartnerPage
    from search.page_matches import backend_matches
    from search.sql.lookups import restricted_sections

    closed = make_partner(catalog, title="Closed Partner")
    restrict(closed, PageViewRestriction.LOGIN)
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            "URLS": ["http://127.0.0.1:9"],  # nothing listens: building the body needs no server
            "INDEX": "microcredentials-test",
        }
    }
    for model, label in ((PathwayPage, "catalog.PathwayPage"), (PartnerPage, "partners.PartnerPage")):
        body = backend_matches(model, "mastery certificate", restricted_sections()).query_compiler.get_query()
        assert body["bool"]["must"]["multi_match"]["query"] == "mastery certificate"
        assert body["bool"]["must"]["multi_match"]["operator"] == "and"
        assert {"match": {"_django_content_type": label}} in body["bool"]["filter"]
        live, not_private = body["bool"]["filter"][1]["bool"]["must"]
        assert live == {"term": {"live_filter": True}}
        assert closed.path in str(not_private["bool"]["must_not"])
