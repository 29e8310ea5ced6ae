"""An enrolment's completions, read with the enrolment: the current one, and the newest.

An enrolment can have several completions over time (completed, refunded, bought again,
completed again), at most one of them unrevoked (a database constraint). Pages that need only the
current one join it into the enrolments' own query (`with_current_completion`, no extra query);
listings that also show a revoked one prefetch them all (`with_completions`, one query for the
page). Either way, read them with current_completion() and latest_completion().
"""

from django.db.models import F, FilteredRelation, Prefetch, Q

from .models import Completion

CURRENT = "current_completion_row"
CURRENT_ID = "current_completion_row_id"  # set on every joined enrolment, None when there is none
LOADED = "loaded_completions"


def with_current_completion(enrolments):
    """The enrolments with their current completion joined in (a LEFT JOIN: at most one row
    matches, so no enrolment is repeated)."""
    current = FilteredRelation("completions", condition=Q(completions__revoked_at__isnull=True))
    return (
        enrolments.annotate(**{CURRENT: current})
        .annotate(**{CURRENT_ID: F(f"{CURRENT}__id")})
        .select_related(CURRENT)
    )


def with_completions(enrolments, *related):
    """The enrolments with all their completions, newest first (and `related` of each, e.g.
    "reported_by")."""
    completions = Completion.objects.newest_first()
    if related:
        completions = completions.select_related(*related)
    return enrolments.prefetch_related(Prefetch("completions", queryset=completions, to_attr=LOADED))


def _completions(enrolment):
    loaded = getattr(enrolment, LOADED, None)
    if loaded is None:
        loaded = list(enrolment.completions.newest_first())
    return loaded


def current_completion(enrolment):
    """The unrevoked completion, or None (never completed, or its completion was revoked)."""
    if enrolment is None:
        return None
    if CURRENT_ID in enrolment.__dict__:  # joined by with_current_completion()
        return enrolment.__dict__.get(CURRENT) if enrolment.__dict__[CURRENT_ID] is not None else None
    latest = latest_completion(enrolment)
    return None if latest is None or latest.is_revoked else latest


def latest_completion(enrolment):
    """The newest completion, revoked or not (what the enrolment's history ends with), or None."""
    if enrolment is None:
        return None
    completions = _completions(enrolment)
    return completions[0] if completions else None
