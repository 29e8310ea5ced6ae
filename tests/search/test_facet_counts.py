"""The one-statement facet counts (FacetCounts) equal plain ORM counts, one query per facet
value, for many combinations of text and filters; and the passing ids equal the filtered set.
Backend-agnostic: runs on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog.models import Competency
from search.catalog_search import CatalogSearch
from search.facets import SIMPLE_FACETS
from search.forms import parse_search_params
from search.sql.catalog_cache import AnswerCache
from search.sql.facet_counts import FacetCounts
from tests.builders import make_credential, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_catalog(small_catalog, catalog):
    """small_catalog plus credentials spread over every facet value (band edges included), a
    second co-branding partner, and a credential with no competency."""
    asu, cccs, employer = small_catalog["partners"]
    clean, dashboards, cnc = small_catalog["competencies"]
    union = make_partner(catalog, title="Machinists Union", kind="employer")
    extra = Competency.objects.create(
        framework=clean.framework, human_coding_scheme="DA.9", full_statement="Data ethics"
    )
    specs = [
        (
            asu,
            [clean, extra],
            [union],
            dict(level=3, delivery_format="hybrid", price=Decimal("75"), notional_hours=120),
        ),
        (cccs, [cnc], [], dict(level=3, delivery_format="in_person", price=Decimal("50"), notional_hours=10)),
        (
            cccs,
            [],
            [union, employer],
            dict(level=1, delivery_format="hybrid", price=Decimal("0"), notional_hours=9),
        ),
        (
            asu,
            [extra],
            [],
            dict(level=2, delivery_format="online_self_paced", price=Decimal("50.01"), notional_hours=99),
        ),
        (
            cccs,
            [dashboards, cnc],
            [union],
            dict(level=2, delivery_format="online_cohort", price=Decimal("10"), notional_hours=39),
        ),
    ]
    for number, (provider, competencies, cobrands, fields) in enumerate(specs):
        credit = {
            "credit_eligible": True,
            "credit_hours": Decimal("1"),
            "credit_conversion_fee": Decimal("10"),
            "credit_granting_institution": asu,
        }
        make_credential(
            provider,
            competencies,
            cobrands=cobrands,
            title=f"Data Course {number}",
            **fields,
            **(credit if number % 2 else {}),
        )
    return small_catalog


def orm_counts(search):
    """Every facet's counts the slow, obvious way: one ORM count per value."""
    counts = {}
    for name, by_value in SIMPLE_FACETS.items():
        pages = search.filtered(except_facet=name)
        counts[name] = {str(value): pages.filter(condition).count() for value, condition in by_value.items()}
    pages = search.filtered(except_facet="partner")
    counts["partner"] = {}
    for facet_value in facet(search, "partner").values:
        pk = int(facet_value.value)
        counts["partner"][facet_value.value] = (
            pages.filter(Q(provider_id=pk) | Q(partner_links__partner_id=pk)).distinct().count()
        )
    pages = search.filtered(except_facet="competency")
    counts["competency"] = {
        str(c.pk): pages.filter(competency_links__competency=c).distinct().count()
        for c in Competency.objects.all()
    }
    return counts


def facet(search, name):
    return next(f for f in search.facets() if f.name == name)


def statement_counts(search):
    counts = {f.name: {v.value: v.count for v in f.values} for f in search.facets()}
    return counts


QUERIES = [
    "",
    "level=2",
    "level=1&level=3&format=hybrid",
    "credit=yes&price=upto50",
    "price=free&price=over50&hours=lt10&hours=100plus",
    "format=online_self_paced&format=online_cohort&credit=no",
    "q=data",
    "q=data&level=2&credit=yes",
    "q=data&sort=price&hours=40to99",
    "q=zzzz&level=1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_counts_equal_one_orm_count_per_value(varied_catalog, query):
    search = CatalogSearch(parse_search_params(QueryDict(query)), cache=AnswerCache(enabled=False))
    expected = orm_counts(search)
    actual = statement_counts(search)
    for name in SIMPLE_FACETS:
        assert actual[name] == expected[name], name
    assert actual["partner"] == expected["partner"]
    # Competencies with no credential are left out of the facet; every shown count is right.
    assert actual["competency"] == {
        pk: n for pk, n in expected["competency"].items() if n or pk in actual["competency"]
    }
    assert sorted(search.result_ids()) == sorted(search.filtered().values_list("pk", flat=True))


@pytest.mark.parametrize("selection", ["partner", "competency"])
def test_counts_with_partner_and_competency_selected(varied_catalog, selection):
    asu, _, employer = varied_catalog["partners"]
    clean, _, cnc = varied_catalog["competencies"]
    query = {
        "partner": f"partner={employer.pk}&partner={asu.pk}&level=2&q=data",
        "competency": f"competency={clean.pk}&competency={cnc.pk}&credit=no",
    }[selection]
    search = CatalogSearch(parse_search_params(QueryDict(query)), cache=AnswerCache(enabled=False))
    expected = orm_counts(search)
    actual = statement_counts(search)
    for name in [*SIMPLE_FACETS, "partner"]:
        assert actual[name] == expected[name], name
    assert all(expected["competency"][pk] == n for pk, n in actual["competency"].items())
    assert sorted(search.result_ids()) == sorted(search.filtered().values_list("pk", flat=True))


def test_one_statement_whatever_the_filters(varied_catalog):
    """Counting every facet takes one query, with or without text and filters."""
    for query in QUERIES:
        search = CatalogSearch(parse_search_params(QueryDict(query)), cache=AnswerCache(enabled=False))
        _ = search._match_ids  # the text match is not part of the count,
        _ = search.restricted  # nor the view-restricted sections, read once per search
        with CaptureQueriesContext(connection) as queries:
            _ = search.facet_counts
        assert len(queries) == 1, query


def test_simple_counts_add_up_the_masks():
    """A value's count needs its own bit and the bits of the *other* selected facets."""
    counts = FacetCounts({"level": SIMPLE_FACETS["level"][1], "price": SIMPLE_FACETS["price"]["free"]})
    level, price = counts.bits["filter", "level"], counts.bits["filter", "price"]
    level_1, free = counts.bits["value", "level", 1], counts.bits["value", "price", "free"]
    counts.read(
        [
            ("mask", level | price | level_1, 3),
            ("mask", price | level_1, 5),  # fails the level filter: still counted for level
            ("mask", level | level_1, 7),  # fails the price filter: not counted for level
            ("mask", level | price | free, 11),
            ("mask", free, 13),
        ]
    )
    assert counts.simple("level", 1) == 3 + 5
    assert counts.simple("price", "free") == 11
    assert counts.others("level") == price and counts.others() == level | price


def test_each_credential_has_one_value_of_each_simple_facet(catalog):
    """FacetCounts tests a facet's values as one chain of WHENs, so they must exclude each other
    and, for a credential in the catalog, one must hold: checked at every band edge."""
    from catalog.models import MicrocredentialPage

    provider = make_partner(catalog, title="Edge University")
    edges = [
        (Decimal("0"), 9),
        (Decimal("0.01"), 10),
        (Decimal("50"), 39),
        (Decimal("50.01"), 40),
        (Decimal("51"), 99),
        (Decimal("400"), 100),
    ]
    for number, (price, hours) in enumerate(edges):
        make_credential(
            provider, [], title=f"Edge {number}", price=price, notional_hours=hours, level=number % 3 + 1
        )
    pages = MicrocredentialPage.objects.all()
    for name, by_value in SIMPLE_FACETS.items():
        for page in pages:
            holding = [
                value for value, condition in by_value.items() if pages.filter(condition, pk=page.pk).exists()
            ]
            assert len(holding) == 1, (name, page.title, holding)


@pytest.mark.parametrize("query", ["q=data&level=2&credit=yes", "format=hybrid&price=upto50", ""])
def test_the_statement_reads_the_credential_table_without_joins(varied_catalog, query):
    """The candidates' columns are all on the credential table; joining Wagtail's page table
    (for `live`, or as RawSQL does when the SQL names one of its columns) doubled the reads."""
    search = CatalogSearch(parse_search_params(QueryDict(query)), cache=AnswerCache(enabled=False))
    _ = search._match_ids, search.restricted
    with CaptureQueriesContext(connection) as queries:
        _ = search.facet_counts
    assert " JOIN " not in queries[0]["sql"].upper()
