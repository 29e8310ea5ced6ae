"""The facets a learner narrows a catalog search with: the condition each value stands for, and
the facets as the search page shows them, built from counts (search/sql/facet_counts.py).

Values inside one facet combine with OR, facets with AND. The conditions are plain ORM `Q`s,
so filtering and counting mean the same on every database and search backend.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from catalog.models import (
    Competency,
    DeliveryFormat,
    Level,
    MicrocredentialCompetency,
    MicrocredentialPartner,
    with_consent,
)
from partners.models import PartnerPage

from .forms import CREDIT_CHOICES, HOURS_BANDS, PRICE_BANDS
from .sql.lookups import visible_pages

COMPETENCY_FACET_SIZE = 25

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


def _or(qs_by_value, selected):
    combined = Q()
    for value in selected:
        combined |= qs_by_value[value]
    return combined


def facet_filters(params):
    """One Q per selected facet (OR inside), keyed by facet name."""
    p = params
    filters = {}
    if p.competencies:
        filters["competency"] = Q(
            pk__in=MicrocredentialCompetency.objects.filter(competency_id__in=p.competencies).values(
                "page_id"
            )
        )
    if p.partners:
        filters["partner"] = Q(provider_id__in=p.partners) | Q(
            # Co-brands count only where the partner consented, as on the page.
            pk__in=with_consent(MicrocredentialPartner.objects.filter(partner_id__in=p.partners)).values(
                "page_id"
            )
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


def build_facets(params, counts, restricted):
    """Every facet, in the order the page shows them, from a FacetCounts; `restricted`: the
    view-restricted sections of the tree (search/sql/lookups.py)."""
    return [
        competency_facet(params, counts.competencies),
        partner_facet(params, counts.partners, restricted),
        simple_facet(params, "level", "Level", Level.choices, counts),
        simple_facet(params, "format", "Format", DeliveryFormat.choices, counts),
        simple_facet(params, "credit", "Academic credit", list(CREDIT_CHOICES.items()), counts),
        simple_facet(params, "price", "Price", list(PRICE_BANDS.items()), counts),
        simple_facet(params, "hours", "Learning hours", list(HOURS_BANDS.items()), counts),
    ]


def simple_facet(params, name, label, choices, counts):
    selected = {
        "level": params.levels,
        "format": params.formats,
        "credit": params.credit,
        "price": params.prices,
        "hours": params.hours,
    }[name]
    return Facet(
        name,
        label,
        [
            FacetValue(str(value), text, counts.simple(name, value), value in selected)
            for value, text in choices
        ],
    )


def partner_facet(params, counts, restricted):
    wanted = set(counts) | set(params.partners)
    # A partner whose page is private (view-restricted) is not named, even when selected.
    visible = visible_pages(PartnerPage, restricted)
    names = dict(visible.filter(pk__in=wanted).values_list("pk", "title"))
    values = [
        FacetValue(str(pk), names[pk], counts.get(pk, 0), pk in params.partners)
        for pk in sorted(names, key=lambda pk: (-counts.get(pk, 0), names[pk]))
    ]
    return Facet("partner", "Partner", values)


def competency_facet(params, all_counts):
    """The COMPETENCY_FACET_SIZE most frequent competencies, and the selected ones."""
    counts = dict(sorted(all_counts.items(), key=lambda item: (-item[1], item[0]))[:COMPETENCY_FACET_SIZE])
    for pk in set(params.competencies) - set(counts):
        if pk in all_counts:
            counts[pk] = all_counts[pk]
    wanted = set(counts) | set(params.competencies)
    competencies = Competency.objects.filter(pk__in=wanted).select_related("framework")
    values = [
        FacetValue(
            str(c.pk),
            c.name,
            counts.get(c.pk, 0),
            c.pk in params.competencies,
            group=c.framework.title,
        )
        for c in competencies
    ]
    values.sort(key=lambda v: (v.group, -v.count, v.label))
    return Facet("competency", "Competency", values)
