"""A partner's page lists the credentials it offers and those it co-brands."""

import pytest

from tests.builders import make_credential, make_partner
from tests.pages import get_soup

pytestmark = pytest.mark.django_db


class TestPartnerPage:
    def test_lists_offered_and_cobranded_credentials(self, client, catalog, partner, framework):
        employer = make_partner(catalog, title="Mountain Health", kind="employer", brand_colour="#2E7D32")
        own = make_credential(employer, competencies=framework[1][:1], title="Patient Care Basics")
        cobranded = make_credential(
            partner, competencies=framework[1][:1], cobrands=[employer], title="Health Data"
        )
        soup = get_soup(client, employer.url)
        offered = soup.find(id="offered-heading").parent.get_text()
        assert own.title in offered and cobranded.title not in offered
        assert cobranded.title in soup.find(id="cobranded-heading").parent.get_text()
        assert soup.select_one(".eyebrow").get_text(strip=True) == "Employer"

    def test_empty_partner(self, client, catalog):
        partner = make_partner(catalog, title="New Partner")
        soup = get_soup(client, partner.url)
        assert "does not lead any credentials yet" in soup.select_one(".empty-state").get_text()
