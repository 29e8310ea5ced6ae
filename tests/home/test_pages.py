"""The home page: hero, featured credentials, partner strip, and the landmarks every page has."""

import pytest

from home.models import HomeFeaturedCredential
from tests.builders import make_credential
from tests.pages import get_soup

pytestmark = pytest.mark.django_db


class TestHomePage:
    def test_hero_featured_and_partner_strip(self, client, site_tree, partner, framework):
        home, catalog = site_tree
        featured = make_credential(partner, competencies=framework[1][:1], title="Featured one")
        HomeFeaturedCredential.objects.create(page=home, microcredential=featured)
        soup = get_soup(client, "/")
        assert soup.h1.get_text(strip=True) == home.hero_heading
        assert "Featured one" in soup.find(id="featured-heading").parent.get_text()
        assert "Arizona State University" in soup.select_one(".partner-strip").get_text()
        assert soup.select_one('form[role="search"] input[name="q"]') is not None

    def test_accessibility_landmarks(self, client, site_tree):
        soup = get_soup(client, "/")
        assert soup.select_one("a.skip-link")["href"] == "#main"
        assert soup.find("main", id="main") and soup.find("header") and soup.find("footer")
        assert soup.find("nav", attrs={"aria-label": "Main"})
        for field in soup.select("input:not([type=hidden])"):
            assert soup.find("label", attrs={"for": field["id"]}), field
