"""Relevance-ordered matches for Wagtail's PostgreSQL database search backend, in one query.

The backend's own query joins every credential to its index entry, tests
`title || body @@ query` row by row (no index can serve that expression unless one is built on
it, see migration 0002), re-evaluates `to_tsquery(…)` for every row in the filter and in both
ranks, and leaves the title/competency signals of `CatalogSearch._relevance_order` to three more
queries over the ranked ids. Here one statement does all of it:

- the matches come from the index table alone, through the GIN index on `title || body`;
- the query is parsed once (a one-row subquery) and each match is ranked once, with the very
  expression the backend orders by: ts_rank with its weights over the title times the title
  norm, plus ts_rank over the body times 1.0 (`get_index_vectors` and `_build_rank_expression`
  in modelsearch's postgres backend), so the float ranks are the same values;
- the statement keeps the visible matches (live, and outside every view-restricted section)
  and sorts them by the two relevance signals (title contains a word, a matching competency is
  linked), then by rank, then by id descending: the backend's order with `_relevance_order`
  applied on top. The signals and the visibility test are sets read once, not joins (see
  `ranked_ids`).

Only plain-text searches of `visible_pages(model, …)` (`live().public()`) over the whole index
(no `fields=`) take this path; everything else, and every other backend, keeps using the
backend's own query.

Proof of equal answers: tests/search/test_postgres_ranking.py (PostgreSQL only) compares the
order with the generic path's (the backend's query, then `_relevance_order`) for eight texts.
"""

from django.db import connection
from django.db.models.sql import Query
from modelsearch.query import PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Page

from catalog.models import MicrocredentialCompetency

from .library_internals import is_postgres_search_results
from .lookups import hidden_pages, restricted_sections, visible_pages

# The boost the backend gives the body vector (`get_index_vectors`).
BODY_BOOST = 1.0


def applies(results, restricted=None):
    """True for a relevance-ordered plain-text search of Wagtail's PostgreSQL database backend,
    of the pages visible with the view-restricted sections `restricted` (read now if None)."""
    compiler = getattr(results, "query_compiler", None)
    return (
        connection.vendor == "postgresql"
        and is_postgres_search_results(results)
        and isinstance(compiler.query, PlainText)
        and compiler.fields is None
        and compiler.order_by_relevance
        and searches_visible_pages(results, restricted)
    )


def _compile(model, expression):
    query = Query(model)
    return query.get_compiler(connection=connection).compile(expression.resolve_expression(query))


def matches_sql(results):
    """(sql, params) selecting `id` and `rank` of every index entry of the model matching the text
    (visible or not: the caller keeps the visible ones)."""
    from wagtail.search.models import IndexEntry

    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    tsquery_sql, tsquery_params = _compile(IndexEntry, compiler.build_tsquery(compiler.query, config=config))
    content_types = list(get_descendants_content_types_pks(compiler.queryset.model))
    # object_id holds str(pk); the cast runs only on rows that passed the WHERE clause, i.e.
    # entries of this model's content types. OFFSET 0 keeps the query a one-row subquery,
    # evaluated once, instead of to_tsquery() being called again for every row.
    sql = (
        "SELECT e.object_id::integer AS id, "
        "(ts_rank(%s::float4[], e.title, q.query) * e.title_norm) "
        "+ (ts_rank(%s::float4[], e.body, q.query) * %s::double precision) AS rank "
        f"FROM {IndexEntry._meta.db_table} e, (SELECT {tsquery_sql} AS query OFFSET 0) q "
        "WHERE e.content_type_id = ANY(%s) AND (e.title || e.body) @@ q.query"
    )
    params = [compiler.sql_weights, compiler.sql_weights, BODY_BOOST, *tsquery_params, content_types]
    return sql, params


def searches_visible_pages(results, restricted=None):
    """True when the searched queryset selects exactly the rows of `visible_pages(model,
    restricted)`, the ones `ranked_ids` reproduces (it keeps the visible matches itself instead
    of joining the queryset).

    The two querysets' filters and joins are compared as trees, not as compiled SQL: compiling
    both, twice per search, cost about 4 ms of a cold search. Ordering, selected columns and
    `select_related` do not change which rows match, so they may differ; slicing, set
    operations (`union`) and `extra(tables=…)` do, so they make the answer False.
    """
    query = results.query_compiler.queryset.query
    if restricted is None:
        restricted = restricted_sections()
    expected = visible_pages(query.model, restricted).query
    return (
        query.where == expected.where
        and list(query.alias_map) == list(expected.alias_map)
        and not query.is_sliced
        and query.combinator is None
        and not query.extra_tables
    )


def ranked_ids(results, title_words, competency_ids, restricted=None):
    """Primary keys of the search's visible matches: most `title_words` in the title first, then
    those linked to one of `competency_ids`, then by the backend's rank, then by id descending.
    With no `title_words`, the backend's order alone. `restricted`: the view-restricted sections
    (search/sql/lookups.py), read now if None.

    The matches are not joined to the page table. Joined, PostgreSQL probes the page table's
    primary key once per match and again for its subclass table (it cannot estimate how many
    rows a tsquery matches, so it never picks a hash join): about 15,000 probes, two thirds of
    the statement's time, for a common word. Instead each condition is a small set read once
    and probed in memory (a "hashed SubPlan"): the hidden pages (those not live, which a partial
    index holds, and those in a restricted section, a range of the path index each), the pages
    whose title contains each word (a trigram index answers `icontains`), the credentials
    linked to a matching competency. Migration 0003 builds the two indexes; without them the
    sets are still read once, by a sequential scan.
    """
    if restricted is None:
        restricted = restricted_sections()
    if not searches_visible_pages(results, restricted):
        raise ValueError("ranked_ids ranks the visible pages of a model: search visible_pages(model, …)")
    match_sql, match_params = matches_sql(results)
    order_by = []  # the signals, strongest first, each "CASE WHEN m.id IN (a set) …"
    conditions = []  # their parameters, in the same order
    hidden_sql, hidden_params = hidden_pages(restricted).query.sql_with_params()
    title_hits = []
    for word in title_words:
        sql, params = (
            Page.objects.filter(title__icontains=word).order_by().values("pk").query.sql_with_params()
        )
        title_hits.append(f"CASE WHEN m.id IN ({sql}) THEN 1 ELSE 0 END")
        conditions += params
    if title_hits:
        order_by.append(f"{' + '.join(title_hits)} DESC")
    if title_words and competency_ids:
        # IN (…): PostgreSQL reads the matching links once, into a hash.
        linked_sql, linked_params = (
            MicrocredentialCompetency.objects.filter(competency_id__in=competency_ids)
            .order_by()
            .values("page_id")
            .query.sql_with_params()
        )
        order_by.append(f"CASE WHEN m.id IN ({linked_sql}) THEN 1 ELSE 0 END DESC")
        conditions += linked_params
    order_by += ["m.rank DESC", "m.id DESC"]
    sql = (
        f"WITH search_matches AS MATERIALIZED ({match_sql}) "
        f"SELECT m.id FROM search_matches m WHERE m.id NOT IN ({hidden_sql}) "
        f"ORDER BY {', '.join(order_by)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match_params, *hidden_params, *conditions])
        return [row[0] for row in cursor.fetchall()]
