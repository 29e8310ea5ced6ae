"""Completions, the issuers they go to, and the outbox of signed webhook deliveries.

The outbox (Delivery) is the truth about what must still be sent: a row is written in the same
transaction as the completion it announces, and the task queue only wakes a worker up for it.
A worker that dies mid-send leaves a row whose lease runs out, and the re-dispatcher sends it
again under the same webhook id, so an issuer sees each completion once per id however often we
retry.
"""

import base64
import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IntegrationTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class IntegrationToken(models.Model):
    """The key one LMS or assessment platform uses for the completions API.

    Only a SHA-256 of the token is stored: the token is printed once, when it is made, and a
    database leak does not hand out working keys. The prefix is kept so staff can tell tokens
    apart in the admin.
    """

    PREFIX = "mct_"

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'Canvas at ASU'.")
    # Said explicitly, never inferred from an empty partner list: a token whose partners were all
    # removed (unticked, or their pages deleted) must see nothing, not everything.
    all_partners = models.BooleanField(
        "All partners",
        default=False,
        help_text="Every partner's credentials, including partners added later. Otherwise only the "
        "partners ticked below.",
    )
    partners = models.ManyToManyField(
        "partners.PartnerPage",
        blank=True,
        related_name="integration_tokens",
        help_text="The partners whose credentials it may read and complete (unless All partners is "
        "ticked). A token with neither is refused (403).",
    )
    token_prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    @staticmethod
    def hash(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, name, *, partners=(), all_partners=False, created_by=None):
        """Make a token; returns (row, the token itself), which is never retrievable again."""
        partners = list(partners)
        if all_partners and partners:
            raise ValueError("A token covers all partners or the partners given, not both.")
        token = cls.PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            name=name,
            all_partners=all_partners,
            token_prefix=token[:12],
            token_hash=cls.hash(token),
            created_by=created_by,
        )
        row.partners.set(partners)
        return row, token

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def scope_partner_ids(self):
        """The partners whose credentials it covers: None for every partner, else a list of ids
        (empty: none, and the API refuses the token)."""
        if self.all_partners:
            return None
        return list(self.partners.values_list("pk", flat=True))


class IdempotencyRecord(models.Model):
    """The first answer given to one Idempotency-Key of one token, returned again on a repeat."""

    token = models.ForeignKey(IntegrationToken, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self):
        return f"{self.key} ({self.response_status})"


class CompletionSource(models.TextChoices):
    ADMIN = "admin", "Staff in the admin"
    CSV = "csv", "CSV upload"
    API = "api", "Integration API"
    PATHWAY = "pathway", "Pathway rule"
    DEMO = "demo", "Demo content"


class CompletionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(revoked_at__isnull=True)

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def issued(self):
        return self.exclude(credential_url="")


class Completion(models.Model):
    """A learner finished a microcredential (enrolment set) or a whole pathway (pathway set).

    One current (unrevoked) row per enrolment and one per learner and pathway, enforced by the
    database, is what makes a completion reported twice (API, CSV, admin, in any mix) one
    completion. A refund revokes the enrolment's completion but keeps the row (the issuer was
    told about it, under its webhook-ids); a learner who buys the credential again gets the same
    enrolment back, and completing it again makes a new completion, announced as a new event.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions"
    )
    enrolment = models.ForeignKey(
        "checkout.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="completions"
    )
    pathway = models.ForeignKey(
        "catalog.PathwayPage", null=True, blank=True, on_delete=models.PROTECT, related_name="completions"
    )
    result = models.CharField(max_length=100, blank=True, help_text="Result or grade, e.g. 'Pass' or '92%'.")
    completed_on = models.DateField()
    source = models.CharField(max_length=20, choices=CompletionSource.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by_token = models.ForeignKey(
        IntegrationToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="completions"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # What the issuer gave back: the learner's credential, and how the learner used it.
    credential_url = models.URLField(max_length=1000, blank=True)
    credential_id = models.CharField(max_length=255, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    claim_count = models.PositiveIntegerField(default=0, help_text="Times the learner opened it through us.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    share_count = models.PositiveIntegerField(default=0, help_text="Times the LinkedIn link was used.")
    shared_at = models.DateTimeField(null=True, blank=True)

    objects = CompletionQuerySet.as_manager()

    # Not in Wagtail's reference index ("Usage" of a page): a learner's record is not a use of
    # the content, its page links are PROTECTed anyway, and indexing queued one task per save
    # (docs/PERFORMANCE.md, bench_issuance).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolment__isnull=False, pathway__isnull=True)
                | Q(enrolment__isnull=True, pathway__isnull=False),
                name="completion_of_credential_or_pathway",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(enrolment__isnull=False, revoked_at__isnull=True),
                name="one_current_completion_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["learner", "pathway"],
                condition=Q(pathway__isnull=False),
                name="one_completion_per_learner_and_pathway",
            ),
        ]

    def __str__(self):
        return f"{self.learner} completed {self.subject}"

    @property
    def subject(self):
        """The page completed: the microcredential or the pathway."""
        return self.enrolment.microcredential if self.enrolment_id else self.pathway

    @property
    def is_revoked(self):
        return self.revoked_at is not None


def new_webhook_secret():
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in standard base64.

    Not URL-safe base64: the reference libraries decode the part after the prefix as standard
    base64, and the standardwebhooks package drops "-" and "_", so such a key would sign with
    fewer bytes than it holds, or not decode at all.
    """
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class IssuerEndpointQuerySet(models.QuerySet):
    def enabled(self):
        """Endpoints that should get new deliveries (a paused one gets them, and holds them)."""
        return self.filter(disabled_at__isnull=True)


class IssuerEndpoint(models.Model):
    """A badge issuer's webhook URL and what it covers."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    partners = models.ManyToManyField(
        "partners.PartnerPage",
        blank=True,
        related_name="issuer_endpoints",
        help_text="Completions of these partners' credentials and pathways. None and no credentials: all.",
    )
    microcredentials = models.ManyToManyField(
        "catalog.MicrocredentialPage", blank=True, related_name="issuer_endpoints"
    )
    # Kept as issued: the signature needs it. Shown once, when made or rotated.
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_paused = models.BooleanField(
        default=False, help_text="A paused endpoint keeps its deliveries until it is resumed."
    )
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = IssuerEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self):
        return self.description or self.url

    def rotate_secret(self):
        """A new secret; returns it (shown once). Deliveries already signed keep their old one."""
        self.secret = new_webhook_secret()
        self.secret_rotated_at = timezone.now()
        self.save(update_fields=["secret", "secret_rotated_at"])
        return self.secret


class EventType(models.TextChoices):
    CREDENTIAL_COMPLETED = "credential.completed", "credential.completed"
    PATHWAY_COMPLETED = "pathway.completed", "pathway.completed"
    CREDENTIAL_REVOKED = "credential.revoked", "credential.revoked"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead-lettered"


def new_message_id():
    return f"msg_{uuid.uuid4().hex}"


class Delivery(models.Model):
    """One event for one endpoint: the outbox row. Its message_id is the webhook-id header, the
    same on every attempt and replay, so the issuer can drop repeats."""

    endpoint = models.ForeignKey(IssuerEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    completion = models.ForeignKey(Completion, on_delete=models.PROTECT, related_name="deliveries")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    message_id = models.CharField(max_length=40, unique=True, default=new_message_id, editable=False)
    payload = models.JSONField(help_text="The body, fixed when the event happened.")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="While sending: when a silent worker is presumed dead."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_excerpt = models.TextField(blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "completion", "event_type"], name="one_delivery_per_event_and_endpoint"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    wagtail_reference_index_ignore = True  # an outbox row, not a use of content (as Completion)

    def __str__(self):
        return f"{self.event_type} {self.message_id} to {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One HTTP try of a delivery, for the admin's history."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"Attempt {self.number} of {self.delivery_id}: {self.status_code or self.error}"
