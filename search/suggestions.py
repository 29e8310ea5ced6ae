"""Help for searches that find nothing: a corrected query and popular skills to try."""

import difflib
import re

from django.core.cache import cache
from django.db.models import Count

from catalog.models import Competency, MicrocredentialPage

WORD = re.compile(r"[a-z][a-z\-]{2,}")
VOCABULARY_CACHE_KEY = "search:vocabulary"


def vocabulary():
    """Words from competency statements and credential titles, cached for five minutes."""
    words = cache.get(VOCABULARY_CACHE_KEY)
    if words is None:
        texts = list(Competency.objects.values_list("full_statement", flat=True)[:5000])
        texts += list(MicrocredentialPage.objects.live().values_list("title", flat=True)[:5000])
        words = sorted({word for text in texts for word in WORD.findall(text.lower())})
        cache.set(VOCABULARY_CACHE_KEY, words, 300)
    return words


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


def popular_competencies(limit=6):
    """The competencies certified by the most live credentials."""
    return list(
        Competency.objects.filter(credential_links__page__live=True)
        .annotate(credentials=Count("credential_links__page", distinct=True))
        .order_by("-credentials", "full_statement")[:limit]
    )
