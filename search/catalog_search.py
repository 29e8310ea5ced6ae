"""Faceted search over the live, public microcredentials (no view restriction on them or above
them): from the request's parameters to a page of results.

The flow, in the order CatalogSearch runs it:

1. params (search/forms.py) → the credentials matching the text, best first (`_match_ids`);
2. → those passing the selected facets, in display order (`result_ids`);
3. → the facets with their counts (`facets`; search/facets.py);
4. → one page of credentials (`run`).

The search backend (Wagtail's database backend, or Elasticsearch) answers one question: which
credentials match the text, best first. Filters and facet counts are then computed by the
ORM on that set, so they give the same answers on every backend. Values inside one facet
combine with OR, facets with AND, and each facet's counts apply every *other* selected facet,
as in a good shop search: ticking "Intermediate" does not zero the other levels' counts.
Where that was too slow, search/sql/ computes the same answers with its own statements, and
caches them.
"""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property

from catalog.models import Competency, MicrocredentialCompetency, MicrocredentialPage

from .facets import build_facets, facet_filters
from .sql import postgres_ranking, sqlite_ranking
from .sql.catalog_cache import AnswerCache
from .sql.facet_counts import FacetCounts
from .sql.library_internals import uses_database_backend
from .sql.lookups import (  # importing it registers the __any lookup
    Ids,
    hidden_pages,
    restricted_sections,
    visible_pages,
)

PER_PAGE = 20
# Non-database backends hand back objects, not SQL; cap how many matches feed the facets.
MAX_BACKEND_MATCHES = 10_000

ORDERINGS = {
    "newest": ["-first_published_at", "-pk"],
    "price": ["price", "title", "pk"],
    "-price": ["-price", "title", "pk"],
    "hours": ["notional_hours", "title", "pk"],
}


@dataclass
class SearchOutcome:
    params: object
    page: object
    facets: list
    total: int


# Words, possibly joined by dots or hyphens ("DA.1", "co-op"). Quotes and operators are
# dropped: full-text engines give them meanings (phrases, NOT, column filters) that a
# learner's typing does not intend, and an unbalanced quote is a syntax error in SQLite FTS5.
SEARCH_TERM = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)*")


def search_terms(text):
    return " ".join(SEARCH_TERM.findall(text)[:20])


class CatalogSearch:
    def __init__(self, params, cache=None):
        self.params = params
        self.terms = search_terms(params.text) if params.text else None  # None: no text given
        self.cache = cache or AnswerCache(enabled=self.terms is None or uses_database_backend())
        self._matches = None

    @cached_property
    def restricted(self):
        """The view-restricted sections of the tree, read once, and only when an answer is
        computed (a cached answer was computed with the restrictions of its catalog version)."""
        return restricted_sections()

    @cached_property
    def base(self):
        """The credentials a learner may find: live, and public (what Wagtail's `live().public()`
        keeps), as every search backend can filter them."""
        return visible_pages(MicrocredentialPage, self.restricted)

    @property
    def _match_ids(self):
        """None without text; otherwise the matches, best first (title and competency hits
        first, see `_relevance_order`). Read from the cache or computed once."""
        if self.terms is None:
            return None
        if self._matches is None:
            self._matches = self.cache.get_or_compute("match", [self.terms], self._match_text)
        return self._matches

    @cached_property
    def _match_param(self):
        return Ids(self._match_ids)

    # Text ---------------------------------------------------------------------------------

    def _match_text(self):
        if not self.terms:
            return []
        results = self.base.search(self.terms, operator="and")
        if postgres_ranking.applies(results, self.restricted):
            # One statement matches, ranks and applies the relevance signals (_relevance_order).
            words = self._signal_words()
            return postgres_ranking.ranked_ids(
                results, words, self._competencies_matching(words), self.restricted
            )
        if sqlite_ranking.uses_sqlite_fts(results):
            ranked = sqlite_ranking.ranked_ids(MicrocredentialPage, self.terms)
            visible = set(self.base.filter(pk__any=Ids(ranked)).values_list("pk", flat=True))
            ranked = [pk for pk in ranked if pk in visible]
        elif hasattr(results, "get_queryset"):
            # Wagtail's database backends build a plain queryset, ordered by rank: read the
            # ids once, in that order, and never run the (costly) text match again.
            ranked = list(results.get_queryset().values_list("pk", flat=True))
        else:
            ranked = [obj.pk for obj in results[:MAX_BACKEND_MATCHES]]
        return self._relevance_order(ranked)

    # Filters ------------------------------------------------------------------------------

    def facet_filters(self):
        """One Q per selected facet (OR inside), keyed by facet name."""
        return facet_filters(self.params)

    def filtered(self, except_facet=None):
        queryset = self.unfiltered()
        for name, condition in self.facet_filters().items():
            if name != except_facet:
                queryset = queryset.filter(condition)
        return queryset

    # Results ------------------------------------------------------------------------------

    def result_ids(self):
        """The ids of the passing credentials, in display order."""
        if self.params.sort == "relevance" and self._match_ids is not None:
            if not self.facet_filters():
                return list(self._match_ids)
            passing = self.facet_counts.passing  # read with the facet counts
            return [pk for pk in self._match_ids if pk in passing]
        ordering = ORDERINGS.get(self.params.sort, ORDERINGS["newest"])
        return list(self.filtered().order_by(*ordering).values_list("pk", flat=True))

    def _relevance_order(self, ranked):
        """Title matches first, then competency matches, then the backend's own ranking.

        PostgreSQL's ranking weights fields by their boosts, but SQLite's FTS5 ranking (bm25
        over the whole document) does not, so a word in a long summary could outrank the same
        word in a title. Ordering by these two explicit signals first gives the same, expected
        order on every backend. Each credential's key depends on that credential alone, so
        ordering every match once and then keeping those that pass the filters gives the same
        order as filtering first.
        """
        words = self._signal_words()
        if not ranked or not words:
            return ranked
        ranked_ids = Ids(ranked)
        title_hits = {}
        for word in words:
            for pk in MicrocredentialPage.objects.filter(
                pk__any=ranked_ids, title__icontains=word
            ).values_list("pk", flat=True):
                title_hits[pk] = title_hits.get(pk, 0) + 1
        competency_hits = set(
            MicrocredentialCompetency.objects.filter(
                page_id__any=ranked_ids, competency_id__any=self._competencies_matching(words)
            ).values_list("page_id", flat=True)
        )
        position = {pk: index for index, pk in enumerate(ranked)}
        return sorted(
            ranked, key=lambda pk: (-title_hits.get(pk, 0), pk not in competency_hits, position[pk])
        )

    def _signal_words(self):
        """The words whose presence in a title or a linked competency puts a match first."""
        return [word for word in self.terms.split() if len(word) > 1][:5]

    def _competencies_matching(self, words):
        """Ids of the competencies whose statement contains, or code is, one of `words`.

        Matching competencies first (a small table), then their links: much cheaper than
        testing every matched credential's statements.
        """
        if not words:
            return []
        statement = Q()
        for word in words:
            statement |= Q(full_statement__icontains=word) | Q(human_coding_scheme__iexact=word)
        return list(Competency.objects.filter(statement).values_list("pk", flat=True))

    def answer_key(self):
        """Everything the answer depends on besides the catalog: the text and the filters
        (values in a facet OR together, so their order does not matter) and the sort."""
        p = self.params
        return [
            self.terms,
            sorted(p.competencies),
            sorted(p.partners),
            sorted(p.levels),
            sorted(p.formats),
            sorted(p.credit),
            sorted(p.prices),
            sorted(p.hours),
            p.sort,
        ]

    def answer(self):
        return {"ids": self.result_ids(), "facets": self.facets()}

    def run(self):
        answer = self.cache.get_or_compute("answer", self.answer_key(), self.answer)
        paginator = Paginator(answer["ids"], PER_PAGE)
        page = paginator.get_page(self.params.page)
        if page.object_list:
            pages = MicrocredentialPage.objects.filter(pk__any=list(page.object_list)).for_listing().in_bulk()
            page.object_list = [pages[pk] for pk in page.object_list if pk in pages]
        else:
            page.object_list = []
        return SearchOutcome(params=self.params, page=page, facets=answer["facets"], total=paginator.count)

    # Facets -------------------------------------------------------------------------------

    def facets(self):
        return build_facets(self.params, self.facet_counts, self.restricted)

    @cached_property
    def facet_counts(self):
        """Every facet count (and, for a filtered relevance order, the passing ids) from one
        statement: see FacetCounts."""
        with_passing = (
            self.params.sort == "relevance" and self._match_ids is not None and bool(self.facet_filters())
        )
        return FacetCounts.compute(self.facet_candidates(), self.facet_filters(), with_passing)

    def facet_candidates(self):
        """The credentials whose facets are counted: the text's matches, or every visible one.

        Without a text that is `base`, but without its join (see `hidden_pages`): joining
        all 20,000 credentials to Wagtail's page table only to test `live` took about a third
        of the facet statement.
        """
        if self._match_ids is not None:
            return self.unfiltered()
        return MicrocredentialPage.objects.exclude(pk__in=hidden_pages(self.restricted))

    def unfiltered(self):
        if self._match_ids is not None:
            # The ids came from a search of visible pages, so skip the join that `live` needs.
            return MicrocredentialPage.objects.filter(pk__any=self._match_param)
        return self.base


def search_catalog(params):
    return CatalogSearch(params).run()
