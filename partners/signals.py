"""A partner's access follows its page: made when the page is created, names brought in step
when it is published (a renamed partner keeps its groups), removed with the page."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from .access import ensure_partner_access
from .models import PartnerPage


@receiver(post_save, sender=PartnerPage)
def give_new_partner_its_access(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_partner_access(instance)


@receiver(page_published, sender=PartnerPage)
def keep_partner_access_in_step(sender, instance, **kwargs):
    ensure_partner_access(instance)


@receiver(pre_delete, sender=PartnerPage)
def remove_deleted_partners_groups(sender, instance, **kwargs):
    """The partner's users lose its collection's permissions with its groups; the collection
    and its media stay for staff to move or delete."""
    Group.objects.filter(partner_role__partner=instance).delete()
