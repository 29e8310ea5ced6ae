"""Read-only Wagtail API v2 at /api/v2/ (pages only: credentials, pathways, partners).

Wagtail's own pages endpoint, with two of its filters made strict about input, so that any
query string gets a 200 or a 400 with a message, never a 500 (the search fuzz covers this API):

- `?search=` is cut to words, as on the catalog's search page: SQLite's FTS5 reads quotes and
  operators as syntax (three double quotes as the search were a 500), and a search longer
  than the page's cap is refused rather than scanned.
- A field filter whose value the field cannot hold (`?price=abc`) is a 400; Wagtail converts
  integers and booleans itself but lets a decimal's ValidationError through.
- An unknown `?format=` is a 400 naming the formats (REST framework answers 404).
"""

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.api.v2.filters import FieldsFilter, SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from search.catalog_search import search_terms
from search.forms import MAX_QUERY_LENGTH

SEARCH_OPERATORS = ("and", "or")


class StrictFieldsFilter(FieldsFilter):
    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as error:
            raise BadRequestError("field filter error. " + " ".join(error.messages)) from error


class WordsSearchFilter(SearchFilter):
    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return super().filter_queryset(request, queryset, view)
        text = request.GET["search"]
        if len(text) > MAX_QUERY_LENGTH:
            raise BadRequestError(f"search is limited to {MAX_QUERY_LENGTH} characters")
        operator = request.GET.get("search_operator")
        if operator is not None and operator.lower() not in SEARCH_OPERATORS:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        cleaned = request.GET.copy()
        cleaned["search"] = search_terms(text)
        # Wagtail's filter reads nothing of the request but its GET parameters.
        return super().filter_queryset(SimpleNamespace(GET=cleaned), queryset, view)


class CatalogPagesAPIViewSet(PagesAPIViewSet):
    filter_backends = [
        {FieldsFilter: StrictFieldsFilter, SearchFilter: WordsSearchFilter}.get(backend, backend)
        for backend in PagesAPIViewSet.filter_backends
    ]

    def perform_content_negotiation(self, request, force=False):
        """An unknown `?format=` is a 400 that names the formats, not REST framework's bare 404."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as error:
            formats = ", ".join(renderer.format for renderer in self.get_renderers())
            raise BadRequestError(f"format must be one of: {formats}") from error


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CatalogPagesAPIViewSet)
