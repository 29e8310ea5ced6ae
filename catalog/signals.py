"""Keep MicrocredentialPage.provider in step with the page tree when editors move pages.

Wagtail's move action saves the moved page as a plain Page, so MicrocredentialPage.save()
does not run; its post_page_move signal names the new parent instead.
"""

from django.dispatch import receiver
from wagtail.signals import post_page_move


@receiver(post_page_move)
def update_provider_after_move(sender, instance, parent_page_after, **kwargs):
    from partners.models import PartnerPage

    from .models import MicrocredentialPage

    if issubclass(sender, MicrocredentialPage):
        is_partner = PartnerPage.objects.filter(pk=parent_page_after.pk).exists()
        MicrocredentialPage.objects.filter(pk=instance.pk).update(
            provider_id=parent_page_after.pk if is_partner else None
        )
