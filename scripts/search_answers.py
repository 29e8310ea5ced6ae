"""Dump the full answers of the search verification set, to compare two versions of the code.

For each search: every result id in display order and every facet value (value, label, count,
selected, group), computed three ways that must agree (else it stops): cold (catalog version
bumped, caches cleared), uncached, and with the text's match already cached by another search.
Run it from the repository root of each version on the same database, then compare the files:

    DATABASE_URL=postgres://…/mc_bench .venv/bin/python scripts/search_answers.py /tmp/before.json
    (switch code)
    DATABASE_URL=postgres://…/mc_bench .venv/bin/python scripts/search_answers.py /tmp/after.json
    cmp /tmp/before.json /tmp/after.json
"""

import json
import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.http import QueryDict  # noqa: E402

from catalog.models import Competency, MicrocredentialCompetency, MicrocredentialPartner  # noqa: E402
from partners.models import PartnerPage  # noqa: E402
from search.catalog_search import CatalogSearch  # noqa: E402
from search.forms import parse_search_params  # noqa: E402
from search.sql.catalog_cache import AnswerCache, bump_catalog_version  # noqa: E402


def queries():
    competency = Competency.objects.order_by("pk").values_list("pk", flat=True).first()
    partner = PartnerPage.objects.live().order_by("pk").values_list("pk", flat=True).first()
    cobrand = MicrocredentialPartner.objects.order_by("pk").values_list("partner_id", flat=True).first()
    linked = MicrocredentialCompetency.objects.order_by("pk").values_list("competency_id", flat=True).first()
    return [
        "q=data",
        "q=data&level=2&credit=yes",
        "q=data&sort=price",
        "q=data&sort=newest&level=2",
        "q=data&sort=-price&credit=yes&price=upto50",
        "q=data&sort=hours&format=online_self_paced",
        "format=online_self_paced&price=upto50",
        "level=1&level=3&hours=10to39",
        f"partner={partner}&level=2",
        f"partner={cobrand}&credit=no",
        f"competency={linked}&level=2",
        f"q=data&competency={linked}&competency={competency}",
        f"q=data&partner={partner}&partner={cobrand}",
        "q=DA.1",
        "q=data+analysis",
        "q=course",
        "q=zzqxnomatch",
        "q=data&level=2&credit=yes&hours=40to99&price=free",
        "q=project+management&level=2",
        "q=safety&credit=yes",
        "",
        "q=data&level=2&credit=yes&page=3",
    ]


def answer(search):
    result = search.answer()
    return {
        "ids": result["ids"],
        "facets": [
            [f.name, f.label, [[v.value, v.label, v.count, v.selected, v.group] for v in f.values]]
            for f in result["facets"]
        ],
    }


def main(path):
    answers = {}
    for query in queries():
        params = parse_search_params(QueryDict(query))
        bump_catalog_version()
        cache.clear()
        cold = answer(CatalogSearch(params, cache=AnswerCache()))
        uncached = answer(CatalogSearch(params, cache=AnswerCache(enabled=False)))
        bump_catalog_version()
        cache.clear()
        if params.text:  # the text's match cached by a search without filters
            CatalogSearch(parse_search_params(QueryDict("q=" + params.text)), cache=AnswerCache()).answer()
        match_cached = answer(CatalogSearch(params, cache=AnswerCache()))
        assert cold == uncached == match_cached, query
        answers[query] = cold
        print(f"{query or '(no filters)'}: {len(cold['ids'])}", file=sys.stderr)
    with open(path, "w") as out:
        json.dump(answers, out)


if __name__ == "__main__":
    main(sys.argv[1])
