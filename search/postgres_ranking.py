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
- the ORM adds the two relevance signals (title contains a word, a matching competency is
  linked) to the same queryset the search ran on, and the statement sorts by them, then by
  rank, then by id descending: the backend's order with `_relevance_order` applied on top.

Only plain-text searches over the whole index (no `fields=`) take this path; everything else,
and every other backend, keeps using the backend's own query.
"""

from django.db import connection
from django.db.models import Case, Value, When
from django.db.models.sql import Query
from modelsearch.query import PlainText
from modelsearch.utils import get_descendants_content_types_pks

from catalog.models import MicrocredentialCompetency

# The boost the backend gives the body vector (`get_index_vectors`).
BODY_BOOST = 1.0


def applies(results):
    """True for a relevance-ordered plain-text search of Wagtail's PostgreSQL database backend."""
    compiler = getattr(results, "query_compiler", None)
    return (
        connection.vendor == "postgresql"
        and type(results).__name__ == "PostgresSearchResults"
        and isinstance(compiler.query, PlainText)
        and compiler.fields is None
        and compiler.order_by_relevance
    )


def _compile(model, expression):
    query = Query(model)
    return query.get_compiler(connection=connection).compile(expression.resolve_expression(query))


def matches_sql(results):
    """(sql, params) selecting `id` and `rank` of every index entry of the model matching the text
    (live or not: the caller joins the searched queryset)."""
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


def ranked_ids(results, title_words, competency_ids):
    """Primary keys of the search's matches: most `title_words` in the title first, then those
    linked to one of `competency_ids`, then by the backend's rank, then by id descending.
    With no `title_words`, the backend's order alone."""
    match_sql, match_params = matches_sql(results)
    if title_words:
        title_hits = sum(
            (Case(When(title__icontains=word, then=Value(1)), default=Value(0)) for word in title_words),
            start=Value(0),
        )
    else:
        title_hits = Value(0)
    if title_words and competency_ids:
        # IN (…) rather than EXISTS: PostgreSQL reads the matching links once, into a hash.
        linked = MicrocredentialCompetency.objects.filter(competency_id__in=competency_ids).values("page_id")
        competency_hit = Case(When(pk__in=linked, then=Value(1)), default=Value(0))
    else:
        competency_hit = Value(0)
    signals = (
        results.query_compiler.queryset.order_by()
        .annotate(
            search_title_hits=title_hits,
            search_competency_hit=competency_hit,
        )
        .values("pk", "search_title_hits", "search_competency_hit")
    )
    signals_sql, signals_params = signals.query.sql_with_params()
    sql = (
        f"WITH search_matches AS MATERIALIZED ({match_sql}) "
        f"SELECT s.pk FROM ({signals_sql}) s JOIN search_matches m ON m.id = s.pk "
        "ORDER BY s.search_title_hits DESC, s.search_competency_hit DESC, m.rank DESC, s.pk DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match_params, *signals_params])
        return [row[0] for row in cursor.fetchall()]
