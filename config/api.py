"""Read-only Wagtail API v2 at /api/v2/ (pages only: credentials, pathways, partners).

Wagtail's own pages endpoint, with two of its filters made strict about input, so that any
query string gets a 200 or a 400 with a message, never a 500 (the search fuzz covers this API):

- `?search=` is cut to words, as on the catalog's search page: SQLite's FTS5 reads quotes and
  operators as syntax (three double quotes as the search were a 500), and a search longer
  than the page's cap is refused rather than scanned.
- A field filter whose value the field cannot hold (`?price=abc`) is a 400; Wagtail converts
  integers and booleans itself but lets a decimal's ValidationError through.
- An unknown `?format=` is a 400 naming the formats (REST framework answers 404).
- Numbers no column can hold are refused before they reach the database (SQLite's driver
  raised OverflowError past 2^63 - 1, PostgreSQL "bigint out of range": both 500s): an
  `?offset=` or `?limit=` past 2^63 - 1 is a 400, an integer field filter (`?id=`,
  `?provider=`, `?notional_hours=`...) outside its column's range a 400 (ids start at 1), and
  the detail route takes `<dbid:pk>` (config/converters.py), so a larger id is a 404; `find/?id=`
  that is no page id is a 400.

Every link it writes (`detail_url`, `html_url`, also a parent's and a related page's) follows the
address the request came to, or PUBLIC_URL when set (catalog/links.py), where Wagtail's take the
Site record's host and port.
"""

import functools
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.fields import AutoFieldMixin
from django.http import Http404
from django.urls import NoReverseMatch, path
from wagtail.api.v2.filters import FieldsFilter, SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageHtmlUrlField, PageParentField, PageSerializer, get_serializer_class
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from catalog.links import absolute_url, page_full_url
from config.converters import MAX_DATABASE_ID
from search.catalog_search import search_terms
from search.forms import MAX_QUERY_LENGTH

SEARCH_OPERATORS = ("and", "or")
# The ranges PostgreSQL's columns enforce; SQLite would take more, but the API answers alike on both.
COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges


def integer_filter_range(field):
    """(lowest, highest) value a filter on `field` can match, or None for a non-integer field."""
    while isinstance(field, models.ForeignKey):  # a filter on a foreign key gives the target's id
        field = field.target_field
    if not isinstance(field, models.IntegerField):
        return None
    lowest, highest = COLUMN_RANGES.get(field.get_internal_type(), COLUMN_RANGES["BigIntegerField"])
    return (1 if isinstance(field, AutoFieldMixin) else lowest), highest


class BoundedPagination(WagtailPagination):
    """Wagtail's `?offset=`/`?limit=`, refusing numbers past what SQL's LIMIT/OFFSET hold."""

    def paginate_queryset(self, queryset, request, view=None):
        for name in ("offset", "limit"):
            try:
                number = int(request.GET.get(name, 0))
            except ValueError:
                continue  # Wagtail's own 400 says what is wrong
            if number > MAX_DATABASE_ID:
                raise BadRequestError(f"{name} must be an integer from 0 to {MAX_DATABASE_ID}")
        return super().paginate_queryset(queryset, request, view)


class StrictFieldsFilter(FieldsFilter):
    def filter_queryset(self, request, queryset, view):
        fields = set(view.get_available_fields(queryset.model, db_fields_only=True))
        for name, value in request.GET.items():  # the last value of each, as Wagtail reads them
            if name not in fields or name == "locale":
                continue
            try:
                bounds = integer_filter_range(queryset.model._meta.get_field(name))
            except FieldDoesNotExist:
                continue
            try:
                number = int(value) if bounds else None
            except ValueError:
                continue  # not a number: Wagtail's own 400 says so
            if bounds and not bounds[0] <= number <= bounds[1]:
                lowest, highest = bounds
                message = f"{name} must be an integer from {lowest} to {highest}"
                raise BadRequestError("field filter error. " + message)
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


class RequestPageHtmlUrlField(PageHtmlUrlField):
    def to_representation(self, page):
        try:
            return page_full_url(page, self.context["request"])
        except NoReverseMatch:
            return None


class RequestPageParentField(PageParentField):
    """Wagtail's `parent`, serialized with our serializer (its own names PageSerializer)."""

    def to_representation(self, value):
        serializer_class = get_serializer_class(
            value.__class__,
            ["id", "type", "detail_url", "html_url", "title"],
            meta_fields=["type", "detail_url", "html_url"],
            base=RequestLinksPageSerializer,
        )
        return serializer_class(context=self.context).to_representation(value)


class RequestLinksPageSerializer(PageSerializer):
    html_url = RequestPageHtmlUrlField(read_only=True)
    parent = RequestPageParentField(read_only=True)


class RequestBoundRouter:
    """The router as one request's views see it: detail URLs absolute for that request."""

    def __init__(self, router, request):
        self.router = router
        self.request = request

    def __getattr__(self, name):
        return getattr(self.router, name)

    def get_object_detail_urlpath(self, model, pk):
        return absolute_url(self.request, self.router.get_object_detail_urlpath(model, pk))


class RequestLinksRouter(WagtailAPIRouter):
    """Wagtail's router, handing each request's views a RequestBoundRouter: every `detail_url`
    (Wagtail builds them all through the router the request carries) follows the request."""

    def wrap_view(self, func):
        @functools.wraps(func)
        def wrapped(request, *args, **kwargs):
            request.wagtailapi_router = RequestBoundRouter(self, request)
            return func(request, *args, **kwargs)

        return wrapped


class CatalogPagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = RequestLinksPageSerializer
    pagination_class = BoundedPagination
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

    def find_object(self, queryset, request):
        """`find/?id=` must be a page id: Wagtail hands it to the database as it comes, where
        `?id=abc` or an empty id was a ValueError (a 500)."""
        if "id" in request.GET:
            lowest, highest = integer_filter_range(queryset.model._meta.get_field("id"))
            try:
                number = int(request.GET["id"])
            except ValueError:
                number = None
            if number is None or not lowest <= number <= highest:
                raise BadRequestError(f"id must be an integer from {lowest} to {highest}")
        return super().find_object(queryset, request)

    @classmethod
    def get_urlpatterns(cls):
        """Wagtail's three routes, the detail view's `<int:pk>` made `<dbid:pk>`."""
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<dbid:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
            path("find/", cls.as_view({"get": "find_view"}), name="find"),
        ]


api_router = RequestLinksRouter("wagtailapi")
api_router.register_endpoint("pages", CatalogPagesAPIViewSet)
