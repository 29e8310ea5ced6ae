"""Help for searches that find nothing: a corrected query and popular skills to try. Only the
credentials a learner may see (live and public) count, so neither names a private one."""

import difflib
import re
from dataclasses import dataclass, replace

from django.db.models import Count, Exists, OuterRef

from catalog.models import Competency, MicrocredentialCompetency, MicrocredentialPage

from .catalog_search import search_catalog
from .sql.catalog_cache import AnswerCache
from .sql.lookups import hidden_pages, restricted_sections, visible_pages

WORD = re.compile(r"[a-z][a-z\-]{2,}")


def vocabulary():
    """Words from competency statements and visible credential titles, cached until the catalog
    changes (a title made private must stop being suggested at once)."""
    return AnswerCache().get_or_compute("vocabulary", [], _read_vocabulary)


def _read_vocabulary():
    texts = list(Competency.objects.values_list("full_statement", flat=True)[:5000])
    titles = visible_pages(MicrocredentialPage, restricted_sections()).values_list("title", flat=True)
    texts += list(titles[:5000])
    return sorted({word for text in texts for word in WORD.findall(text.lower())})


def did_you_mean(text):
    """The query with each unknown word replaced by its closest known word, or None."""
    words = vocabulary()
    known = set(words)
    corrected, changed = [], False
    for word in text.lower().split()[:10]:
        if word in known or not WORD.fullmatch(word):
            corrected.append(word)
            continue
        match = difflib.get_close_matches(word, words, n=1, cutoff=0.75)
        if match:
            corrected.append(match[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


@dataclass
class CorrectedSearch:
    params: object  # the search's parameters with the corrected text
    outcome: object


def corrected_search(params):
    """The search with its misspelt words corrected ("projct managment" → "project management"),
    when that finds some credentials; None otherwise (a correction that finds nothing either is
    no help, so none is offered)."""
    text = did_you_mean(params.text)
    if not text:
        return None
    corrected = replace(params, text=text, page=1)
    outcome = search_catalog(corrected)
    return CorrectedSearch(params=corrected, outcome=outcome) if outcome.total else None


def popular_competencies(limit=6):
    """The competencies certified by the most visible credentials."""
    visible_links = MicrocredentialCompetency.objects.exclude(page_id__in=hidden_pages())
    return list(
        # The annotation counts the links the filter kept (Django reuses the filter's join).
        Competency.objects.filter(credential_links__in=visible_links)
        .annotate(credentials=Count("credential_links__page", distinct=True))
        .order_by("-credentials", "full_statement")[:limit]
    )


def certified_competencies():
    """The competencies some live, public credential certifies: any other one, suggested or
    offered, would lead to a search that finds nothing."""
    certifying = MicrocredentialCompetency.objects.filter(competency=OuterRef("pk")).exclude(
        page_id__in=hidden_pages()
    )
    return Competency.objects.filter(Exists(certifying))
