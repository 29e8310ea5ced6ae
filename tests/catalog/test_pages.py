"""Catalog pages (credential, catalog index, pathway) render what a visitor needs, in a fixed
number of queries. Partner pages, the home page and the search page: tests/partners, tests/home,
tests/search."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import CoBrandingConsent, Competency, MicrocredentialCompetency, MicrocredentialPartner
from tests.builders import make_credential, make_framework, make_partner, make_pathway
from tests.pages import get_soup

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # warm up: renditions are generated on first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def credit_credential(partner, framework):
    _, competencies = framework
    case_uri = "https://case.example.org/uri/abc"
    competencies[0].case_uri = case_uri
    competencies[0].save()
    return make_credential(
        partner,
        competencies=competencies[:2],
        title="Project Management Foundations",
        short_code="ASU-PM-101",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3.0"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
    )


class TestMicrocredentialPage:
    def test_shows_facts_competencies_and_cobranding(self, client, catalog, partner, credit_credential):
        employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
        MicrocredentialPartner.objects.create(
            page=credit_credential, partner=employer, role="employer_endorser"
        )
        CoBrandingConsent.objects.create(credential=credit_credential, partner=employer, status="approved")
        soup = get_soup(client, credit_credential.url)

        assert soup.h1.get_text(strip=True) == "Project Management Foundations"
        facts = soup.select_one(".credential__facts").get_text(" ", strip=True)
        assert "$25" in facts and "$400" in facts and "3 credit hours" in facts
        rows = [row.th.get_text(" ", strip=True) for row in soup.select(".competency-table tbody tr")]
        assert rows[0].startswith("Competency number 1") and len(rows) == 2
        cobrand = soup.select_one(".cobrand").get_text(" ", strip=True)
        assert "Front Range Manufacturing Alliance" in cobrand and "Employer endorser" in cobrand
        article = soup.select_one("article.credential")
        assert "--accent: #8C1D40" in article["style"]

    def test_embeds_schema_org_course_json_ld(self, client, partner, credit_credential):
        soup = get_soup(client, credit_credential.url)
        data = json.loads(soup.find("script", type="application/ld+json").string)

        assert data["@type"] == "Course"
        assert data["name"] == "Project Management Foundations"
        assert data["courseCode"] == "ASU-PM-101"
        assert data["provider"]["name"] == "Arizona State University"
        offers = {offer["name"]: offer for offer in data["offers"]}
        assert offers["Non-credit enrolment"]["price"] == "25.00"
        assert offers["Conversion to academic credit"]["price"] == "400.00"
        assert {offer["priceCurrency"] for offer in data["offers"]} == {"USD"}
        credential = data["educationalCredentialAwarded"]
        assert credential["@type"] == "EducationalOccupationalCredential"
        terms = credential["competencyRequired"]
        assert [term["name"] for term in terms] == ["Competency number 1", "Competency number 2"]
        assert terms[0]["@type"] == "DefinedTerm" and terms[0]["termCode"] == "T.1"
        assert terms[0]["url"] == "https://case.example.org/uri/abc"
        assert data["numberOfCredits"] == 3

    def test_json_ld_cannot_break_out_of_its_script(self, client, partner, framework):
        page = make_credential(
            partner, competencies=framework[1][:1], summary="</script><script>alert(1)</script>"
        )
        html = client.get(page.url).content.decode()
        opening = html.split('<script type="application/ld+json"', 1)[1]  # nonce="…">
        script = opening.split(">", 1)[1].split("</script>", 1)[0]
        assert "<" not in script
        assert json.loads(script)["description"] == "</script><script>alert(1)</script>"

    def test_free_non_credit_credential(self, client, partner, framework):
        page = make_credential(partner, competencies=framework[1][:1], price=Decimal("0"))
        soup = get_soup(client, page.url)
        assert soup.select_one(".price").get_text(strip=True) == "Free"
        assert "Non-credit" in soup.select_one(".credential__facts").get_text()
        data = json.loads(soup.find("script", type="application/ld+json").string)
        assert [offer["price"] for offer in data["offers"]] == ["0.00"]
        assert "numberOfCredits" not in data

    def test_lists_prerequisites_and_pathways(self, client, partner, framework):
        first = make_credential(partner, competencies=framework[1][:1], title="Spreadsheets")
        second = make_credential(
            partner, competencies=framework[1][1:2], prerequisites=[first], title="Dashboards"
        )
        make_pathway(partner, [(first, True), (second, True)], title="Data Analytics Certificate")
        soup = get_soup(client, second.url)
        assert "Spreadsheets" in soup.find(id="prerequisites-heading").parent.get_text()
        assert "Data Analytics Certificate" in soup.find(id="pathways-heading").parent.get_text()

    def test_query_count_does_not_grow_with_competencies_or_partners(
        self, client, catalog, partner, credit_credential
    ):
        before = count_queries(client, credit_credential.url)
        framework, competencies = make_framework(size=30, title="Big framework")
        for index, competency in enumerate(competencies):
            MicrocredentialCompetency.objects.create(
                page=credit_credential, competency=competency, assessment_method="exam", sort_order=10 + index
            )
        for index in range(5):
            MicrocredentialPartner.objects.create(
                page=credit_credential,
                partner=make_partner(catalog, title=f"Employer {index}"),
                sort_order=index,
            )
        after = count_queries(client, credit_credential.url)
        assert after == before, f"{before} queries with 2 competencies, {after} with 32"
        assert Competency.objects.count() == 34


class TestCatalogIndexPage:
    def test_lists_live_credentials_only_with_pagination(self, client, catalog, partner, framework):
        for index in range(30):
            make_credential(partner, competencies=framework[1][:1], title=f"Credential {index:02d}")
        make_credential(partner, competencies=framework[1][:1], title="Draft credential", live=False)

        soup = get_soup(client, catalog.url)
        titles = [h.get_text(strip=True) for h in soup.select(".card__title")]
        assert len(titles) == 24 and "Draft credential" not in titles
        assert "(30)" in soup.find(id="credentials-heading").get_text()
        assert "Page 1 of 2" in soup.select_one(".pagination").get_text()

        page_two = get_soup(client, catalog.url + "?page=2")
        assert len(page_two.select(".card__title")) == 6
        for bad in ("abc", "999", "-1", "0"):
            assert client.get(catalog.url, {"page": bad}).status_code == 200

    def test_empty_state(self, client, catalog):
        soup = get_soup(client, catalog.url)
        assert "No microcredentials are published yet" in soup.select_one(".empty-state").get_text()

    def test_query_count_does_not_grow_with_listed_items(self, client, catalog, framework):
        partners = [make_partner(catalog, title=f"Institution {i}") for i in range(3)]
        for index in range(3):
            make_credential(partners[index % 3], competencies=framework[1][:1])
        few = count_queries(client, catalog.url)
        for index in range(21):
            make_credential(partners[index % 3], competencies=framework[1][:2])
        many = count_queries(client, catalog.url)
        assert many == few, f"{few} queries for 3 cards, {many} for 24"


class TestPathwayPage:
    def test_shows_steps_and_computed_totals(self, client, partner, framework):
        a = make_credential(partner, competencies=framework[1][:1], notional_hours=40, price=Decimal("25"))
        b = make_credential(partner, competencies=framework[1][:1], notional_hours=45, price=Decimal("25"))
        c = make_credential(partner, competencies=framework[1][:1], notional_hours=10, price=Decimal("95"))
        pathway = make_pathway(
            partner, [(a, True), (b, True), (c, False)], electives_required=1, title="Mastery"
        )
        soup = get_soup(client, pathway.url)
        totals = soup.select_one(".facts--inline").get_text(" ", strip=True)
        assert "from 95" in totals and "$145" in totals
        assert len(soup.find(id="required-heading").parent.select(".card")) == 2
        assert "choose 1" in soup.find(id="electives-heading").get_text()
