"""Keep credentials' search documents fresh when a competency or partner they mention changes."""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from catalog.models import Competency, MicrocredentialPage
from partners.models import PartnerPage

from .tasks import reindex_credentials_task


def _enqueue(page_ids):
    page_ids = list(page_ids)
    if page_ids:
        transaction.on_commit(lambda: reindex_credentials_task.enqueue([int(pk) for pk in page_ids]))


@receiver(post_save, sender=Competency)
def reindex_after_competency_change(sender, instance, raw=False, **kwargs):
    if not raw:
        _enqueue(
            MicrocredentialPage.objects.filter(competency_links__competency=instance)
            .values_list("pk", flat=True)
            .distinct()
        )


@receiver(post_save, sender=PartnerPage)
def reindex_after_partner_change(sender, instance, raw=False, **kwargs):
    if not raw:
        _enqueue(
            MicrocredentialPage.objects.filter(Q(partner_links__partner=instance) | Q(provider=instance))
            .values_list("pk", flat=True)
            .distinct()
        )
