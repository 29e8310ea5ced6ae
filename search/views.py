"""Site search (a first version: full-text over live pages; facets come with the search issue)."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("query", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.live().specific().search(query) if query else Page.objects.none()
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return TemplateResponse(request, "search/search.html", {"search_query": query, "search_results": page})
