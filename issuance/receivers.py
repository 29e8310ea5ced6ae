"""issuance's answers to what the apps below it announce."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from checkout.models import EnrolmentStatus
from checkout.signals import enrolment_revoked

from .services import release_held_deliveries, revoke_completion_of


@receiver(enrolment_revoked)
def revoke_refunded_completion(sender, enrolment, previous_status, **kwargs):
    if previous_status == EnrolmentStatus.COMPLETED:
        revoke_completion_of(enrolment)


@receiver(post_save, sender=get_user_model())
def release_on_email_confirmed(sender, instance, update_fields=None, **kwargs):
    if instance.email_verified_at and (update_fields is None or "email_verified_at" in update_fields):
        release_held_deliveries(instance)
