"""Running a learner search the way the search page does, and reading its outcome."""

from django.http import QueryDict

from search.catalog_search import CatalogSearch
from search.forms import parse_search_params


def run(query=""):
    return CatalogSearch(parse_search_params(QueryDict(query))).run()


def counts(outcome, facet_name):
    facet = next(f for f in outcome.facets if f.name == facet_name)
    return {value.label: value.count for value in facet.values}


def titles(outcome):
    return [page.title for page in outcome.page.object_list]
