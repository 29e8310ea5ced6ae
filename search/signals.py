"""Keep search fresh: re-index credentials when what they mention changes, and make cached
search answers stale whenever the catalog or the search index changes."""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import (
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPage,
    MicrocredentialPartner,
    PathwayStep,
)
from partners.models import PartnerPage

from .sql.catalog_cache import bump_catalog_version
from .tasks import reindex_credentials_task

try:  # Django 6 has tasks built in; django_tasks sends the same signal before that.
    from django.tasks.signals import task_finished
except ImportError:
    from django_tasks.signals import task_finished


def _enqueue(page_ids):
    page_ids = list(page_ids)
    if page_ids:
        transaction.on_commit(lambda: reindex_credentials_task.enqueue([int(pk) for pk in page_ids]))


def reindex_credentials_certifying(competency_ids):
    """Once committed, re-index the credentials linked to these competencies (their search
    documents hold the competencies' codes and statements). For writes that send no signals,
    such as the CASE importer's bulk updates."""
    _enqueue(
        MicrocredentialPage.objects.filter(competency_links__competency__in=competency_ids)
        .values_list("pk", flat=True)
        .distinct()
    )


@receiver(post_save, sender=Competency)
def reindex_after_competency_change(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_credentials_certifying([instance.pk])


@receiver(post_save, sender=PartnerPage)
def reindex_after_partner_change(sender, instance, raw=False, **kwargs):
    if not raw:
        _enqueue(
            MicrocredentialPage.objects.filter(Q(partner_links__partner=instance) | Q(provider=instance))
            .values_list("pk", flat=True)
            .distinct()
        )


# Cached search answers -------------------------------------------------------------------

# Models whose rows feed search answers: matches, facet counts and labels, skills rankings
# and pathway suggestions. Every page type counts too (a credential is unpublished or moved
# through a plain Page instance).
CATALOG_MODELS = (
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPartner,
    PathwayStep,
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


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_state_changed(sender, **kwargs):
    bump_catalog_version()


@receiver(task_finished)
def search_index_updated(sender, task_result, **kwargs):
    if task_result.task.module_path.startswith(INDEX_TASK_MODULES):
        bump_catalog_version()
