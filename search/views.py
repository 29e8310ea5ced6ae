"""Catalog search for learners, and the autocomplete endpoint used by the search boxes."""

from django.http import JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.search.backends import get_search_backend

from catalog.models import Competency, MicrocredentialPage

from .catalog_search import search_catalog, search_terms
from .forms import SORTS, parse_search_params
from .page_matches import match_pathways_and_partners
from .sql import sqlite_ranking
from .sql.lookups import restricted_sections, visible_pages
from .suggestions import certified_competencies, corrected_search, popular_competencies

AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_SIZE = 5


@require_GET
def search(request):
    params = parse_search_params(request.GET)
    exact = request.GET.get("exact") == "1"
    outcome = search_catalog(params)
    page_matches = match_pathways_and_partners(search_terms(params.text)) if params.page == 1 else None
    corrected = None
    if outcome.total == 0 and params.text and not page_matches and not exact:
        corrected = corrected_search(params)
    query = request.GET.copy()
    if corrected:
        # As search engines do: the corrected results at once, and a link to the literal search.
        typed, literal = params.text, request.GET.copy()
        literal["exact"] = "1"  # never corrected
        literal.pop("page", None)
        params, outcome = corrected.params, corrected.outcome
        page_matches = match_pathways_and_partners(search_terms(params.text))
        query["q"] = params.text  # what the page shows is a search for the corrected text
        corrected = {"typed": typed, "literal_url": reverse("search") + "?" + literal.urlencode()}
    all_params = [(name, value) for name in query for value in query.getlist(name)]
    context = {
        "all_params": all_params,
        # A new text typed in the box gets corrected again if it finds nothing: no `exact`.
        "hidden_filters": [(n, v) for n, v in all_params if n not in {"q", "page", "exact"}],
        "active_filters": active_filter_chips(query, outcome.facets),
        "clear_url": clear_filters_url(params),
        "search_query": params.text,
        "exact": exact,
        "corrected": corrected,
        "params": params,
        "outcome": outcome,
        "page_matches": page_matches,
        "results": outcome.page,
        "facets": [facet for facet in outcome.facets if facet.values],
        "sort_choices": list(SORTS.items()),
    }
    if outcome.total == 0:
        context["popular_competencies"] = popular_competencies()
    return TemplateResponse(request, "search/search.html", context)


def active_filter_chips(query, facets):
    """One chip per selected facet value, each with the URL that removes just that value."""
    chips = []
    for facet in facets:
        for option in facet.values:
            if option.selected:
                without = query.copy()
                without.setlist(facet.name, [v for v in without.getlist(facet.name) if v != option.value])
                without.pop("page", None)
                chips.append(
                    {"label": f"{facet.label}: {option.label}", "remove_url": "?" + without.urlencode()}
                )
    return chips


def clear_filters_url(params):
    query = QueryDict(mutable=True)
    if params.text:
        query["q"] = params.text
    return reverse("search") + ("?" + query.urlencode() if query else "")


def _in_order(queryset, ids):
    objects = queryset.in_bulk(ids)
    return [objects[pk] for pk in ids if pk in objects]


@require_GET
def autocomplete(request):
    """Up to five credentials (live and public) and five competencies (certified by one of those)
    whose names start like the typed text."""
    text = search_terms(request.GET.get("q", "")[:AUTOCOMPLETE_MAX_LENGTH])
    if len(text) < 2:
        return JsonResponse({"query": text, "results": []})
    visible = visible_pages(MicrocredentialPage, restricted_sections())
    if sqlite_ranking.is_sqlite():
        # SQLite's backend ranks with one bm25 subquery per match: seconds for a two-letter
        # prefix in a large catalog. Rank the FTS5 match in one query instead.
        credentials = _in_order(
            visible,
            sqlite_ranking.ranked_ids(MicrocredentialPage, text, autocomplete=True, limit=50),
        )[:AUTOCOMPLETE_SIZE]
        competency_ids = sqlite_ranking.ranked_ids(Competency, text, autocomplete=True, limit=50)
    else:
        credentials = visible.autocomplete(text)[:AUTOCOMPLETE_SIZE]
        competency_ids = [c.pk for c in get_search_backend().autocomplete(text, Competency)[:50]]
    # Only skills some visible credential certifies: a suggestion must lead to results.
    competencies = _in_order(certified_competencies(), competency_ids)[:AUTOCOMPLETE_SIZE]
    results = [
        {"type": "credential", "label": page.title, "url": page.get_url(request)} for page in credentials
    ] + [
        {"type": "competency", "label": competency.name, "url": f"/search/?competency={competency.pk}"}
        for competency in competencies
    ]
    return JsonResponse({"query": text, "results": results})
