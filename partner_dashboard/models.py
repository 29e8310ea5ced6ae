"""Revenue agreements and statement payments.

An agreement is what a partner is owed of each sale of the credentials it offers: a percentage,
with optional per-credential overrides, from a date until the partner's next agreement begins.
A new agreement takes over from its date; it never changes what an earlier one said, so the
figures of a month already over never move (partner_dashboard/agreements.py holds the rule and
the form refuses anything else). A statement is computed from the orders whenever it is asked
for (partner_dashboard/figures.py); what is stored is the payment: when staff paid the partner
for a month, how much, and the month's figures as they were then.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def basis_points(percent):
    """62.5% → 6250: shares are computed in integers, so both databases round the same way."""
    return int(Decimal(percent) * 100)


class RevenueAgreement(ClusterableModel):
    partner = models.ForeignKey(
        "partners.PartnerPage", on_delete=models.PROTECT, related_name="revenue_agreements"
    )
    effective_from = models.DateField(
        help_text="Sales paid on or after this day are shared at these rates, until the partner's "
        "next agreement begins. It may not be before the first day of the current month: months "
        "already over keep the figures they had."
    )
    share_percent = models.DecimalField(
        "partner's share (%)",
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
        help_text="The partner's share of each sale of its credentials (enrolment and credit "
        "conversion fees), in percent, e.g. 60 or 62.5.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="For example the contract's reference.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["partner__title", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "effective_from"], name="one_agreement_per_partner_and_day"
            )
        ]
        verbose_name = "revenue agreement"

    def __str__(self):
        return (
            f"{self.partner.title}: {self.share_percent.normalize():f}% from {self.effective_from:%-d %b %Y}"
        )

    @property
    def basis_points(self):
        return basis_points(self.share_percent)


class AgreementOverride(Orderable):
    """A different share for one of the partner's credentials, for as long as its agreement lasts."""

    agreement = ParentalKey(RevenueAgreement, on_delete=models.CASCADE, related_name="overrides")
    microcredential = models.ForeignKey(
        "catalog.MicrocredentialPage",
        on_delete=models.PROTECT,
        # One-way: a credential's page has no use for the agreements that name it.
        related_name="+",
    )
    share_percent = models.DecimalField(
        "partner's share (%)", max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "microcredential"], name="one_override_per_agreement_and_credential"
            )
        ]

    def __str__(self):
        return f"{self.microcredential}: {self.share_percent.normalize():f}%"

    @property
    def basis_points(self):
        return basis_points(self.share_percent)


class StatementPayment(models.Model):
    """Staff paid the partner its share for a month. The month's figures are kept as they were
    when it was paid, so the statement can show that what was paid is what it says."""

    partner = models.ForeignKey(
        "partners.PartnerPage", on_delete=models.PROTECT, related_name="statement_payments"
    )
    month = models.DateField(help_text="The first day of the month paid for.")
    gross = models.DecimalField(max_digits=14, decimal_places=2)
    refunds = models.DecimalField(max_digits=14, decimal_places=2)
    net = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField("partner share paid", max_digits=14, decimal_places=2)
    reference = models.CharField(
        max_length=200, blank=True, help_text="For example the bank transfer's reference."
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="one_payment_per_partner_and_month")
        ]
        permissions = [
            ("view_any_partner_dashboard", "Can view every partner's dashboard and statements"),
            ("mark_statement_paid", "Can mark partner statements as paid"),
        ]

    def __str__(self):
        return f"{self.partner.title}, {self.month:%B %Y}: paid {self.amount}"


class CredentialMonth(models.Model):
    """One credential's sales and refunds in a month that is over, in cents: the dashboard and
    the statements list read these instead of adding up every order line again
    (partner_dashboard/rollups.py says when they are written and when they are forgotten)."""

    credential = models.ForeignKey(
        "catalog.MicrocredentialPage",
        on_delete=models.CASCADE,
        # One-way: nothing on the page needs its monthly totals.
        related_name="+",
    )
    month = models.DateField()
    enrolments = models.PositiveIntegerField(
        default=0, help_text="Enrolment lines sold, and free enrolments."
    )
    credit_conversions = models.PositiveIntegerField(default=0)
    gross_cents = models.BigIntegerField(default=0)
    refunded_lines = models.PositiveIntegerField(default=0)
    refund_cents = models.BigIntegerField(default=0)
    share_cents = models.BigIntegerField(
        default=0, help_text="The partner's share of the sales less the refunds."
    )
    computed_at = models.DateTimeField(default=timezone.now)

    # Figures, not content: no "Usage" entry and no reference-index task per row.
    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["credential", "month"], name="one_total_per_credential_month")
        ]

    def __str__(self):
        return f"{self.credential_id} in {self.month:%Y-%m}"
