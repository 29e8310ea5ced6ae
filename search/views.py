"""Catalog search for learners, and the autocomplete endpoint used by the search boxes."""

from django.http import JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.search.backends import get_search_backend

from catalog.models import Competency, MicrocredentialPage

from .catalog_search import search_catalog, search_terms
from .forms import SORTS, parse_search_params
from .sql import sqlite_ranking
from .sql.lookups import restricted_sections, visible_pages
from .suggestions import did_you_mean, popular_competencies

AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_SIZE = 5


@require_GET
def search(request):
    params = parse_search_params(request.GET)
    outcome = search_catalog(params)
    all_params = [(name, value) for name in request.GET for value in request.GET.getlist(name)]
    context = {
        "all_params": all_params,
        "hidden_filters": [(n, v) for n, v in all_params if n not in {"q", "page"}],
        "active_filters": active_filter_chips(request, outcome.facets),
        "clear_url": clear_filters_url(params),
        "search_query": params.text,
        "params": params,
        "outcome": outcome,
        "results": outcome.page,
        "facets": [facet for facet in outcome.facets if facet.values],
        "sort_choices": list(SORTS.items()),
    }
    if outcome.total == 0:
        context["did_you_mean"] = did_you_mean(params.text) if params.text else None
        context["popular_competencies"] = popular_competencies()
    return TemplateResponse(request, "search/search.html", context)


def active_filter_chips(request, facets):
    """One chip per selected facet value, each with the URL that removes just that value."""
    chips = []
    for facet in facets:
        for option in facet.values:
            if option.selected:
                query = request.GET.copy()
                query.setlist(facet.name, [v for v in query.getlist(facet.name) if v != option.value])
                query.pop("page", None)
                chips.append(
                    {"label": f"{facet.label}: {option.label}", "remove_url": "?" + query.urlencode()}
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
    """Up to five credentials (live and public) and five competencies whose names start like the
    typed text."""
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
        competencies = _in_order(
            Competency.objects.all(), sqlite_ranking.ranked_ids(Competency, text, autocomplete=True, limit=50)
        )[:AUTOCOMPLETE_SIZE]
    else:
        credentials = visible.autocomplete(text)[:AUTOCOMPLETE_SIZE]
        competencies = get_search_backend().autocomplete(text, Competency)[:AUTOCOMPLETE_SIZE]
    results = [
        {"type": "credential", "label": page.title, "url": page.get_url(request)} for page in credentials
    ] + [
        {"type": "competency", "label": competency.name, "url": f"/search/?competency={competency.pk}"}
        for competency in competencies
    ]
    return JsonResponse({"query": text, "results": results})
