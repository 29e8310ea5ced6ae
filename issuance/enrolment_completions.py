"""An enrolment's completions, read with the enrolment: the newest, and the current one.

An enrolment can have several completions over time (completed, refunded, bought again,
completed again), at most one of them unrevoked. Listings load them with
`with_completions(queryset)` (one extra query for the whole page) and read them with these
functions, instead of a query per row.
"""

from django.db.models import Prefetch

from .models import Completion

LOADED = "loaded_completions"


def with_completions(enrolments, *related):
    """The enrolments with their completions, newest first (and `related` of each, e.g.
    "reported_by"), for latest_completion() and current_completion()."""
    completions = Completion.objects.newest_first()
    if related:
        completions = completions.select_related(*related)
    return enrolments.prefetch_related(Prefetch("completions", queryset=completions, to_attr=LOADED))


def _completions(enrolment):
    if enrolment is None:
        return []
    loaded = getattr(enrolment, LOADED, None)
    if loaded is None:
        loaded = list(enrolment.completions.newest_first())
    return loaded


def latest_completion(enrolment):
    """The newest completion, revoked or not (what the enrolment's history ends with), or None."""
    completions = _completions(enrolment)
    return completions[0] if completions else None


def current_completion(enrolment):
    """The unrevoked completion, or None (never completed, or its completion was revoked)."""
    latest = latest_completion(enrolment)
    return None if latest is None or latest.is_revoked else latest
