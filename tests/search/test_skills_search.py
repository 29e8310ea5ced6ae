"""Employer skills search: coverage ranking, covered/missing skills, pathway suggestions, and
the same answers as a page, a CSV file and the JSON API."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Competency, MicrocredentialCompetency
from search.skills import SkillsSearchError, parse_competency_ids, skills_search
from tests.builders import make_credential, make_framework, make_partner, make_pathway

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills_catalog(catalog):
    asu = make_partner(catalog, title="Arizona State University")
    _, (clean, stats, dashboards, cnc) = make_framework(size=4)
    for competency, statement in zip(
        (clean, stats, dashboards, cnc), ("Clean data", "Statistics", "Dashboards", "CNC"), strict=True
    ):
        competency.full_statement = statement
        competency.save()
    make_credential(asu, [clean, stats, dashboards], title="Analytics Bootcamp", price=Decimal("95"))
    two_deep = make_credential(asu, [clean, stats], title="Spreadsheets Advanced")
    two_shallow = make_credential(asu, [clean, stats], title="Spreadsheets Basics")
    MicrocredentialCompetency.objects.filter(page=two_deep).update(proficiency_level=4)
    MicrocredentialCompetency.objects.filter(page=two_shallow).update(proficiency_level=1)
    viz = make_credential(asu, [dashboards], title="Visualisation")
    make_credential(asu, [cnc], title="CNC Operation")
    make_credential(asu, [clean, stats, dashboards], title="Draft Everything", live=False)
    pathway = make_pathway(asu, [(two_shallow, True), (viz, True)], title="Analyst Pathway")
    return {"competencies": (clean, stats, dashboards, cnc), "pathway": pathway}


def test_ranked_by_coverage_then_proficiency(skills_catalog):
    clean, stats, dashboards, _ = skills_catalog["competencies"]
    result = skills_search([clean.pk, stats.pk, dashboards.pk])
    ranking = [(c.credential.title, c.covered_count) for c in result.page.object_list]
    assert ranking == [
        ("Analytics Bootcamp", 3),
        ("Spreadsheets Advanced", 2),  # level 4 beats level 1 at equal coverage
        ("Spreadsheets Basics", 2),
        ("Visualisation", 1),
    ]
    basics = result.page.object_list[2]
    assert [s.competency.full_statement for s in basics.covered] == ["Clean data", "Statistics"]
    assert [s.proficiency_label for s in basics.covered] == ["Foundational", "Foundational"]
    assert [c.full_statement for c in basics.missing] == ["Dashboards"]


def test_pathways_that_together_cover_every_skill_are_suggested(skills_catalog):
    clean, stats, dashboards, cnc = skills_catalog["competencies"]
    suggestions = skills_search([clean.pk, stats.pk, dashboards.pk]).pathways
    assert [s.pathway.title for s in suggestions] == ["Analyst Pathway"]
    assert suggestions[0].credentials == ["Spreadsheets Basics", "Visualisation"]
    assert skills_search([clean.pk, cnc.pk]).pathways == []


def test_query_count_does_not_grow_with_results(skills_catalog, catalog, client):
    clean, stats, dashboards, _ = skills_catalog["competencies"]
    url = f"/api/v1/skills-search/?competency={clean.pk}&competency={stats.pk}&competency={dashboards.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    partner = make_partner(catalog)
    for number in range(12):
        make_credential(partner, [clean, dashboards], title=f"Extra {number}")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("values", [["abc"], ["-1"], ["0"], [str(2**40)], [str(i) for i in range(1, 30)]])
def test_bad_competency_ids_are_refused(values):
    with pytest.raises(SkillsSearchError):
        parse_competency_ids(values)


class TestApi:
    def test_json_results(self, client, skills_catalog):
        clean, stats, dashboards, _ = skills_catalog["competencies"]
        response = client.get("/api/v1/skills-search/", {"competency": [clean.pk, dashboards.pk, 999999]})
        assert response.status_code == 200
        data = response.json()
        assert data["unknown_competency_ids"] == [999999]
        assert data["count"] == 4
        top = data["results"][0]
        assert top["title"] == "Analytics Bootcamp" and top["coverage"] == {"covered": 2, "of": 2}
        assert top["price"] == "95.00" and top["currency"] == "USD"
        assert {c["statement"] for c in top["covered"]} == {"Clean data", "Dashboards"}
        assert top["covered"][0]["proficiency"] == "Intermediate"
        assert data["pathways"][0]["title"] == "Analyst Pathway"

    @pytest.mark.parametrize(
        "query, message",
        [
            ("", "at least one competency"),
            ("competency=x", "not a competency id"),
            ("competency=1&per_page=0", "per_page"),
            ("competency=1&per_page=abc", "per_page"),
        ],
    )
    def test_errors_are_400_with_a_message(self, client, db, query, message):
        response = client.get("/api/v1/skills-search/?" + query)
        assert response.status_code == 400
        assert message in response.json()["error"]

    def test_pagination(self, client, skills_catalog):
        clean = skills_catalog["competencies"][0]
        data = client.get("/api/v1/skills-search/", {"competency": clean.pk, "per_page": 2, "page": 2}).json()
        assert (data["count"], data["page"], data["pages"], len(data["results"])) == (3, 2, 2, 1)


def test_csv_download(client, skills_catalog):
    clean, stats, _, _ = skills_catalog["competencies"]
    response = client.get("/skills/results.csv", {"competency": [clean.pk, stats.pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["credential"] for row in rows][:2] == ["Spreadsheets Advanced", "Analytics Bootcamp"]
    assert rows[0]["covered"] == "2" and rows[0]["of"] == "2"
    assert client.get("/skills/results.csv").status_code == 400


def test_skills_page(client, skills_catalog):
    clean, _, dashboards, _ = skills_catalog["competencies"]
    response = client.get("/skills/", {"competency": [clean.pk, dashboards.pk]})
    html = response.content.decode()
    assert "Covers 2 of 2" in html and "Analyst Pathway" in html
    assert "Not covered:" in html
    assert client.get("/skills/", {"competency": "nope"}).status_code == 400
    empty = client.get("/skills/", {"find": "zzzz"}).content.decode()
    assert "No competency matches" in empty
    assert Competency.objects.count() == 4


def picker_boxes(html):
    """(competency id, checked) of every checkbox of the picker form, in page order."""
    return [
        (int(value), "checked" in rest)
        for value, rest in re.findall(r'<input type="checkbox" name="competency" value="(\d+)"([^>]*)>', html)
    ]


def test_narrowing_the_picker_keeps_the_skills_already_chosen(client, skills_catalog):
    clean, stats, dashboards, cnc = skills_catalog["competencies"]
    html = client.get("/skills/", {"competency": [clean.pk, dashboards.pk], "find": "CNC"}).content.decode()
    # The chosen two stay ticked, though "CNC" hides them from the framework's list; CNC is offered.
    assert picker_boxes(html) == [(clean.pk, True), (dashboards.pk, True), (cnc.pk, False)]
    assert "Your chosen skills" in html
    assert '<input type="hidden" name="find" value="CNC">' in html
    # A chosen skill the narrowed list would show is listed once, ticked (not again unticked,
    # which would leave the page with two boxes for one skill).
    html = client.get("/skills/", {"competency": [clean.pk], "find": "Clean"}).content.decode()
    assert picker_boxes(html) == [(clean.pk, True)]
    html = client.get("/skills/", {"competency": [clean.pk], "find": "zzzz"}).content.decode()
    assert picker_boxes(html) == [(clean.pk, True)]
    assert "No other competency matches “zzzz”" in html
    assert f'href="?competency={clean.pk}">Show all</a>' in html


def test_picker_lists_each_competency_under_its_parent(client, catalog):
    framework, (root_b, root_a, child_a2, child_a1, grandchild) = make_framework(size=5)
    # sort_order says A before B; children follow their parent, each level in its own order.
    for competency, parent, order in (
        (root_a, None, 1),
        (root_b, None, 2),
        (child_a1, root_a, 1),
        (child_a2, root_a, 2),
        (grandchild, child_a1, 1),
    ):
        competency.parent, competency.sort_order = parent, order
        competency.save()
    # Every one but root A is certified: A stays, as a heading without a box, above its children.
    make_credential(make_partner(catalog), [root_b, child_a2, child_a1, grandchild])
    html = client.get("/skills/").content.decode()
    order = [pk for pk, _ in picker_boxes(html)]
    assert order == [child_a1.pk, grandchild.pk, child_a2.pk, root_b.pk]
    heading = re.search(r'<li class="picker__heading">\s*<span><span class="competency-code">([^<]*)', html)
    assert heading[1] == root_a.human_coding_scheme
    assert heading.start() < html.index(f'value="{child_a1.pk}"')


def test_picker_says_when_it_shows_only_the_first_competencies(client, catalog, monkeypatch):
    from search import skills_views

    _, competencies = make_framework(size=4)
    make_credential(make_partner(catalog), competencies)
    monkeypatch.setattr(skills_views, "PICKER_LIMIT", 3)
    html = client.get("/skills/").content.decode()
    assert len(picker_boxes(html)) == 3
    assert "Showing the first 3 competencies" in html
    monkeypatch.setattr(skills_views, "PICKER_LIMIT", 4)
    html = client.get("/skills/").content.decode()
    assert len(picker_boxes(html)) == 4 and "Showing the first" not in html


def test_picker_offers_only_what_live_public_credentials_certify_in_shown_frameworks(client, catalog):
    """A CASE import of a framework no credential uses adds nothing to the page; neither do the
    skills of a draft or a private credential, nor a framework staff keep off the page."""
    import json
    from pathlib import Path

    from django.conf import settings
    from wagtail.models import PageViewRestriction

    from catalog.case_import import import_case_package
    from tests.builders import restrict

    partner = make_partner(catalog)
    _, (shown, draft_only, private_only, unused) = make_framework(size=4, title="Workforce")
    make_credential(partner, [shown], title="Public Credential")
    make_credential(partner, [draft_only], live=False)
    restrict(make_credential(partner, [private_only]), PageViewRestriction.PASSWORD)
    kept_off, (kept_off_skill,) = make_framework(size=1, title="Internal", show_on_skills_page=False)
    make_credential(partner, [kept_off_skill])
    data = json.loads((Path(settings.BASE_DIR) / "catalog/fixtures/case/workforce-skills.json").read_text())
    imported = import_case_package(data).framework
    imported.show_on_skills_page = True  # even shown, an unused framework lists nothing
    imported.save()

    html = client.get("/skills/").content.decode()
    assert picker_boxes(html) == [(shown.pk, False)]
    assert "<summary>Workforce</summary>" in html
    assert "Internal" not in html and imported.title not in html
    # A search for a skill no credential certifies finds none, rather than an empty result.
    html = client.get("/skills/", {"find": "tabular"}).content.decode()
    assert picker_boxes(html) == [] and "No competency matches “tabular”" in html


def test_frameworks_start_folded_when_there_are_several(client, catalog):
    partner = make_partner(catalog)
    _, (first,) = make_framework(size=1, title="First")
    _, (second,) = make_framework(size=1, title="Second")
    make_credential(partner, [first, second])
    html = client.get("/skills/").content.decode()
    assert html.count('<details class="picker__group">') == 2
    html = client.get("/skills/", {"find": "Competency"}).content.decode()
    assert html.count('<details class="picker__group" open>') == 2


def test_chosen_skills_fold_the_picker_away(client, skills_catalog):
    """With skills chosen the picker is folded (a phone shows the results first); the chosen skills
    stay outside it, ticked, and still submit with the picker's form."""
    clean, *_ = skills_catalog["competencies"]
    html = client.get("/skills/").content.decode()
    assert '<details class="picker" id="skills-picker" open' in html
    html = client.get("/skills/", {"competency": clean.pk}).content.decode()
    assert '<details class="picker" id="skills-picker" data-unfold-when-wide>' in html
    chosen_box = f'value="{clean.pk}" id="c-{clean.pk}" form="skills-picker-form" checked'
    assert html.index(chosen_box) < html.index('<details class="picker"')
