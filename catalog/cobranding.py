"""The co-branding consent workflow: requests made when a credential is published, and the
decisions of the co-branding partner's managers and of staff.

Who may decide is checked here, so the admin views and any other caller share one rule:
a manager of the named partner, or staff holding *Can decide and override any partner's
co-branding consent* (superusers hold everything). Editors, and other partners' managers,
may not. Staff may also show a brand the partner has not approved, with a note saying why.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partners.access import roles_held
from partners.models import PartnerGroup, PartnerPage, PartnerRole

from .models import CoBrandingConsent, ConsentStatus

# action → (statuses it may follow, status it leads to)
DECISIONS = {
    "approve": (
        {ConsentStatus.REQUESTED, ConsentStatus.DECLINED, ConsentStatus.WITHDRAWN},
        ConsentStatus.APPROVED,
    ),
    "decline": ({ConsentStatus.REQUESTED}, ConsentStatus.DECLINED),
    "withdraw": ({ConsentStatus.APPROVED}, ConsentStatus.WITHDRAWN),
}


def is_cobranding_staff(user):
    return user.is_active and user.has_perm("catalog.decide_any_cobranding")


def can_decide(user, partner):
    """Whether `user` may approve, decline or withdraw `partner`'s consent."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_cobranding_staff(user) or PartnerRole.MANAGER in roles_held(user, partner)


def decidable_partners(user):
    """The partners whose co-branding requests `user` sees and decides."""
    if is_cobranding_staff(user):
        return PartnerPage.objects.all()
    if not user.is_authenticated or not user.is_active:
        return PartnerPage.objects.none()
    return PartnerPage.objects.filter(
        access_groups__role=PartnerRole.MANAGER, access_groups__group__user=user
    ).distinct()


def consents_for(user):
    return (
        CoBrandingConsent.objects.filter(partner__in=decidable_partners(user))
        .select_related("credential", "credential__provider", "partner", "decided_by", "overridden_by")
        .order_by("partner__title", "credential__title")
    )


def request_consents(credential):
    """Ask each co-branding partner of the live `credential` that has not been asked yet.

    The partner the credential lives under is its owner, not a co-brand, and is never asked.
    Earlier decisions stand: a partner that declined is not asked again by a republish.
    Returns the new requests; their partners' managers are emailed."""
    partner_ids = set(credential.partner_links.values_list("partner_id", flat=True)) - {
        credential.provider_id
    }
    asked = set(
        CoBrandingConsent.objects.filter(credential=credential, partner_id__in=partner_ids).values_list(
            "partner_id", flat=True
        )
    )
    created = [
        CoBrandingConsent.objects.create(credential=credential, partner_id=partner_id)
        for partner_id in sorted(partner_ids - asked)
    ]
    for consent in created:
        transaction.on_commit(lambda consent=consent: email_managers(consent))
    return created


def email_managers(consent):
    """Tell the partner's managers a credential names them as co-brand."""
    group = PartnerGroup.objects.filter(partner=consent.partner_id, role=PartnerRole.MANAGER).first()
    if group is None:
        return
    recipients = sorted(group.group.user_set.filter(is_active=True).values_list("email", flat=True))
    if not recipients:
        return
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    send_mail(
        f"{consent.credential.title} would show {consent.partner.title} as co-brand",
        f"{consent.credential.title} lists {consent.partner.title} as a co-branding partner. "
        "Your name and logo appear on it only once you approve.\n\n"
        f"Approve or decline: {base}{reverse('cobranding:index')}\n",
        None,
        recipients,
    )


@transaction.atomic
def decide(user, consent, action):
    """Approve, decline or withdraw. The partner's decision replaces any staff override, so a
    withdrawal always takes the brand off the page (staff may override again, with a note)."""
    if not can_decide(user, consent.partner):
        raise PermissionDenied("Only this partner's managers or staff may decide.")
    if action not in DECISIONS:
        raise ValidationError(f"Unknown decision {action!r}.")
    allowed_from, status = DECISIONS[action]
    consent = CoBrandingConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.status not in allowed_from:
        raise ValidationError(
            f"A consent that is {consent.get_status_display().lower()} cannot be {action}d."
        )
    consent.status = status
    consent.decided_by = user
    consent.decided_at = timezone.now()
    consent.staff_override = False
    consent.save()
    return consent


@transaction.atomic
def override(user, consent, note, show=True):
    """Staff show (or stop showing) a brand whatever the partner decided, saying why."""
    if not is_cobranding_staff(user):
        raise PermissionDenied("Only staff may override a partner's decision.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say why you are overriding the partner's decision.")
    consent = CoBrandingConsent.objects.select_for_update().get(pk=consent.pk)
    consent.staff_override = show
    consent.override_note = note
    consent.overridden_by = user
    consent.overridden_at = timezone.now()
    consent.save()
    return consent
