"""Co-branding consent: a partner's name and logo appear on another institution's credential
only once that partner's managers have agreed (or staff have overridden, with a note).

The consent belongs to the live credential page and the partner, not to the inline
`MicrocredentialPartner` row: Wagtail rewrites inline rows on every publish, and a decision
must outlive that. Rendering asks for consent at request time (`with_consent`), so approving,
declining or withdrawing changes the public page at its next view, without a new publish.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from .microcredentials import MicrocredentialPage


class ConsentStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# What puts a brand on a page: the partner's approval, or staff's recorded override.
SHOWN = Q(status=ConsentStatus.APPROVED) | Q(staff_override=True)


class CoBrandingConsentQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(SHOWN)


class CoBrandingConsent(models.Model):
    credential = models.ForeignKey(
        MicrocredentialPage, on_delete=models.CASCADE, related_name="cobranding_consents"
    )
    partner = models.ForeignKey(
        "partners.PartnerPage", on_delete=models.CASCADE, related_name="cobranding_consents"
    )
    status = models.CharField(max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.REQUESTED)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_override = models.BooleanField(
        default=False, help_text="Shown on the page whatever the partner decided, by a staff decision."
    )
    override_note = models.TextField(blank=True, help_text="Why staff showed (or stopped showing) the brand.")
    overridden_at = models.DateTimeField(null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CoBrandingConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "co-branding consent"
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "partner"], name="one_consent_per_credential_partner"
            )
        ]
        permissions = [
            ("decide_any_cobranding", "Can decide and override any partner's co-branding consent"),
        ]

    def __str__(self):
        return f"{self.partner.title} on {self.credential.title}: {self.get_status_display()}"

    @property
    def is_shown(self):
        return self.status == ConsentStatus.APPROVED or self.staff_override


def with_consent(links):
    """`MicrocredentialPartner` rows (a queryset, or modelcluster's in-memory rows of a
    preview) cut to the partners that consented to appear on their credential.

    On a queryset this is one subquery, whatever the number of co-brands."""
    if isinstance(links, models.QuerySet):
        shown = CoBrandingConsent.objects.shown().filter(
            credential_id=OuterRef("page_id"), partner_id=OuterRef("partner_id")
        )
        return links.filter(Exists(shown))
    links = list(links)
    page_ids = {link.page_id for link in links if link.page_id is not None}
    shown = set(
        CoBrandingConsent.objects.shown()
        .filter(credential_id__in=page_ids)
        .values_list("credential_id", "partner_id")
    )
    return [link for link in links if (link.page_id, link.partner_id) in shown]
