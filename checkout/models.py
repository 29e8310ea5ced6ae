"""Orders, their lines and the enrolments they pay for.

Prices are copied onto order lines when the order is created, so a later price change never
alters an order; amounts are Decimal dollars here and integer cents only at the payment
boundary (checkout/money.py). Order status changes go through Order.transition_to(), which
enforces the allowed transitions; it, Order.flag_for_review() and Order.add_note() each add a row
to the order's history (OrderEvent), which is only ever appended to.
"""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"


ALLOWED_TRANSITIONS = {
    OrderStatus.PENDING: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED},
    OrderStatus.PARTIALLY_REFUNDED: {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED},
    OrderStatus.CANCELLED: set(),
    OrderStatus.REFUNDED: set(),
}


class InvalidTransition(Exception):
    pass


class OrderEventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", "Status change"
    REFUND = "refund", "Refund"
    FLAGGED = "flagged", "Flagged for review"
    NOTE = "note", "Staff note"


class LineKind(models.TextChoices):
    ENROLMENT = "enrolment", "Enrolment (non-credit)"
    CREDIT_CONVERSION = "credit_conversion", "Conversion to academic credit"


def new_order_number():
    # Short, unguessable and easy to read out on the phone: MC- plus 10 base-32 characters.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "MC-" + "".join(secrets.choice(alphabet) for _ in range(10))


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3, default="USD", editable=False)
    total = models.DecimalField(max_digits=10, decimal_places=2, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True, editable=False)
    card_brand = models.CharField(max_length=20, blank=True, editable=False)
    card_last4 = models.CharField("card last four digits", max_length=4, blank=True, editable=False)
    needs_review = models.BooleanField(
        default=False,
        help_text="Set when staff must look at the order (e.g. a payment that did not match it); "
        "why is in its history.",
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("refund_order", "Can refund orders")]
        indexes = [
            # The partner dashboard counts the current month's sales by when they were paid.
            models.Index(fields=["paid_at"], name="order_paid_at"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_payable(self):
        return self.status == OrderStatus.PENDING

    @property
    def refundable_lines(self):
        return [line for line in self.lines.all() if line.refunded_at is None]

    def transition_to(self, status, *, by=None, note="", kind=OrderEventKind.STATUS_CHANGE):
        """Move the order to `status` if ALLOWED_TRANSITIONS permits it, and record the change.

        The row is saved whole together with its history row, in one transaction, so fields the
        caller set beforehand (the card details at payment) are written in the same UPDATE;
        callers that may race hold the row with select_for_update(). An illegal transition
        raises InvalidTransition before anything is changed or recorded. `by` is the staff
        member or learner who caused it, None for the system (Stripe's webhook, the return page).
        """
        old = OrderStatus(self.status)
        status = OrderStatus(status)
        if status not in ALLOWED_TRANSITIONS[old]:
            raise InvalidTransition(f"Order {self.number} cannot go from {old} to {status}.")
        with transaction.atomic():
            self.status = status
            if status == OrderStatus.PAID:
                self.paid_at = timezone.now()
            self.save()
            self._record(kind, by, note, from_status=old, to_status=status)

    def flag_for_review(self, note, *, by=None):
        """Ask staff to look at this order; each flag's reason is a new history row, earlier ones stay.

        The same reason while the order is still flagged is already on record and is not repeated
        (the learner reloading the return page of a mismatched payment re-checks it each time).
        """
        if self.needs_review and self.history.filter(kind=OrderEventKind.FLAGGED, note=note).exists():
            return
        with transaction.atomic():
            self.needs_review = True
            self.save(update_fields=["needs_review"])
            self._record(OrderEventKind.FLAGGED, by, note)

    def add_note(self, note, *, by):
        """A staff member's note on the order (a phone call, a decision); it changes nothing else."""
        return self._record(OrderEventKind.NOTE, by, note)

    def _record(self, kind, by, note, from_status="", to_status=""):
        return OrderEvent.objects.create(
            order=self, kind=kind, user=by, note=note, from_status=from_status, to_status=to_status
        )


class OrderEvent(models.Model):
    """One entry in an order's history: a status change, a refund, a flag for review or a staff note.

    Rows are only added (by the Order methods above), never edited, so a later flag or note never
    hides an earlier one, and staff can read who did what to an order and when. From and to
    statuses are filled in for status changes and refunds only.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=20, choices=OrderEventKind.choices)
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it; empty for the system (Stripe's webhook, the payment return page).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order}: {self.get_kind_display()}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    microcredential = models.ForeignKey(
        "catalog.MicrocredentialPage", on_delete=models.PROTECT, related_name="order_lines"
    )
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(max_length=300, help_text="What was bought, as named at order time.")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund = models.ForeignKey(
        "Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The partner dashboard counts the current month's refunds; few lines are refunded.
            models.Index(
                fields=["refunded_at"], name="orderline_refunded_at", condition=Q(refunded_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.description


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    REVOKED = "revoked", "Revoked"


class CreditStatus(models.TextChoices):
    NONE = "none", "Non-credit"
    PURCHASED = "purchased", "Credit purchased"
    INCLUDED = "included", "Credit included"
    REVERTED = "reverted", "Credit refunded"


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        """Enrolments the learner holds: active or completed. A revoked one (refunded) gives nothing,
        so the learner may enrol or buy again. Enrolment.is_active is the same rule for one row."""
        return self.exclude(status=EnrolmentStatus.REVOKED)


class Enrolment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    microcredential = models.ForeignKey(
        "catalog.MicrocredentialPage", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    credit_status = models.CharField(max_length=20, choices=CreditStatus.choices, default=CreditStatus.NONE)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EnrolmentQuerySet.as_manager()

    # Not in Wagtail's reference index ("Usage" of a page): a learner's record is not a use of
    # the content, its page links are PROTECTed anyway, and indexing queued one task per save
    # (docs/PERFORMANCE.md, bench_issuance).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database, not only the code, guarantees one enrolment per learner and credential.
            models.UniqueConstraint(fields=["user", "microcredential"], name="one_enrolment_per_learner"),
        ]

    def __str__(self):
        return f"{self.user} in {self.microcredential}"

    @property
    def is_active(self):
        """EnrolmentQuerySet.active() for a row already loaded: held, not revoked."""
        return self.status != EnrolmentStatus.REVOKED


class Refund(models.Model):
    """Money given back for some lines of a paid order, as Stripe confirmed it."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.TextField()
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_status = models.CharField(max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Refund of {self.amount} on {self.order}"


class PaymentEvent(models.Model):
    """A Stripe webhook event already handled; its unique id makes replays harmless."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
