"""Every facet count of a search in one statement, instead of one ORM count per facet value.

What it replaces: Wagtail's `results.facet(field)` counts one field per query over the whole
match; it knows neither bands (price, hours), nor many-to-many facets (partners, competencies),
nor the rule that each facet's counts apply every *other* selected facet. With the ORM, that
rule costs a query, and a pass over the candidates, per facet (`filtered(except_facet=…)`
grouped by value), seven per search; here it is one.

Proof of equal answers: tests/search/test_facet_counts.py counts every value the slow, obvious
way (one ORM count per value) and compares, on SQLite and PostgreSQL.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Expression, F, IntegerField
from django.db.models.sql import Query

from catalog.models import (
    CoBrandingConsent,
    MicrocredentialCompetency,
    MicrocredentialPage,
    MicrocredentialPartner,
)

from ..facets import SIMPLE_FACETS

# The CTE that FacetCounts reads the candidates into.
CANDIDATES = "facet_candidates"


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
            consented = ""
            if model is MicrocredentialPartner:
                # A co-brand counts only where the partner consented (catalog CoBrandingConsent).
                consents = CoBrandingConsent._meta.db_table
                consented = (
                    f" AND EXISTS (SELECT 1 FROM {consents} c WHERE c.credential_id = l.{page}"
                    f" AND c.partner_id = l.{column} AND (c.status = 'approved' OR c.staff_override))"
                )
            return (
                f"SELECT %s, l.{column}, COUNT(*) FROM {table} l WHERE l.{page} {members}{consented} "
                f"GROUP BY l.{column}"
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
