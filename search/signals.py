"""Keep search fresh: re-index credentials when what they mention changes, and make cached
search answers stale whenever the catalog or the search index changes.

Receivers only; they are connected when SearchConfig.ready() imports this module. Besides
Django's and Wagtail's signals they hear catalog/signals.py's, which the catalog sends for its
bulk writes (those send no model signals).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import (
    CoBrandingConsent,
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPartner,
    PathwayStep,
)
from catalog.signals import catalog_changed, competencies_changed
from partners.models import PartnerPage

from .indexing import enqueue_reindex, reindex_credentials_certifying, reindex_credentials_of_partner
from .sql.catalog_cache import bump_catalog_version

try:  # Django 6 has tasks built in; django_tasks sends the same signal before that.
    from django.tasks.signals import task_finished
except ImportError:
    from django_tasks.signals import task_finished


# Re-indexing ------------------------------------------------------------------------------


@receiver(post_save, sender=Competency)
def reindex_after_competency_change(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_credentials_certifying([instance.pk])


@receiver(competencies_changed)
def reindex_after_bulk_competency_change(sender, competency_ids, **kwargs):
    reindex_credentials_certifying(competency_ids)


@receiver(post_save, sender=PartnerPage)
def reindex_after_partner_change(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_credentials_of_partner(instance)


@receiver(post_save, sender=CoBrandingConsent)
@receiver(post_delete, sender=CoBrandingConsent)
def reindex_after_consent_decision(sender, instance, raw=False, **kwargs):
    """A credential's search document holds the names of the co-brands that consented
    (`MicrocredentialPage.consenting_cobrand_names`): approving, declining, withdrawing or a
    staff override changes which, with no publish to re-index it."""
    if not raw:
        enqueue_reindex([instance.credential_id])


# Cached search answers -------------------------------------------------------------------

# Models whose rows feed search answers: matches, facet counts and labels, skills rankings
# and pathway suggestions. Every page type counts too (a credential is unpublished or moved
# through a plain Page instance), and so do view restrictions: adding or lifting one makes pages
# private or public again (the admin's Privacy setting saves or deletes it).
CATALOG_MODELS = (
    CoBrandingConsent,  # a partner's consent puts it in (or out of) the partner facet
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPartner,
    PathwayStep,
    PageViewRestriction,
)
# Background tasks that write the search index.
INDEX_TASK_MODULES = ("modelsearch.", "wagtail.search.", "search.tasks.")


def _feeds_search(sender):
    return issubclass(sender, CATALOG_MODELS) or issubclass(sender, Page)


@receiver(post_save)
def catalog_saved(sender, raw=False, **kwargs):
    # Saving a draft revision counts too: it is rare, and the page's re-index task that
    # follows it bumps the version anyway.
    if not raw and _feeds_search(sender):
        bump_catalog_version()


@receiver(post_delete)
def catalog_deleted(sender, **kwargs):
    if _feeds_search(sender):
        bump_catalog_version()


@receiver(catalog_changed)
def catalog_changed_in_bulk(sender, **kwargs):
    bump_catalog_version()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_state_changed(sender, **kwargs):
    bump_catalog_version()


@receiver(task_finished)
def search_index_updated(sender, task_result, **kwargs):
    if task_result.task.module_path.startswith(INDEX_TASK_MODULES):
        bump_catalog_version()
