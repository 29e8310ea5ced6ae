"""Query helpers for large sets of credentials.

`field__any=[…]`: membership in a list passed as ONE array parameter on PostgreSQL.

A text search can match thousands of credentials; passing their ids as `IN (%s, %s, …)` makes
Django build and PostgreSQL parse thousands of parameters for every facet query.
`= ANY(%s)` sends a single array instead. Other databases fall back to IN.

For long lists, pass `Ids(list)`: the ORM then treats the ids as one opaque value. With a plain
list Django resolves, type-checks and converts every element for every filter, and psycopg
dumps the array element by element; for 7,400 ids that was about 20 ms per facet query.
`Ids` writes the array literal once, and it is reused by every query that filters on it.

What it replaces: Django's `__in` (Wagtail is not involved), for the long id lists of a text
search's matches. `not_live_pages()` replaces the join that Wagtail's `live()` makes.

Proof of equal answers: tests/search/test_lookups.py (`__any` with a list, with `Ids`, and an
empty list select the same rows on SQLite and PostgreSQL); the facet counts and results of
tests/search/test_facet_counts.py and test_catalog_search.py read the matches through it.
"""

from django.db.models import Field, ForeignObject, Lookup
from django.utils.functional import cached_property
from wagtail.models import Page


def not_live_pages():
    """The pages that are not live, as a subquery of their ids.

    `pk NOT IN (not_live_pages())` keeps the live ones without joining Wagtail's page table for
    its `live` column: the database reads this small set once (a partial index holds it on
    PostgreSQL, migration search/0003) and probes it in memory, where a join of thousands of
    credentials cost one index probe each, or a hash of every page.
    """
    return Page.objects.filter(live=False).order_by().values("pk")


class Ids:
    """Integer primary keys for `__any`, in order; not iterable, so the ORM does not walk it."""

    def __init__(self, values):
        self.values = list(map(int, values))  # ints only: the literal is built from them

    @cached_property
    def literal(self):
        return "{" + ",".join(map(str, self.values)) + "}"

    def __len__(self):
        return len(self.values)


class AnyLookup(Lookup):
    lookup_name = "any"

    def get_prep_lookup(self):
        if isinstance(self.rhs, Ids):
            return self.rhs
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            if isinstance(self.rhs, Ids):
                array_type = self.lhs.output_field.db_type(connection)
                return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, self.rhs.literal]
            return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
        values = self.rhs.values if isinstance(self.rhs, Ids) else list(self.rhs)
        if not values:
            return "1 = 0", list(lhs_params)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]


Field.register_lookup(AnyLookup)
ForeignObject.register_lookup(AnyLookup)  # primary keys of multi-table children are one-to-ones
