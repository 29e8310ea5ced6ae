"""A credential or pathway behind a Wagtail view restriction (a password, logged-in users only, some
groups; on its page or on its partner's page) is private: the public pages that list or link other
credentials (home, catalog, partner, pathway and credential pages, and the JSON-LD they embed)
leave it out, in a fixed number of queries however many restrictions there are, and so does
Wagtail's API v2.
Fixture: tests/conftest.py `build_private_catalog`; search answers: tests/search/."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.builders import make_credential, make_partner, restrict
from tests.pages import get_soup
from tests.search.test_private_credentials import assert_names_no_secret

pytestmark = pytest.mark.django_db


def card_titles(soup, heading_id=None):
    scope = soup.find(id=heading_id).parent if heading_id else soup
    return [h.get_text(strip=True) for h in scope.select(".card__title")]


def test_home_page_features_only_the_public_credential(client, private_catalog):
    soup = get_soup(client, "/")
    assert card_titles(soup, "featured-heading") == ["Open Data Basics"]
    strip = soup.select_one(".partner-strip").get_text()
    assert "Arizona State University" in strip
    # A partner whose own page is private is not advertised either.
    assert ("Pilot Institute" in strip) == (private_catalog["kind"] != "ancestor")
    assert_names_no_secret(str(soup))


def test_catalog_lists_only_public_credentials_and_pathways(client, private_catalog):
    soup = get_soup(client, "/catalog/")
    assert card_titles(soup, "credentials-heading") == ["Open Data Basics"]
    assert "(1)" in soup.find(id="credentials-heading").get_text()
    assert [a.get_text() for a in soup.select(".pathway-list a")] == ["Data Pathway"]
    assert_names_no_secret(str(soup))


def test_partner_pages_leave_it_out(client, private_catalog):
    asu, pilot = private_catalog["partners"]
    soup = get_soup(client, asu.url)
    assert card_titles(soup, "offered-heading") == ["Open Data Basics"]
    assert soup.find(id="cobranded-heading") is None  # ASU co-brands only the private one
    assert_names_no_secret(str(soup))
    if private_catalog["kind"] != "ancestor":  # else the partner's page itself is private
        soup = get_soup(client, pilot.url)
        assert card_titles(soup) == [] and soup.find(id="partner-pathways-heading") is None
        assert "does not lead any credentials yet" in soup.select_one(".empty-state").get_text()
        assert_names_no_secret(str(soup))


def test_pathway_page_shows_and_counts_only_public_steps(client, private_catalog):
    soup = get_soup(client, private_catalog["pathway"].url)
    assert card_titles(soup, "required-heading") == ["Open Data Basics"]
    totals = soup.select_one(".facts--inline").get_text(" ", strip=True)
    assert "Credentials 1" in totals and "$25" in totals and "$100" not in totals
    assert_names_no_secret(str(soup))


def test_credential_page_and_its_json_ld_name_no_private_prerequisite_or_pathway(client, private_catalog):
    soup = get_soup(client, private_catalog["public"].url)
    assert soup.find(id="prerequisites-heading") is None
    assert [a.get_text() for a in soup.select(".pathway-list a")] == ["Data Pathway"]
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["name"] == "Open Data Basics"
    assert_names_no_secret(json.dumps(data))
    assert_names_no_secret(str(soup))


def test_the_private_page_itself_serves_none_of_its_content(client, private_catalog):
    response = client.get(private_catalog["secret"].url)
    body = response.content.decode()
    assert response.status_code in (200, 302)  # Wagtail's password form, or the way to log in
    assert "ld+json" not in body and "A closed pilot of data skills." not in body


def test_the_pages_api_lists_and_serves_it_to_nobody(client, private_catalog):
    """Wagtail's API v2 filters with `public()` itself; this holds it to that."""
    for query in ({"type": "catalog.MicrocredentialPage", "fields": "short_code"}, {"search": "data"}, {}):
        listing = client.get("/api/v2/pages/", query)
        assert listing.status_code == 200 and listing.json()["items"]
        assert_names_no_secret(listing.content.decode())
    assert client.get(f"/api/v2/pages/{private_catalog['secret'].pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{private_catalog['public'].pk}/").status_code == 200


def count_queries(client, url):
    client.get(url)  # warm up: renditions are generated on first view
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_more_restrictions_cost_no_more_queries(client, catalog, private_catalog):
    """Each listing reads the restrictions once (Wagtail's `public()`), whatever their number."""
    asu, _ = private_catalog["partners"]
    urls = ["/", "/catalog/", asu.url, private_catalog["pathway"].url, private_catalog["public"].url]
    before = [count_queries(client, url) for url in urls]
    for index in range(4):
        other = make_partner(catalog, title=f"Closed partner {index}")
        restrict(other, PageViewRestriction.PASSWORD)
        restrict(make_credential(asu, private_catalog["competencies"][:1]), PageViewRestriction.LOGIN)
    assert [count_queries(client, url) for url in urls] == before


def test_a_preview_or_revision_lists_only_visible_prerequisites_and_steps(partner):
    """A preview serves the page from memory (modelcluster's FakeQuerySet), which cannot filter
    by a subquery: this was a 500 in the page editor's preview and on publish."""
    from tests.builders import make_credential, make_pathway, restrict

    shown = make_credential(partner, title="Shown prerequisite")
    hidden = make_credential(partner, title="Hidden prerequisite")
    restrict(hidden, "login")
    credential = make_credential(partner, prerequisites=[shown, hidden])
    pathway = make_pathway(partner, [(shown, True), (hidden, True)])

    # As the editor's preview does: the inline rows are set on the page object, not read back.
    in_memory = credential.get_latest_revision_as_object()
    in_memory.prerequisite_links = list(credential.prerequisite_links.all())
    assert not hasattr(in_memory.prerequisite_links.all(), "query")  # really the in-memory path
    assert [page.pk for page in in_memory.get_prerequisites()] == [shown.pk]
    assert [page.pk for page in credential.get_prerequisites()] == [shown.pk]

    pathway_in_memory = pathway.get_latest_revision_as_object()
    pathway_in_memory.steps = list(pathway.steps.all())
    assert not hasattr(pathway_in_memory.steps.all(), "query")
    assert [step.microcredential_id for step in pathway_in_memory.get_steps()] == [shown.pk]
    assert [step.microcredential_id for step in pathway.get_steps()] == [shown.pk]
