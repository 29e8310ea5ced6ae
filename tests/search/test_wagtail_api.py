"""The read-only Wagtail API v2 gives integrators competencies, partners, price and credit."""

from decimal import Decimal

import pytest

from tests.builders import make_credential, make_partner

pytestmark = pytest.mark.django_db

FIELDS = "short_code,price,credit_eligible,credit_hours,credit_conversion_fee,provider,competency_links,partner_links"


def test_credentials_with_integrator_fields(client, catalog, partner, framework):
    employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
    make_credential(
        partner, framework[1][:2], cobrands=[employer], short_code="ASU-PM-101", price=Decimal("25"),
        credit_eligible=True, credit_hours=Decimal("3"), credit_conversion_fee=Decimal("400"),
        credit_granting_institution=partner,
    )
    response = client.get("/api/v2/pages/", {"type": "catalog.MicrocredentialPage", "fields": FIELDS})
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert item["short_code"] == "ASU-PM-101"
    assert (item["price"], item["credit_conversion_fee"]) == ("25.00", "400.00")
    assert item["provider"]["title"] == "Arizona State University"
    assert [link["competency"]["code"] for link in item["competency_links"]] == ["T.1", "T.2"]
    assert item["partner_links"][0]["partner"]["title"] == "Front Range Manufacturing Alliance"


def test_api_is_read_only_and_hides_drafts(client, partner, framework):
    make_credential(partner, framework[1][:1], title="Secret draft", live=False)
    listing = client.get("/api/v2/pages/", {"type": "catalog.MicrocredentialPage"}).json()
    assert "Secret draft" not in [item["title"] for item in listing["items"]]
    assert client.post("/api/v2/pages/", {"title": "x"}).status_code == 405
    assert client.get("/api/v2/pages/", {"type": "catalog.Nope"}).status_code == 400
