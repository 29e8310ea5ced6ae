"""The read-only Wagtail API v2 gives integrators competencies, partners, price and credit."""

from decimal import Decimal

import pytest

from tests.builders import make_credential, make_partner

pytestmark = pytest.mark.django_db

FIELDS = ",".join(
    ["short_code", "price", "credit_eligible", "credit_hours", "credit_conversion_fee", "provider"]
    + ["competency_links", "partner_links"]
)


def test_credentials_with_integrator_fields(client, catalog, partner, framework):
    employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
    make_credential(
        partner,
        framework[1][:2],
        cobrands=[employer],
        short_code="ASU-PM-101",
        price=Decimal("25"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400"),
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


def api_titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_search_is_cut_to_words_as_on_the_search_page(client, small_catalog):
    listing = "/api/v2/pages/?type=catalog.MicrocredentialPage&search="
    # "Library Basics" certifies "Build dashboards": competency statements are searched.
    assert api_titles(client.get(listing + "dashboards")) == ["Dashboards for Managers", "Library Basics"]
    # Quotes and operators are FTS5 syntax on SQLite: they were a 500 before the words were cut.
    dashboards = ["Dashboards for Managers", "Library Basics"]
    assert api_titles(client.get(listing + '"dashboards" (^')) == dashboards
    assert api_titles(client.get(listing + '"""')) == []
    assert api_titles(client.get(listing + "cnc dashboards")) == []
    assert api_titles(client.get(listing + "cnc dashboards&search_operator=or")) == [
        "CNC Operation",
        "Dashboards for Managers",
        "Library Basics",
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ("search=" + "data " * 50, "search is limited to 200 characters"),
        ("search=data&search_operator=xor", "search_operator must be 'and' or 'or'"),
        (
            "type=catalog.MicrocredentialPage&price=abc",
            "field filter error. “abc” value must be a decimal number.",
        ),
        ("format=xml", "format must be one of: json, api"),
    ],
)
def test_bad_parameters_are_a_400_that_says_why(client, small_catalog, query, message):
    response = client.get("/api/v2/pages/?" + query)
    assert response.status_code == 400
    assert response.json() == {"message": message}


def test_a_decimal_field_filter_still_filters(client, small_catalog):
    response = client.get("/api/v2/pages/", {"type": "catalog.MicrocredentialPage", "price": "120"})
    assert api_titles(response) == ["CNC Operation"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/?search=a%00b",
        "/skills/?find=%00",
        "/api/v2/pages/find/?html_path=%00",
        "/catalog/a%00b/",
    ],
)
def test_a_nul_character_anywhere_in_the_address_is_a_400(client, small_catalog, url):
    # PostgreSQL cannot hold a NUL in text: on PostgreSQL each of these was a 500.
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
