"""The microcredential page: what a learner enrols in and pays for, and the rules its fields keep.

The rows an editor adds inline on this page live in microcredential_links.py.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from partners.models import PublishedTitleForOtherPartners

from ..api import CoBrandLinksField, MoneyField, PartnerSerializer
from ..blocks import BaseStreamBlock
from ..forms import MicrocredentialPageForm
from .vocabulary import ZERO, AssessmentMethod, DeliveryFormat, Grading, Level


class MicrocredentialQuerySet(PageQuerySet):
    def for_listing(self):
        """What a credential card needs, fetched in a fixed number of queries."""
        return self.select_related("badge_image", "provider").prefetch_related("badge_image__renditions")


def provider_id_for_path(path):
    """The id of the PartnerPage directly above a page at `path`, or None."""
    from partners.models import PartnerPage

    return PartnerPage.objects.filter(path=path[: -Page.steplen]).values_list("pk", flat=True).first()


MicrocredentialManager = PageManager.from_queryset(MicrocredentialQuerySet)

SHORT_CODE_VALIDATOR = RegexValidator(
    r"^[A-Z0-9]+(-[A-Z0-9]+)*$",
    "Use capital letters and digits, optionally separated by single hyphens, e.g. ASU-PM-101.",
)


def visible_rows(rows, credential_field):
    """The inline rows (prerequisites, pathway steps) whose credential a visitor can see.

    On a saved page the rows are a queryset and this is one joined query. A preview, or a
    revision being served, holds them in modelcluster's in-memory FakeQuerySet, which cannot
    filter by a subquery, so then the database is asked which of the named credentials are live
    and public.
    """
    visible = MicrocredentialPage.objects.live().public()
    if isinstance(rows, models.QuerySet):
        return rows.filter(**{f"{credential_field}__in": visible})
    rows = list(rows)
    named = {getattr(row, f"{credential_field}_id") for row in rows}
    shown = set(visible.filter(pk__in=named).values_list("pk", flat=True))
    return [row for row in rows if getattr(row, f"{credential_field}_id") in shown]


class MicrocredentialPage(PublishedTitleForOtherPartners, Page):
    """A short credential a learner can enrol in, pay for and earn."""

    # NULL, not "", for a page without a code, because a unique column ignores NULLs.
    short_code = models.CharField(  # noqa: DJ001
        max_length=30,
        unique=True,
        null=True,
        validators=[SHORT_CODE_VALIDATOR],
        help_text="A unique code used on transcripts and receipts, e.g. ASU-PM-101.",
    )
    summary = models.TextField(
        max_length=300, help_text="One or two sentences for listings and search results (300 characters)."
    )
    hero_image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",  # One-way link; images do not need to list their pages.
        # The page shows it cropped to 1600×400 (fill-1600x400 in microcredential_page.html).
        help_text="Wide photo at the top of the page, shown cropped to 1600×400: at least that size, "
        "subject in the middle.",
    )
    badge_image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The digital badge learners earn; square, shown on cards.",
    )
    body = StreamField(BaseStreamBlock(), blank=True, help_text="What learners will do, FAQs, quotes.")

    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.INTRODUCTORY)
    delivery_format = models.CharField(
        "format", max_length=32, choices=DeliveryFormat.choices, default=DeliveryFormat.ONLINE_SELF_PACED
    )
    notional_hours = models.PositiveIntegerField(
        "notional learning hours",
        validators=[MinValueValidator(1)],
        help_text="Total hours a typical learner spends, including study and assessment.",
    )
    duration_weeks = models.PositiveSmallIntegerField("duration in weeks", validators=[MinValueValidator(1)])
    assessment_method = models.CharField(max_length=32, choices=AssessmentMethod.choices)
    assessment_description = models.TextField(
        blank=True, help_text="How learners show what they can do, in a sentence or two."
    )
    grading = models.CharField(max_length=16, choices=Grading.choices, default=Grading.PASS_FAIL)

    price = models.DecimalField(
        "price (USD)",
        max_digits=8,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="The non-credit fee. 0 means free.",
    )
    credit_eligible = models.BooleanField(
        default=False, help_text="Learners can pay to convert this credential into academic credit."
    )
    credit_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    credit_conversion_fee = models.DecimalField(
        "credit conversion fee (USD)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="Paid now or later to receive academic credit, e.g. 400.",
    )
    credit_granting_institution = models.ForeignKey(
        "partners.PartnerPage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_granted_for",
        help_text="The institution whose transcript carries the credit.",
    )

    # The partner this credential sits under in the page tree, kept in step with the tree by
    # save() and the page_moved signal (catalog/signals.py) so that listings and search facets
    # can filter and join on it instead of parsing tree paths.
    provider = models.ForeignKey(
        "partners.PartnerPage",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="provided_credentials",
    )

    objects = MicrocredentialManager()

    content_panels = Page.content_panels + [
        FieldPanel("short_code"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("badge_image")], heading="Images"),
        FieldPanel("body"),
        InlinePanel(
            "partner_links",
            label="Co-branding partner",
            heading="Co-branding partners",
            help_text="Other institutions and employers whose names and logos appear on this credential.",
        ),
        InlinePanel(
            "competency_links",
            label="Competency",
            heading="Competencies",
            help_text="What learners can do afterwards, at what level, and how each is assessed.",
            min_num=1,
        ),
    ]
    details_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("level"), FieldPanel("delivery_format")]),
                FieldRowPanel([FieldPanel("notional_hours"), FieldPanel("duration_weeks")]),
            ],
            heading="Level and effort",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("assessment_method"), FieldPanel("grading")]),
                FieldPanel("assessment_description"),
            ],
            heading="Assessment",
        ),
        MultiFieldPanel(
            [
                FieldPanel("price"),
                FieldPanel("credit_eligible"),
                FieldRowPanel([FieldPanel("credit_hours"), FieldPanel("credit_conversion_fee")]),
                FieldPanel("credit_granting_institution"),
            ],
            heading="Price and academic credit",
        ),
        InlinePanel(
            "prerequisite_links",
            label="Prerequisite",
            heading="Prerequisites",
            help_text="Credentials a learner should complete first.",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("short_code"),
        index.AutocompleteField("short_code"),
        index.FilterField("level"),
        index.FilterField("delivery_format"),
        index.FilterField("price"),
        index.FilterField("credit_eligible"),
        index.FilterField("notional_hours"),
        index.RelatedFields(
            "competency_links",
            [
                index.RelatedFields(
                    "competency",
                    # Competency matches count as much as title matches; body text less.
                    [
                        index.SearchField("full_statement", boost=2),
                        index.SearchField("human_coding_scheme", boost=2),
                    ],
                )
            ],
        ),
        index.RelatedFields("provider", [index.SearchField("title")]),
        # Co-brands only where their partner consented, as on the page: not the inline rows.
        index.SearchField("consenting_cobrand_names"),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(details_panels, heading="Level, price and credit"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    api_fields = [
        APIField("short_code"),
        APIField("summary"),
        APIField("level"),
        APIField("delivery_format"),
        APIField("notional_hours"),
        APIField("duration_weeks"),
        APIField("assessment_method"),
        APIField("grading"),
        APIField("price", serializer=MoneyField()),
        APIField("credit_eligible"),
        APIField("credit_hours"),
        APIField("credit_conversion_fee", serializer=MoneyField(allow_null=True)),
        APIField("credit_granting_institution", serializer=PartnerSerializer(allow_null=True)),
        APIField("provider", serializer=PartnerSerializer(allow_null=True)),
        APIField("competency_links"),
        # Only consented co-brands, like the page (catalog/api.py).
        APIField("partner_links", serializer=CoBrandLinksField()),
    ]

    parent_page_types = ["partners.PartnerPage"]
    subpage_types = []
    base_form_class = MicrocredentialPageForm
    # A copy must get a new code from the editor; copying the old one would break uniqueness.
    exclude_fields_in_copy = ["short_code"]

    class Meta:
        verbose_name = "microcredential"

    def __str__(self):
        return self.title

    def consenting_cobrand_names(self):
        """The co-branding partners' names the search index holds: only those shown on the page
        (approved, or overridden by staff: `with_consent`). Indexing every inline row would let
        a search by a partner's name find credentials it never agreed to appear on. A decision
        re-indexes the credential (search/signals.py)."""
        from .cobranding import with_consent  # that module builds on this one

        links = with_consent(self.partner_links.all())
        if isinstance(links, models.QuerySet):
            return list(links.order_by("sort_order").values_list("partner__title", flat=True))
        return [link.partner.title for link in sorted(links, key=lambda link: link.sort_order or 0)]

    # Validation -------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.credit_eligible:
            if self.credit_hours is None or self.credit_hours <= 0:
                errors["credit_hours"] = "Enter the credit hours learners receive (more than 0)."
            if self.credit_conversion_fee is None:
                errors["credit_conversion_fee"] = "Enter the fee to convert to credit (0 if there is none)."
            if self.credit_granting_institution_id is None:
                errors["credit_granting_institution"] = "Choose the institution that grants the credit."
        else:
            message = "Leave this empty, or tick “credit eligible”."
            for field in ("credit_hours", "credit_conversion_fee", "credit_granting_institution"):
                if (
                    getattr(self, field if field != "credit_granting_institution" else field + "_id")
                    is not None
                ):
                    errors[field] = message
        for field in ("price", "credit_conversion_fee", "credit_hours"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = "This cannot be negative."
        if (
            self.notional_hours is not None
            and self.duration_weeks
            and self.notional_hours > self.duration_weeks * 80
        ):
            errors["notional_hours"] = "That is more than 80 hours a week; check the hours and the weeks."
        if errors:
            raise ValidationError(errors)

    # Derived values --------------------------------------------------------------------

    @property
    def is_free(self):
        return self.price == ZERO

    @property
    def offers_credit(self):
        return self.credit_eligible and self.credit_conversion_fee is not None

    @property
    def sells_credit(self):
        """Credit is offered for a fee (with the enrolment or later); a zero fee means it is included."""
        return self.offers_credit and self.credit_conversion_fee > ZERO

    def save(self, *args, **kwargs):
        if self.path:
            self.provider_id = provider_id_for_path(self.path)
        return super().save(*args, **kwargs)

    def get_provider(self):
        """The partner whose page this credential lives under: the offering institution."""
        from partners.models import PartnerPage

        return PartnerPage.objects.select_related("logo").filter(pk=self.provider_id).first()

    def get_partner_links(self):
        """The co-branding partners shown to visitors: those that consented (catalog/models/
        cobranding.py). A preview shows the same, so editors see what the public will."""
        from .cobranding import with_consent

        links = self.partner_links.all()
        if isinstance(links, models.QuerySet):
            links = links.select_related("partner", "partner__logo").prefetch_related(
                "partner__logo__renditions"
            )
        return with_consent(links)

    def get_competency_links(self):
        return self.competency_links.select_related("competency", "competency__framework")

    def get_prerequisites(self):
        """The prerequisites a learner can see (live and public), in the editor's order."""
        links = visible_rows(self.prerequisite_links.all(), "prerequisite")
        if isinstance(links, models.QuerySet):
            links = links.select_related("prerequisite")
        return [link.prerequisite for link in links]

    def get_pathways(self):
        from .pathways import PathwayPage  # pathways.py imports this module: its steps link here.

        return (
            PathwayPage.objects.live()
            .public()
            .filter(steps__microcredential=self)
            .distinct()
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        from ..structured_data import microcredential_json_ld

        context = super().get_context(request, *args, **kwargs)
        context["provider"] = provider = self.get_provider()
        context["partner_links"] = partner_links = list(self.get_partner_links())
        context["competency_links"] = competency_links = list(self.get_competency_links())
        context["prerequisites"] = self.get_prerequisites()
        context["pathways"] = list(self.get_pathways())
        context["json_ld"] = microcredential_json_ld(
            self, request, provider=provider, partner_links=partner_links, competency_links=competency_links
        )
        return context
