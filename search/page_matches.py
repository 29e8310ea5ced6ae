"""Pathways and partners whose pages match a learner's search, shown above the credentials.

The search box promises "credentials, skills and partners"; a learner typing "mastery" or a
university's name expects that page too. Only live, public pages are found (`visible_pages`,
the rule of every listing), with the same text matching as credentials: the search backend's
(SQLite's through search/sql/sqlite_ranking.py, which stems as PostgreSQL does), so a word finds
the same pages on every backend. A title match comes before a match in the description.
"""

from dataclasses import dataclass, field

from catalog.models import PathwayPage
from partners.models import PartnerPage

from .sql import sqlite_ranking
from .sql.catalog_cache import AnswerCache
from .sql.library_internals import uses_database_backend
from .sql.lookups import restricted_sections, visible_pages

LIMIT = 3  # of each: a short section, the credentials stay the main results


@dataclass
class PageMatches:
    pathways: list = field(default_factory=list)
    partners: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.pathways or self.partners)


def match_pathways_and_partners(terms):
    """Up to LIMIT live, public pathways and partners matching every word of `terms`."""
    if not terms:
        return PageMatches()
    cache = AnswerCache(enabled=uses_database_backend())
    ids = cache.get_or_compute("pages", [terms], lambda: _matching_ids(terms))
    return PageMatches(
        pathways=_in_order(PathwayPage.objects.all(), ids["pathways"]),
        partners=_in_order(PartnerPage.objects.all(), ids["partners"]),
    )


def _matching_ids(terms):
    sections = restricted_sections()
    return {
        "pathways": _ranked(PathwayPage, terms, sections),
        "partners": _ranked(PartnerPage, terms, sections),
    }


def _ranked(model, terms, sections):
    visible = visible_pages(model, sections)
    if sqlite_ranking.is_sqlite() and uses_database_backend():
        ranked = sqlite_ranking.ranked_ids(model, terms, limit=50)
        passing = set(visible.filter(pk__in=ranked).values_list("pk", flat=True))
        ranked = [pk for pk in ranked if pk in passing]
    else:
        ranked = [page.pk for page in backend_matches(model, terms, sections)[:50]]
    words = [word.lower() for word in terms.split()]
    titles = dict(model.objects.filter(pk__in=ranked).values_list("pk", "title"))
    position = {pk: index for index, pk in enumerate(ranked)}
    by_title = sorted(
        ranked, key=lambda pk: (not all(w in titles.get(pk, "").lower() for w in words), position[pk])
    )
    return by_title[:LIMIT]


def backend_matches(model, terms, sections):
    """The search backend's matches (lazy): PostgreSQL's, or Elasticsearch's, which filters out
    pages that are not live or sit in a restricted section itself (`visible_pages`)."""
    return visible_pages(model, sections).search(terms, operator="and")


def _in_order(queryset, ids):
    if not ids:
        return []
    objects = queryset.in_bulk(ids)
    return [objects[pk] for pk in ids if pk in objects]
