"""The search page renders results and its empty state, whatever the query string."""

import pytest

from tests.builders import make_credential
from tests.pages import get_soup

pytestmark = pytest.mark.django_db


def test_search_page_renders_results_and_empty_state(client, partner, framework):
    make_credential(partner, competencies=framework[1][:1], title="Precision Measurement")
    soup = get_soup(client, "/search/?q=precision")
    assert "Precision Measurement" in soup.select_one(".card-grid--results").get_text()
    soup = get_soup(client, "/search/?q=zzzzunlikely")
    assert "No credentials match" in soup.select_one(".empty-state").get_text()
    assert client.get("/search/", {"q": "x" * 5000, "page": "nope"}).status_code == 200
