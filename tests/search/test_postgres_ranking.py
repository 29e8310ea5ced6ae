"""The one-statement PostgreSQL ranking (search/sql/postgres_ranking.py) gives exactly the order of
the generic path: the backend's own ranked query, then `_relevance_order`'s title and
competency signals. PostgreSQL only; the generic path is what SQLite's shared tests cover."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.models import Competency
from search.catalog_search import CatalogSearch
from search.forms import parse_search_params
from search.sql import postgres_ranking
from search.sql.catalog_cache import AnswerCache
from tests.builders import make_credential, make_partner, restrict

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="search/sql/postgres_ranking.py serves only Wagtail's PostgreSQL search backend",
    ),
]


@pytest.fixture
def ranked_catalog(partner, framework):
    """Credentials whose relevance differs in each signal: title words, a linked competency
    whose statement has the word, how often and where the body has the words, exact ties."""
    competency_framework, plain = framework
    interpret = Competency.objects.create(
        framework=competency_framework, human_coding_scheme="DR.1", full_statement="Interpret data reports"
    )
    filler = plain[:1]
    pages = {
        "both words in title": make_credential(partner, filler, title="Data Reports", summary="Learn it."),
        "one word in title": make_credential(partner, filler, title="Data Basics", summary="Weekly reports."),
        "other word in title": make_credential(
            partner, filler, title="Reports at Work", summary="With data."
        ),
        "competency": make_credential(
            partner, [interpret], title="Spreadsheet Skills", summary="Office work."
        ),
        "body, often": make_credential(
            partner, filler, title="Office Skills", summary="Data, data and more data in reports and reports."
        ),
        "body, once": make_credential(
            partner,
            filler,
            title="Office Skills Two",
            summary="A long introduction to office life with data reports.",
        ),
        "twin 1": make_credential(partner, filler, title="Twin Course", summary="Data reports."),
        "twin 2": make_credential(partner, filler, title="Twin Course", summary="Data reports."),
        "unrelated": make_credential(partner, filler, title="Welding", summary="Metal work."),
    }
    make_credential(partner, filler, title="Data Reports Draft", summary="Data reports.", live=False)
    return pages


def search_for(text):
    return CatalogSearch(parse_search_params(QueryDict(f"q={text}")), cache=AnswerCache(enabled=False))


def generic_order(search):
    """What CatalogSearch did before (and still does on other backends): the backend's ranked
    queryset, then the relevance signals applied in Python."""
    results = search.base.search(search.terms, operator="and")
    return search._relevance_order(list(results.get_queryset().values_list("pk", flat=True)))


@pytest.mark.parametrize("text", ["data reports", "data", "reports", "DR.1", "c data", "office", "x", "zzzz"])
def test_same_order_as_the_generic_path(ranked_catalog, text):
    search = search_for(text)
    assert postgres_ranking.applies(search.base.search(search.terms, operator="and"))
    assert search._match_text() == generic_order(search)


def test_order_follows_the_signals_then_the_rank(ranked_catalog):
    pages = ranked_catalog
    names = {page.pk: name for name, page in pages.items()}
    order = [names[pk] for pk in search_for("data reports")._match_text()]
    assert order[0] == "both words in title"
    assert set(order[1:3]) == {"one word in title", "other word in title"}
    assert order[3] == "competency"
    # Body matches after them, the more frequent first; equal ranks by id, newest first.
    assert order.index("body, often") < order.index("body, once")
    assert order.index("twin 2") + 1 == order.index("twin 1")
    assert "unrelated" not in order and len(order) == 8  # and the draft is not there


@pytest.mark.parametrize("text", ["data reports", "data", "office"])
def test_same_order_as_the_generic_path_with_private_credentials(ranked_catalog, catalog, framework, text):
    """Credentials behind a view restriction, on their page or on their partner's, are left out
    the same way."""
    from wagtail.models import PageViewRestriction

    restrict(ranked_catalog["one word in title"], PageViewRestriction.PASSWORD)
    closed = make_partner(catalog, title="Closed Partner")
    make_credential(closed, framework[1][:1], title="Data Reports Pilot", summary="Data reports.")
    restrict(closed, PageViewRestriction.LOGIN)
    search = search_for(text)
    assert postgres_ranking.applies(search.base.search(search.terms, operator="and"))
    ranked = search._match_text()
    assert ranked == generic_order(search)
    hidden = {ranked_catalog["one word in title"].pk} | set(
        closed.get_children().values_list("pk", flat=True)
    )
    assert not hidden & set(ranked) and ranked


def test_backend_rank_alone_is_the_backends_order(ranked_catalog):
    """Without signal words, the statement orders exactly as the backend's own query."""
    for text in ("data reports", "data", "office"):
        results = search_for(text).base.search(text, operator="and")
        assert postgres_ranking.ranked_ids(results, [], []) == list(
            results.get_queryset().values_list("pk", flat=True)
        )


def test_matching_and_ranking_take_two_queries_whatever_the_number_of_matches(
    ranked_catalog, partner, framework
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            search_for("data reports")._match_text()
        return len(queries)

    few = count()
    for number in range(15):
        make_credential(partner, framework[1][:1], title=f"Data Reports {number}")
    assert count() == few == 3  # restricted sections, matching competencies, the ranking statement


def index_definition(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    return definition


def test_the_indexes_the_statement_reads_exist():
    assert "gin" in (definition := index_definition("search_indexentry_title_body_gin"))
    assert "(title || body)" in definition
    assert "gin_trgm_ops" in (definition := index_definition("search_page_title_upper_trgm"))
    assert "upper" in definition
    assert "WHERE (NOT live)" in index_definition("search_page_not_live")


def test_the_statement_reads_sets_instead_of_joining_the_page_table(ranked_catalog):
    """The point of the statement's shape: no join of the matches to the page tables (it cost
    two index probes per match), the live test and the title test as sets read once."""
    with CaptureQueriesContext(connection) as queries:
        search_for("data reports")._match_text()
    statement = queries[-1]["sql"]
    assert " JOIN " not in statement.upper()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Nested Loop" not in plan.split("CTE Scan")[-1]  # after the matches: hashed sets only
    assert plan.count("hashed SubPlan") >= 3  # hidden pages, title words, linked competencies


def test_other_querysets_keep_the_backends_own_query(ranked_catalog):
    """The statement reproduces `live()` itself; a search of any other queryset falls back."""
    from catalog.models import MicrocredentialPage

    results = MicrocredentialPage.objects.live().filter(level=1).search("data", operator="and")
    assert not postgres_ranking.applies(results)
    with pytest.raises(ValueError):
        postgres_ranking.ranked_ids(results, ["data"], [])


def test_only_a_search_of_exactly_the_live_rows_takes_the_statement(ranked_catalog):
    """`searches_visible_pages` compares filters and joins, not SQL text: what only orders or
    selects differently still qualifies; whatever changes the rows does not. Without view
    restrictions the visible rows are the live ones."""
    from catalog.models import MicrocredentialPage as Credential

    def qualifies(queryset):
        return postgres_ranking.searches_visible_pages(queryset.search("data", operator="and"))

    assert qualifies(Credential.objects.live())
    assert qualifies(Credential.objects.live().order_by("title"))
    assert qualifies(Credential.objects.live().select_related("provider"))
    assert not qualifies(Credential.objects.all())
    assert not qualifies(Credential.objects.not_live())
    assert not qualifies(Credential.objects.live().exclude(level=1))
    assert not qualifies(Credential.objects.live().filter(live=True))  # a second, equal condition
    assert not qualifies(Credential.objects.live()[:5])
    assert not qualifies(Credential.objects.live().extra(tables=["wagtailcore_site"]))


def test_with_a_view_restriction_only_the_visible_rows_take_the_statement(ranked_catalog):
    from wagtail.models import PageViewRestriction

    from catalog.models import MicrocredentialPage as Credential
    from search.sql.lookups import restricted_sections, visible_pages

    restrict(ranked_catalog["twin 1"], PageViewRestriction.GROUPS)
    sections = restricted_sections()
    assert sections == [ranked_catalog["twin 1"].path]
    for queryset, qualifies in [
        (visible_pages(Credential, sections), True),
        (visible_pages(Credential, sections).order_by("title"), True),
        (Credential.objects.live(), False),  # it would rank the private credential too
        (visible_pages(Credential, []), False),
    ]:
        results = queryset.search("data", operator="and")
        assert postgres_ranking.searches_visible_pages(results, sections) is qualifies
        assert postgres_ranking.searches_visible_pages(results) is qualifies  # the sections read afresh
