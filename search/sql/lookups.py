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
search's matches.

`hidden_pages()` and `visible_pages()`: what Wagtail's `live().public()` leaves out and keeps,
for search's own statements. `live()` is a join of the page table for its `live` column, and
`public()` reads the view restrictions and excludes each one's section with `path LIKE 'P%'`,
which no index serves (SQLite's LIKE ignores case; PostgreSQL's needs a pattern index).

Proof of equal answers: tests/search/test_lookups.py (`__any` with a list, with `Ids`, and an
empty list select the same rows on SQLite and PostgreSQL; `hidden_pages()` and `visible_pages()`
select what `live().public()` leaves out and keeps); the facet counts and results of
tests/search/test_facet_counts.py and test_catalog_search.py read the matches through it.
"""

from django.db.models import Field, ForeignObject, Lookup, Q
from django.utils.functional import cached_property
from wagtail.models import Page, PageViewRestriction


def restricted_sections():
    """The tree paths of the pages with a view restriction (a password, logged-in users only,
    some groups): those pages and every page below them are private. One small query; sites
    have few restrictions. A path inside another restricted section is left out."""
    paths = sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True)))
    return [path for index, path in enumerate(paths) if not any(path.startswith(p) for p in paths[:index])]


def section_end(path):
    """The smallest path after every path that starts with `path` (a page's descendants): its
    last character plus one ("0001000A" for "00010009"). Tree paths compare by code point:
    Wagtail gives the column the "C" collation on PostgreSQL, and SQLite's default is binary."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def in_sections(paths):
    """A Q for the pages at or below any of `paths`: one range of the path index per section."""
    condition = Q()
    for path in paths:
        condition |= Q(path__gte=path, path__lt=section_end(path))
    return condition


def hidden_pages(sections=None):
    """The pages the public must not see, as a subquery of their ids: those not live, and those
    at or below a view restriction (`sections`, read now when not given).

    `pk NOT IN (hidden_pages())` keeps the others without joining Wagtail's page table: the
    database reads this small set once (a partial index holds the pages that are not live on
    PostgreSQL, migration search/0003; the path index each restricted section) and probes it in
    memory, where a join of thousands of credentials cost one index probe each, or a hash of
    every page.
    """
    if sections is None:
        sections = restricted_sections()
    return Page.objects.filter(Q(live=False) | in_sections(sections)).order_by().values("pk")


def visible_pages(model, sections):
    """`model.objects.live().public()` for the restricted `sections`, with a condition every
    search backend can apply: ranges of the `path` filter field (Elasticsearch cannot run a
    subquery). Without restrictions it is exactly `live()`."""
    visible = model.objects.live()
    if sections:
        visible = visible.exclude(in_sections(sections))
    return visible


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
