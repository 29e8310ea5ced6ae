"""The catalog, search and skills pages share one pagination include. Its links must keep what
the visitor chose (search text, filters, sort, skills): a link that dropped them would show page 2
of a different list."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.builders import make_credential, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(catalog, framework, committed):
    """Each page, with what a visitor chose on it, over 25 live credentials certifying one skill:
    two pages of results everywhere (24 a page on the catalog, 20 on search and skills).
    Committed, so that text search finds them in the index."""
    partner = make_partner(catalog)
    skill = framework[1][0]
    with committed():
        for number in range(25):
            make_credential(partner, [skill], title=f"Data course {number:02d}", level=1)
    skills = [str(skill.pk)]
    return {
        "catalog": (catalog.url, {"utm_source": ["newsletter"]}),
        "search": ("/search/", {"q": ["data"], "level": ["1"], "competency": skills, "sort": ["price"]}),
        "skills": ("/skills/", {"competency": skills, "find": ["T.1"]}),
    }


def pagination(client, path, params):
    """The pagination nav of a page: its current-page text and each link's rel, text and query."""
    response = client.get(path, params)
    assert response.status_code == 200
    navs = BeautifulSoup(response.content, "html.parser").select("nav")
    [nav] = [nav for nav in navs if "pagination" in nav.get("class", [])]
    assert nav["aria-label"] == "Pagination"
    [current] = nav.select('[aria-current="page"]')
    links = [(a["rel"], a.get_text(strip=True), parse_qs(urlsplit(a["href"]).query)) for a in nav.select("a")]
    return current.get_text(strip=True), links


@pytest.mark.parametrize("page", ["catalog", "search", "skills"])
def test_page_links_keep_the_other_parameters(client, visits, page):
    path, chosen = visits[page]

    current, links = pagination(client, path, chosen)
    assert current == "Page 1 of 2"
    assert links == [(["next"], "Next", {**chosen, "page": ["2"]})]

    current, links = pagination(client, path, {**chosen, "page": ["2"]})
    assert current == "Page 2 of 2"
    assert links == [(["prev"], "Previous", {**chosen, "page": ["1"]})]


def test_catalog_links_are_unchanged_without_other_parameters(client, visits):
    catalog_url, _ = visits["catalog"]
    assert 'href="?page=2" rel="next"' in client.get(catalog_url).content.decode()
