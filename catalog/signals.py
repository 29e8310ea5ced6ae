"""The catalog's signals: those it sends for writes that send no model signals, and its own
receiver that keeps MicrocredentialPage.provider in step with the page tree.

Bulk writes (`bulk_create`, `bulk_update`, `QuerySet.update`, raw inserts) send no `post_save`,
so whatever is derived from the catalog elsewhere would not hear of them: the search app keeps
credentials' search documents, which copy their competencies' statements, and caches search
answers until the catalog changes. Code that writes the catalog in bulk (the CASE importer, the
demo builder) sends one of the signals below instead, once, after its writes. The catalog does
not know who listens: it never imports the apps that depend on it.
"""

from django.dispatch import Signal, receiver
from wagtail.signals import page_published, post_page_move

# The statements or codes of these competencies were changed in bulk; anything that copies
# them is stale. Sent with `competency_ids`, their primary keys (possibly none).
competencies_changed = Signal()

# Catalog rows (credentials, their links, competencies, frameworks) were written in bulk;
# anything derived from the catalog is stale. The sender is the model written.
catalog_changed = Signal()


@receiver(post_page_move)
def update_provider_after_move(sender, instance, parent_page_after, **kwargs):
    """Wagtail's move action saves the moved page as a plain Page, so
    MicrocredentialPage.save() does not run; post_page_move names the new parent instead."""
    from partners.models import PartnerPage

    from .models import MicrocredentialPage

    if issubclass(sender, MicrocredentialPage):
        is_partner = PartnerPage.objects.filter(pk=parent_page_after.pk).exists()
        MicrocredentialPage.objects.filter(pk=instance.pk).update(
            provider_id=parent_page_after.pk if is_partner else None
        )


@receiver(page_published)
def request_cobranding_consent(sender, instance, **kwargs):
    """Publishing writes the credential's co-branding rows; each newly named partner is asked
    for consent (catalog/cobranding.py) and shown only once it agrees."""
    from .cobranding import request_consents
    from .models import MicrocredentialPage

    if issubclass(sender, MicrocredentialPage):
        request_consents(instance)
