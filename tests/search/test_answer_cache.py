"""The search answer cache (search/sql/catalog_cache.py): repeated searches are answered from it,
and every change an editor or the index worker makes to what an answer depends on makes the
cached answers stale at once — only once committed, and never from uncommitted data."""

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.models import MicrocredentialCompetency, MicrocredentialPage
from search.catalog_search import CatalogSearch
from search.forms import parse_search_params
from search.skills import skills_search
from search.sql.catalog_cache import (
    AnswerCache,
    bump_catalog_version,
    current_version,
    has_uncommitted_changes,
)
from search.tasks import reindex_credentials_task
from tests.builders import make_credential, make_partner
from tests.search.helpers import counts, run, titles

pytestmark = pytest.mark.django_db


def test_a_repeated_search_is_answered_from_the_cache(cached_catalog):
    assert run("q=data").total == 2
    with CaptureQueriesContext(connection) as cold:
        run("q=data&level=2")
    with CaptureQueriesContext(connection) as warm:
        outcome = run("q=data&level=2")
    assert titles(outcome) == ["Dashboards for Managers"]
    assert counts(outcome, "level") == {"Introductory": 1, "Intermediate": 1, "Advanced": 0}
    # Warm: the version, the page of credentials and its renditions; no match, no facet counts.
    assert len(warm) < len(cold) and len(warm) <= 3
    # A write that skips signals (a queryset update) is not seen: proof the answer is cached...
    MicrocredentialPage.objects.filter(title="Data Cleaning").update(level=2)
    assert counts(run("q=data&level=2"), "level")["Intermediate"] == 1
    # ...until the catalog version changes.
    bump_catalog_version()
    assert counts(run("q=data&level=2"), "level")["Intermediate"] == 2


def test_the_same_filters_in_another_order_share_an_answer(cached_catalog):
    clean, dashboards, _ = cached_catalog["competencies"]
    first = run(f"competency={clean.pk}&competency={dashboards.pk}&level=2&level=1")
    with CaptureQueriesContext(connection) as again:
        second = run(f"level=1&level=2&competency={dashboards.pk}&competency={clean.pk}")
    assert len(again) <= 3
    assert titles(second) == titles(first) and second.total == first.total == 3


def test_publishing_changes_results_and_counts_at_once(cached_catalog, committed):
    asu = cached_catalog["partners"][0]
    before = run("format=hybrid")
    assert before.total == 0 and counts(before, "format")["Hybrid"] == 0
    assert run("q=quantum").total == 0
    with committed():
        page = make_credential(
            asu, cached_catalog["competencies"][:1], title="Quantum Data", delivery_format="hybrid"
        )
    after = run("format=hybrid")
    assert titles(after) == ["Quantum Data"] and counts(after, "format")["Hybrid"] == 1
    assert titles(run("q=quantum")) == ["Quantum Data"]
    assert counts(run("q=data"), "partner")["Arizona State University"] == 3

    with committed():
        page.unpublish()
    assert (
        run("format=hybrid").total == 0 and counts(run("q=data"), "partner")["Arizona State University"] == 2
    )
    with committed():
        page.save_revision().publish()
    assert run("format=hybrid").total == 1
    with committed():
        MicrocredentialPage.objects.get(pk=page.pk).delete()
    assert run("format=hybrid").total == 0 and run("q=quantum").total == 0


def test_renaming_a_credential_changes_text_results(cached_catalog, committed):
    page = cached_catalog["pages"]["library"]
    assert run("q=archives").total == 0
    with committed():
        page.title = "Archives Basics"
        page.save_revision().publish()
    assert titles(run("q=archives")) == ["Archives Basics"]
    assert run("q=library").total == 0


def test_renaming_a_competency_partner_or_framework_changes_facet_labels(cached_catalog, committed):
    clean, _, _ = cached_catalog["competencies"]
    _, cccs, _ = cached_catalog["partners"]
    facet = next(f for f in run().facets if f.name == "competency")
    assert {v.group for v in facet.values} == {"Workforce Skills"}
    with committed():
        clean.full_statement = "Tidy tabular data"
        clean.save()
    assert "Tidy tabular data" in counts(run(), "competency")
    with committed():
        cccs.title = "Colorado Colleges"
        cccs.save_revision().publish()
    assert counts(run(), "partner")["Colorado Colleges"] == 2
    with committed():
        clean.framework.title = "Renamed Framework"
        clean.framework.save()
    facet = next(f for f in run().facets if f.name == "competency")
    assert {v.group for v in facet.values} == {"Renamed Framework"}


def test_moving_a_credential_to_another_partner_changes_the_partner_counts(cached_catalog, committed):
    asu, cccs, _ = cached_catalog["partners"]
    assert counts(run(), "partner")["Arizona State University"] == 2
    with committed():
        cached_catalog["pages"]["library"].move(asu, pos="last-child")
    partners = counts(run(), "partner")
    assert partners["Arizona State University"] == 3 and partners["Colorado Community College System"] == 1


def test_a_draft_is_not_found_until_published(cached_catalog, committed):
    page = MicrocredentialPage.objects.get(pk=cached_catalog["pages"]["cleaning"].pk)
    assert titles(run("q=wrangling")) == []
    with committed():
        page.title = "Data Wrangling"
        revision = page.save_revision()
    assert titles(run("q=wrangling")) == []  # drafts are not searchable
    assert "Data Cleaning" in titles(run("q=data"))
    with committed():
        revision.publish()
    assert titles(run("q=wrangling")) == ["Data Wrangling"]


def test_a_search_index_task_bumps_the_version(cached_catalog, committed):
    version = current_version()
    with committed():
        reindex_credentials_task.enqueue([cached_catalog["pages"]["cnc"].pk])
    assert current_version() != version


def test_the_version_changes_only_once_committed(committed):
    version = current_version()
    with committed():
        bump_catalog_version()
        bump_catalog_version()
        assert current_version() == version
        assert has_uncommitted_changes()
    assert current_version() != version
    assert not has_uncommitted_changes()


def test_uncommitted_changes_are_searched_fresh_and_never_cached(cached_catalog):
    asu = cached_catalog["partners"][0]
    assert run("q=quantum").total == 0  # cached: no match
    version = current_version()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        make_credential(asu, title="Quantum Draft")
        assert has_uncommitted_changes()
        assert titles(run("q=quantum")) == ["Quantum Draft"]  # sees its own change, not the cache
        raise Rollback
    assert not has_uncommitted_changes()
    assert current_version() == version
    assert run("q=quantum").total == 0  # the rolled-back answer was not cached


def test_text_searches_are_not_cached_with_an_external_search_engine(cached_catalog, monkeypatch):
    monkeypatch.setattr("search.catalog_search.uses_database_backend", lambda: False)
    search = CatalogSearch(parse_search_params(QueryDict("q=data")))
    assert not search.cache.enabled
    assert CatalogSearch(parse_search_params(QueryDict("level=1"))).cache.enabled
    assert AnswerCache().enabled


class TestSkillsSearch:
    def test_cached_ranking_follows_new_links(self, cached_catalog, committed):
        clean, dashboards, cnc = cached_catalog["competencies"]
        ids = [clean.pk, cnc.pk]
        assert [c.credential.title for c in skills_search(ids).page.object_list] == [
            "CNC Operation",
            "Dashboards for Managers",
            "Data Cleaning",
        ]
        with CaptureQueriesContext(connection) as warm:
            assert skills_search(ids).total == 3
        asu = cached_catalog["partners"][0]
        with committed():
            make_credential(asu, [clean, cnc], title="Lathe Data")
        ranking = [(c.credential.title, c.covered_count) for c in skills_search(ids).page.object_list]
        assert ranking[0] == ("Lathe Data", 2) and len(ranking) == 4
        # A link removed by editing the credential and publishing.
        page = MicrocredentialPage.objects.get(title="Lathe Data")
        with committed():
            page.competency_links = [
                link for link in page.competency_links.all() if link.competency_id != cnc.pk
            ]
            page.save_revision().publish()
        assert MicrocredentialCompetency.objects.filter(page=page).count() == 1
        assert ("Lathe Data", 1) in [
            (c.credential.title, c.covered_count) for c in skills_search(ids).page.object_list
        ]
        assert len(warm) < 8

    def test_a_renamed_competency_shows_its_new_name(self, cached_catalog, committed):
        _, _, cnc = cached_catalog["competencies"]
        skills_search([cnc.pk])
        with committed():
            cnc.full_statement = "Operate a CNC lathe"
            cnc.save()
        assert skills_search([cnc.pk]).competencies[0].full_statement == "Operate a CNC lathe"


def test_deleting_a_partner_page_drops_its_credentials(cached_catalog, committed, catalog):
    with committed():
        extra = make_partner(catalog, title="Short-lived Partner")
        make_credential(extra, title="Orphan Data")
    assert "Orphan Data" in titles(run("q=orphan"))
    with committed():
        extra.delete()
    assert run("q=orphan").total == 0
    assert "Short-lived Partner" not in counts(run(), "partner")


def test_a_case_import_that_only_changes_statements_bumps_the_version(db, committed):
    """The importer writes competencies in bulk (no signals), so it bumps the version itself."""
    from catalog.case_import import import_case_package
    from tests.builders import KID1, make_package

    with committed():
        import_case_package(make_package())
    version = current_version()
    changed = make_package()
    next(item for item in changed["CFItems"] if item["identifier"] == KID1)["fullStatement"] = "Take a pulse"
    with committed():
        summary = import_case_package(changed)
    assert (summary.updated, summary.framework_updated) == (1, False)
    assert current_version() != version


def test_generated_demo_credentials_count_at_once(cached_catalog, committed):
    """The demo builder inserts credentials in bulk (no model signals) and says so with
    catalog/signals.py, so cached answers do not hide them."""
    from devtools.demo.builder import generate_credentials

    asu = cached_catalog["partners"][0]
    total = run().total  # now cached
    with committed():
        generate_credentials(3, [asu], list(cached_catalog["competencies"]))
    assert run().total == total + 3
