"""Faceted search over live microcredentials.

The search backend (Wagtail's database backend, or Elasticsearch) answers one question: which
credentials match the text, best first. Filters and facet counts are then computed by the
ORM on that set, so they give the same answers on every backend. Values inside one facet
combine with OR, facets with AND, and each facet's counts apply every *other* selected facet,
as in a good shop search: ticking "Intermediate" does not zero the other levels' counts.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Expression, F, IntegerField, Q
from django.db.models.sql import Query
from django.utils.functional import cached_property
from wagtail.search.backends import get_search_backend

from catalog.models import (
    Competency,
    DeliveryFormat,
    Level,
    MicrocredentialCompetency,
    MicrocredentialPage,
    MicrocredentialPartner,
)
from partners.models import PartnerPage

from . import postgres_ranking, sqlite_ranking
from .catalog_cache import AnswerCache
from .forms import CREDIT_CHOICES, HOURS_BANDS, PRICE_BANDS
from .lookups import Ids, not_live_pages  # importing it registers the __any lookup

PER_PAGE = 20
COMPETENCY_FACET_SIZE = 25
# The CTE that FacetCounts reads the candidates into.
CANDIDATES = "facet_candidates"
# Non-database backends hand back objects, not SQL; cap how many matches feed the facets.
MAX_BACKEND_MATCHES = 10_000

PRICE_Q = {
    "free": Q(price=0),
    "upto50": Q(price__gt=0, price__lte=Decimal("50")),
    "over50": Q(price__gt=Decimal("50")),
}
HOURS_Q = {
    "lt10": Q(notional_hours__lt=10),
    "10to39": Q(notional_hours__gte=10, notional_hours__lt=40),
    "40to99": Q(notional_hours__gte=40, notional_hours__lt=100),
    "100plus": Q(notional_hours__gte=100),
}
CREDIT_Q = {"yes": Q(credit_eligible=True), "no": Q(credit_eligible=False)}
LEVEL_Q = {level: Q(level=level) for level in Level.values}
FORMAT_Q = {value: Q(delivery_format=value) for value in DeliveryFormat.values}
# Facets whose values exclude each other: a credential has one level, one format, one price
# band… (FacetCounts relies on it; tests/search/test_facet_counts.py checks the band edges).
SIMPLE_FACETS = {"level": LEVEL_Q, "format": FORMAT_Q, "credit": CREDIT_Q, "price": PRICE_Q, "hours": HOURS_Q}
ORDERINGS = {
    "newest": ["-first_published_at", "-pk"],
    "price": ["price", "title", "pk"],
    "-price": ["-price", "title", "pk"],
    "hours": ["notional_hours", "title", "pk"],
}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    group: str = ""


@dataclass
class Facet:
    name: str
    label: str
    values: list = field(default_factory=list)


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


def _or(qs_by_value, selected):
    combined = Q()
    for value in selected:
        combined |= qs_by_value[value]
    return combined


class CatalogSearch:
    def __init__(self, params, cache=None):
        self.params = params
        self.base = MicrocredentialPage.objects.live()
        self.terms = search_terms(params.text) if params.text else None  # None: no text given
        self.cache = cache or AnswerCache(enabled=self.terms is None or uses_database_backend())
        self._matches = None

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
        if postgres_ranking.applies(results):
            # One statement matches, ranks and applies the relevance signals (_relevance_order).
            words = self._signal_words()
            return postgres_ranking.ranked_ids(results, words, self._competencies_matching(words))
        if sqlite_ranking.uses_sqlite_fts(results):
            ranked = sqlite_ranking.ranked_ids(MicrocredentialPage, self.terms)
            live = set(self.base.filter(pk__any=Ids(ranked)).values_list("pk", flat=True))
            ranked = [pk for pk in ranked if pk in live]
        elif hasattr(results, "get_queryset"):
            # Wagtail's database backends build a plain queryset, ordered by rank: read the
            # ids once, in that order, and never run the (costly) text match again.
            ranked = list(results.get_queryset().values_list("pk", flat=True))
        else:
            ranked = [obj.pk for obj in results[:MAX_BACKEND_MATCHES]]
        return self._relevance_order(ranked)

    # Filters ------------------------------------------------------------------------------

    def facet_filters(self):
        """One Q per facet (OR inside), keyed by facet name."""
        p = self.params
        filters = {}
        if p.competencies:
            filters["competency"] = Q(
                pk__in=MicrocredentialCompetency.objects.filter(competency_id__in=p.competencies).values(
                    "page_id"
                )
            )
        if p.partners:
            filters["partner"] = Q(provider_id__in=p.partners) | Q(
                pk__in=MicrocredentialPartner.objects.filter(partner_id__in=p.partners).values("page_id")
            )
        if p.levels:
            filters["level"] = Q(level__in=p.levels)
        if p.formats:
            filters["format"] = Q(delivery_format__in=p.formats)
        if p.credit:
            filters["credit"] = _or(CREDIT_Q, p.credit)
        if p.prices:
            filters["price"] = _or(PRICE_Q, p.prices)
        if p.hours:
            filters["hours"] = _or(HOURS_Q, p.hours)
        return filters

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
        counts = self.facet_counts
        return [
            self.competency_facet(counts.competencies),
            self.partner_facet(counts.partners),
            self.simple_facet("level", "Level", Level.choices, counts),
            self.simple_facet("format", "Format", DeliveryFormat.choices, counts),
            self.simple_facet("credit", "Academic credit", list(CREDIT_CHOICES.items()), counts),
            self.simple_facet("price", "Price", list(PRICE_BANDS.items()), counts),
            self.simple_facet("hours", "Learning hours", list(HOURS_BANDS.items()), counts),
        ]

    @cached_property
    def facet_counts(self):
        """Every facet count (and, for a filtered relevance order, the passing ids) from one
        statement: see FacetCounts."""
        with_passing = (
            self.params.sort == "relevance" and self._match_ids is not None and bool(self.facet_filters())
        )
        return FacetCounts.compute(self.facet_candidates(), self.facet_filters(), with_passing)

    def facet_candidates(self):
        """The credentials whose facets are counted: the text's matches, or every live one.

        Without a text that is `live()`, but without its join (see `not_live_pages`): joining
        all 20,000 credentials to Wagtail's page table only to test `live` took about a third
        of the facet statement.
        """
        if self._match_ids is not None:
            return self.unfiltered()
        return MicrocredentialPage.objects.exclude(pk__in=not_live_pages())

    def unfiltered(self):
        if self._match_ids is not None:
            # The ids came from a search of live pages, so skip the join that `live` needs.
            return MicrocredentialPage.objects.filter(pk__any=self._match_param)
        return self.base

    def simple_facet(self, name, label, choices, counts):
        selected = {
            "level": self.params.levels,
            "format": self.params.formats,
            "credit": self.params.credit,
            "price": self.params.prices,
            "hours": self.params.hours,
        }[name]
        return Facet(
            name,
            label,
            [
                FacetValue(str(value), text, counts.simple(name, value), value in selected)
                for value, text in choices
            ],
        )

    def partner_facet(self, counts):
        wanted = set(counts) | set(self.params.partners)
        names = dict(PartnerPage.objects.live().filter(pk__in=wanted).values_list("pk", "title"))
        values = [
            FacetValue(str(pk), names[pk], counts.get(pk, 0), pk in self.params.partners)
            for pk in sorted(names, key=lambda pk: (-counts.get(pk, 0), names[pk]))
        ]
        return Facet("partner", "Partner", values)

    def competency_facet(self, all_counts):
        """The COMPETENCY_FACET_SIZE most frequent competencies, and the selected ones."""
        counts = dict(
            sorted(all_counts.items(), key=lambda item: (-item[1], item[0]))[:COMPETENCY_FACET_SIZE]
        )
        for pk in set(self.params.competencies) - set(counts):
            if pk in all_counts:
                counts[pk] = all_counts[pk]
        wanted = set(counts) | set(self.params.competencies)
        competencies = Competency.objects.filter(pk__in=wanted).select_related("framework")
        values = [
            FacetValue(
                str(c.pk),
                c.name,
                counts.get(c.pk, 0),
                c.pk in self.params.competencies,
                group=c.framework.title,
            )
            for c in competencies
        ]
        values.sort(key=lambda v: (v.group, -v.count, v.label))
        return Facet("competency", "Competency", values)


class FacetCounts:
    """Facet counts of a candidate set, read in one statement.

    Each facet's counts apply every *other* selected facet. Rather than one query (and one
    pass over the candidates) per facet, the candidates are read once, in a CTE, each with a
    bit mask: one bit per selected facet's condition (true when the credential passes it) and
    one per value of the single-valued facets (level, format, credit, price, hours). The
    statement then returns, as (kind, key, count) rows:

    - "mask": how many candidates have each mask (a few hundred distinct masks at most), from
      which Python adds up every single-valued facet count;
    - "provider", "cobrand", "competency": counts per partner (as provider, as co-brand) and per
      competency of the candidates passing every facet except the partner (competency) one;
    - "passing" (on request): the ids passing every facet.

    The conditions are the ORM's own (facet_filters, SIMPLE_FACETS), compiled by the ORM, so
    their meaning — NULLs included — is the same as in a filter; only the wrapping is SQL, and
    it runs on PostgreSQL and SQLite alike.
    """

    def __init__(self, filters):
        """`filters`: the selected facets' conditions, by facet name (facet_filters())."""
        self.conditions = [(("filter", name), condition) for name, condition in filters.items()]
        self.conditions += [
            (("value", name, value), condition)
            for name, by_value in SIMPLE_FACETS.items()
            for value, condition in by_value.items()
        ]
        self.bits = {key: 1 << index for index, (key, _) in enumerate(self.conditions)}
        self.masks = {}
        self.providers = {}
        self.cobrands = {}
        self.competencies = {}
        self.passing = set()

    @classmethod
    def compute(cls, candidates, filters, with_passing=False):
        counts = cls(filters)
        with connection.cursor() as cursor:
            cursor.execute(*counts.statement(candidates, with_passing))
            counts.read(cursor.fetchall())
        return counts

    def others(self, facet=None):
        """The bits of every selected facet except `facet`."""
        return sum(bit for key, bit in self.bits.items() if key[0] == "filter" and key[1] != facet)

    def simple(self, facet, value):
        wanted = self.bits["value", facet, value]
        others = self.others(facet)
        return sum(count for mask, count in self.masks.items() if mask & wanted and mask & others == others)

    @property
    def partners(self):
        # A co-branding partner is never the provider too (the editor refuses it), so the
        # two counts add up without double counting.
        counts = dict(self.providers)
        for partner_id, count in self.cobrands.items():
            counts[partner_id] = counts.get(partner_id, 0) + count
        return counts

    def mask(self):
        """The candidate's bit mask, as SQL: one CASE per selected facet, and one per
        single-valued facet, whose values exclude each other (SIMPLE_FACETS), so the first
        value that holds is the only one: a chain of WHENs tests about half of them per row."""
        parts, params = [], []
        chains = {}
        for key, condition in self.conditions:
            # The value conditions are the same in every search: compile them once.
            sql, condition_params = compiled_condition(condition, cache_as=key if key[0] == "value" else None)
            when = f"WHEN {sql} THEN {self.bits[key]}"
            if key[0] == "value":
                chains.setdefault(key[1], ([], []))
                chains[key[1]][0].append(when)
                chains[key[1]][1].extend(condition_params)
            else:
                parts.append(f"CASE {when} ELSE 0 END")
                params += condition_params
        for whens, chain_params in chains.values():
            parts.append(f"CASE {' '.join(whens)} ELSE 0 END")
            params += chain_params
        return CompiledSQL(" + ".join(parts), params, output_field=IntegerField())

    def statement(self, candidates, with_passing):
        candidates = candidates.order_by().values(
            facet_pk=F("pk"), facet_provider=F("provider_id"), facet_mask=self.mask()
        )
        candidates_sql, params = candidates.query.sql_with_params()

        def passing(facet=None):
            """The condition for passing every selected facet except `facet`."""
            required = self.others(facet)
            return f"(facet_mask & {required}) = {required}" if required else "1 = 1"

        def links(model, key):
            table, page = model._meta.db_table, model._meta.get_field("page").column
            column = model._meta.get_field(key).column
            members = f"SELECT facet_pk FROM {CANDIDATES} WHERE {passing(key)}"
            if connection.vendor == "postgresql":
                # As an array, the ids probe the unique (page, key) index, about twice as fast
                # as the hash join over every link that PostgreSQL picks for IN or JOIN.
                members = f"= ANY(ARRAY({members}))"
            else:
                members = f"IN ({members})"
            return (
                f"SELECT %s, l.{column}, COUNT(*) FROM {table} l WHERE l.{page} {members} GROUP BY l.{column}"
            )

        # Links are unique per (credential, partner) and per (credential, competency), so
        # counting links counts credentials.
        branches = [
            ("mask", f"SELECT %s, facet_mask, COUNT(*) FROM {CANDIDATES} GROUP BY facet_mask"),
            (
                "provider",
                f"SELECT %s, facet_provider, COUNT(*) FROM {CANDIDATES} "
                f"WHERE facet_provider IS NOT NULL AND {passing('partner')} GROUP BY facet_provider",
            ),
            ("cobrand", links(MicrocredentialPartner, "partner")),
            ("competency", links(MicrocredentialCompetency, "competency")),
        ]
        if with_passing:
            branches.append(("passing", f"SELECT %s, facet_pk, 1 FROM {CANDIDATES} WHERE {passing()}"))
        sql = f"WITH {CANDIDATES} AS ({candidates_sql}) " + " UNION ALL ".join(
            branch for _, branch in branches
        )
        return sql, [*params, *(kind for kind, _ in branches)]

    def read(self, rows):
        by_kind = {
            "mask": self.masks,
            "provider": self.providers,
            "cobrand": self.cobrands,
            "competency": self.competencies,
        }
        for kind, key, count in rows:
            if kind == "passing":
                self.passing.add(key)
            else:
                by_kind[kind][key] = count


class CompiledSQL(Expression):
    """SQL compiled beforehand, used as is. Unlike RawSQL, which joins the parent table (Wagtail's
    page table) whenever the SQL mentions one of its column names, it adds no join."""

    def __init__(self, sql, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(self, compiler, connection):
        return self.sql, list(self.params)


_compiled_conditions = {}


def compiled_condition(condition, cache_as=None):
    """(sql, params) of a filter condition on the credential table, as the ORM compiles it in
    a `filter()`, so NULLs and types mean the same as there. Joins are refused: the SQL must
    read the candidates' own columns.

    With `cache_as`, the result is kept for the process (per database): resolving and
    compiling the twenty-odd facet value conditions afresh was about 5 ms of each cold search.
    """
    key = (connection.alias, connection.vendor, cache_as)
    if cache_as is not None and key in _compiled_conditions:
        return _compiled_conditions[key]
    query = Query(MicrocredentialPage)
    where = query.build_where(condition)  # allow_joins=False: a join raises FieldError
    try:
        sql, params = query.get_compiler(connection=connection).compile(where)
    except EmptyResultSet:
        sql, params = "1 = 0", []
    except FullResultSet:
        sql, params = "1 = 1", []
    compiled = (f"({sql})", tuple(params))
    if cache_as is not None:
        _compiled_conditions[key] = compiled
    return compiled


def uses_database_backend():
    """True for Wagtail's database search backends, whose index lives in the database.

    Their index changes are followed by a catalog version bump (search/signals.py), so
    text matches can be cached. An external engine (Elasticsearch) makes changes visible
    on its own schedule; text searches against it are not cached.
    """
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")


def search_catalog(params):
    return CatalogSearch(params).run()
