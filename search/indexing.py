"""Re-indexing the credentials whose search documents copy text from other objects.

A credential's search document includes its competencies' statements and codes, its provider's
name and the names of the co-brands that consented (MicrocredentialPage.search_fields). Wagtail
re-indexes only the object that was saved, so when a competency, a partner or a co-branding
consent changes, the credentials that copy its text are re-indexed here (search/signals.py): in
the background (search/tasks.py), once the change is committed.
"""

from django.db import transaction
from django.db.models import Q

from catalog.models import MicrocredentialPage

from .tasks import reindex_credentials_task


def enqueue_reindex(page_ids):
    """Once committed, re-index these credentials in the background."""
    page_ids = list(page_ids)
    if page_ids:
        transaction.on_commit(lambda: reindex_credentials_task.enqueue([int(pk) for pk in page_ids]))


def reindex_credentials_certifying(competency_ids):
    """Once committed, re-index the credentials linked to these competencies."""
    enqueue_reindex(
        MicrocredentialPage.objects.filter(competency_links__competency__in=competency_ids)
        .values_list("pk", flat=True)
        .distinct()
    )


def reindex_credentials_of_partner(partner):
    """Once committed, re-index the credentials this partner provides or co-brands."""
    enqueue_reindex(
        MicrocredentialPage.objects.filter(Q(partner_links__partner=partner) | Q(provider=partner))
        .values_list("pk", flat=True)
        .distinct()
    )
