import hashlib
import secrets
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState
from wagtail.search import index

HEX_COLOUR_VALIDATOR = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", "Enter a colour as # followed by six hex digits, e.g. #8C1D40."
)


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", "University"
    COLLEGE = "college", "College"
    EMPLOYER = "employer", "Employer"
    NONPROFIT = "nonprofit", "Nonprofit"
    PROFESSIONAL_ASSOCIATION = "professional_association", "Professional association"


def readable_text_colour(hex_colour):
    """Black or white, whichever reads better on `hex_colour` (WCAG relative luminance)."""

    def channel(value):
        value = value / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    # Contrast with white is 1.05 / (L + 0.05); with black (L + 0.05) / 0.05. Pick the larger.
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def catalog_model(name):
    """A catalog page type, looked up by label: catalog imports partners (its credentials belong
    to a partner), so partners never imports catalog (docs/ARCHITECTURE.md)."""
    return apps.get_model("catalog", name)


class PublishedTitleForOtherPartners:
    """Page types whose admin title, to a partner user, is the published one outside their own
    partner (partners/admin_titles.py)."""

    def get_admin_display_title(self):
        from .admin_titles import published_title_for_viewer

        return published_title_for_viewer(self) or super().get_admin_display_title()


class PartnerPage(PublishedTitleForOtherPartners, Page):
    """An institution or organisation that offers or co-brands microcredentials.

    Its own credentials live beneath it in the page tree, so page permissions granted on a
    partner's page (Wagtail's group page permissions) cover exactly that partner's content.
    """

    kind = models.CharField(max_length=32, choices=PartnerKind.choices)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # One-way: nothing needs "partners using this image".
        related_name="+",
        help_text="Square or wide logo on a transparent or white background.",
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1F4E79",
        validators=[HEX_COLOUR_VALIDATOR],
        help_text="The partner's accent colour as a hex code, e.g. #8C1D40. Used for stripes and borders.",
    )
    website = models.URLField(blank=True)
    short_description = models.TextField(
        max_length=500, help_text="One or two sentences shown on the partner's page and in listings."
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("short_description"), FieldPanel("website")],
            heading="About the partner",
        ),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("brand_colour")], heading="Brand"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("short_description"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types = ["catalog.MicrocredentialPage", "catalog.PathwayPage"]

    class Meta:
        verbose_name = "partner"

    @property
    def brand_text_colour(self):
        return readable_text_colour(self.brand_colour)

    def get_offered_credentials(self):
        MicrocredentialPage = catalog_model("MicrocredentialPage")
        return MicrocredentialPage.objects.child_of(self).live().public().for_listing().order_by("title")

    def get_cobranded_credentials(self):
        """Credentials led by another institution that this partner co-develops or endorses."""
        MicrocredentialPage = catalog_model("MicrocredentialPage")
        return (
            MicrocredentialPage.objects.live()
            .public()
            .filter(partner_links__partner=self)
            # Only where this partner consented (catalog's CoBrandingConsent), as on the page.
            .filter(
                models.Q(cobranding_consents__status="approved")
                | models.Q(cobranding_consents__staff_override=True),
                cobranding_consents__partner=self,
            )
            .not_child_of(self)
            .distinct()
            .for_listing()
            .order_by("title")
        )

    def get_pathways(self):
        return catalog_model("PathwayPage").objects.child_of(self).live().public().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["offered_credentials"] = self.get_offered_credentials()
        context["cobranded_credentials"] = self.get_cobranded_credentials()
        context["pathways"] = self.get_pathways()
        return context


# Access: who may edit a partner's content, through Wagtail's own groups and permissions --------


class PartnerRole(models.TextChoices):
    """What a partner's user may do. Editors edit drafts of the partner's pages and media;
    managers do the same and also invite and deactivate the partner's editors."""

    EDITOR = "editor", "Editor"
    MANAGER = "manager", "Manager"


class PartnerGroup(models.Model):
    """The Wagtail group that holds one role for one partner.

    Groups are found through this row, never by name, so renaming a partner (or its groups)
    keeps its people and permissions. `partners.access.ensure_partner_access()` makes it.
    """

    partner = models.ForeignKey(PartnerPage, on_delete=models.CASCADE, related_name="access_groups")
    role = models.CharField(max_length=16, choices=PartnerRole.choices)
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="partner_role")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "role"], name="one_group_per_partner_role")]

    def __str__(self):
        return f"{self.partner.title}: {self.get_role_display()}"


class PartnerCollection(models.Model):
    """The Wagtail collection holding a partner's images and documents."""

    partner = models.OneToOneField(PartnerPage, on_delete=models.CASCADE, related_name="media_collection")
    collection = models.OneToOneField("wagtailcore.Collection", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.partner.title}: {self.collection.name}"


class PartnerApprovalTask(AbstractGroupApprovalTask):
    """Staff approval of one partner's pages: a group approval task that nobody may complete
    for their own submission.

    Wagtail's group approval lets anyone in the approving group approve anything, their own
    submission included (wagtail#6995), and a task's `get_task_states_user_can_moderate`
    returns every item of the task. So each partner has its own task, limited to the pages
    under that partner, and the person who submitted a change, or wrote the revision that
    approval would publish, can neither approve it nor edit it while it waits.
    """

    partner = models.ForeignKey(
        PartnerPage, on_delete=models.CASCADE, related_name="approval_tasks", null=True, blank=True
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + ["partner"]
    admin_form_readonly_on_edit_fields = AbstractGroupApprovalTask.admin_form_readonly_on_edit_fields + [
        "partner"
    ]

    class Meta:
        verbose_name = "partner approval task"

    def is_submitter(self, obj, user):
        """Whether `user` asked for this approval or wrote what approving it would publish."""
        if not user.is_authenticated:
            return False
        workflow_state = obj.current_workflow_state
        if workflow_state is not None and workflow_state.requested_by_id == user.pk:
            return True
        latest = obj.get_latest_revision()
        return latest is not None and latest.user_id == user.pk

    def user_can_access_editor(self, obj, user):
        return not self.is_submitter(obj, user) and super().user_can_access_editor(obj, user)

    def locked_for_user(self, obj, user):
        return self.is_submitter(obj, user) or super().locked_for_user(obj, user)

    def get_actions(self, obj, user):
        if self.is_submitter(obj, user):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        # The admin only offers actions get_actions() returns; this holds for any other caller.
        if self.is_submitter(task_state.workflow_state.content_object, user):
            raise PermissionDenied("You cannot approve or reject your own submission.")
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if self.partner_id is None:
            return TaskState.objects.none()
        partner_pages = (
            Page.objects.filter(path__startswith=self.partner.path)
            .annotate(id_text=Cast("id", models.CharField()))
            .values("id_text")
        )
        return (
            states.filter(workflow_state__object_id__in=partner_pages)
            .exclude(workflow_state__requested_by=user.pk)
            .exclude(revision__user=user.pk)
        )


INVITATION_VALID_FOR = timedelta(days=7)


def hash_invitation_token(token):
    """Only this hash is stored: a database read does not give away working links."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A one-time, expiring link that makes its holder one of a partner's editors or managers.

    `partners.invitations` creates, emails and accepts them; the token itself is shown once
    (in the email, or printed by `manage.py partners invite`) and never stored.
    """

    email = models.EmailField()
    partner = models.ForeignKey(PartnerPage, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=PartnerRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("invite_any_partner_user", "Can invite and deactivate users of any partner")]

    def __str__(self):
        return f"{self.email} as {self.get_role_display().lower()} of {self.partner.title}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
