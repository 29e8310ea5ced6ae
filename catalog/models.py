"""The catalog: competency frameworks, microcredentials and the pathways they stack into.

Page tree: Home → Catalog (CatalogIndexPage) → PartnerPage → MicrocredentialPage / PathwayPage.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index

from .api import CompetencySerializer, MoneyField, PartnerSerializer
from .blocks import BaseStreamBlock
from .forms import MicrocredentialPageForm, PathwayPageForm

ZERO = Decimal("0.00")


# --- Vocabulary --------------------------------------------------------------------------


class Level(models.IntegerChoices):
    """How advanced a credential is; an integer so that listings can sort and filter by it."""

    INTRODUCTORY = 1, "Introductory"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"


class ProficiencyLevel(models.IntegerChoices):
    """The proficiency a credential brings a learner to in one competency."""

    FOUNDATIONAL = 1, "Foundational"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"
    EXPERT = 4, "Expert"


class DeliveryFormat(models.TextChoices):
    ONLINE_SELF_PACED = "online_self_paced", "Online, self-paced"
    ONLINE_COHORT = "online_cohort", "Online, cohort-based"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class AssessmentMethod(models.TextChoices):
    PROJECT = "project", "Applied project"
    EXAM = "exam", "Proctored exam"
    PORTFOLIO = "portfolio", "Portfolio review"
    PERFORMANCE = "performance", "Observed performance"
    QUIZZES = "quizzes", "Online quizzes"
    CAPSTONE = "capstone", "Capstone"


class Grading(models.TextChoices):
    PASS_FAIL = "pass_fail", "Pass/fail"
    LETTER = "letter", "Letter grade"


class PartnerRole(models.TextChoices):
    LEAD_INSTITUTION = "lead", "Lead institution"
    CO_DEVELOPER = "co_developer", "Co-developer"
    EMPLOYER_ENDORSER = "employer_endorser", "Employer endorser"


class PathwayOutcome(models.TextChoices):
    CERTIFICATE = "certificate", "Certificate"
    CAPSTONE_BADGE = "capstone_badge", "Capstone badge"
    DEGREE_ADMISSION = "degree_admission", "Earned admission to a degree"
    ACADEMIC_CREDIT = "academic_credit", "Block of academic credit"


# --- Competency frameworks (snippets) -----------------------------------------------------


class CompetencyFramework(models.Model):
    """A published set of competencies, usually imported from a 1EdTech CASE package."""

    title = models.CharField(max_length=255)
    publisher = models.CharField(max_length=255, blank=True)
    version = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    case_identifier = models.CharField(
        "CASE identifier",
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The CFDocument identifier (a UUID). Filled in by the CASE importer.",
    )
    case_uri = models.URLField("CASE URI", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("publisher"), FieldPanel("version")]),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("case_identifier"), FieldPanel("case_uri")], heading="CASE"),
    ]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.version})" if self.version else self.title

    def save(self, *args, **kwargs):
        # CASE identifiers are UUIDs; publishers differ in letter case, so store one form.
        self.case_identifier = (self.case_identifier or "").strip().lower() or None
        super().save(*args, **kwargs)


class Competency(index.Indexed, models.Model):
    """One skill or knowledge statement (a CASE CFItem) within a framework."""

    framework = models.ForeignKey(CompetencyFramework, on_delete=models.CASCADE, related_name="competencies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    case_identifier = models.CharField("CASE identifier", max_length=255, unique=True, null=True, blank=True)
    case_uri = models.URLField("CASE URI", max_length=500, blank=True)
    human_coding_scheme = models.CharField(
        "code", max_length=100, blank=True, help_text="The publisher's short code, e.g. DA.2.1."
    )
    full_statement = models.TextField(help_text="What a person can do, e.g. “Clean and join tabular data”.")
    abbreviated_statement = models.CharField(max_length=255, blank=True)
    competency_type = models.CharField(
        "type", max_length=100, blank=True, help_text="e.g. Domain, Skill, Knowledge (CASE CFItemType)."
    )
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [
        FieldPanel("framework"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("human_coding_scheme"), FieldPanel("competency_type")]),
        FieldPanel("full_statement"),
        FieldPanel("abbreviated_statement"),
        MultiFieldPanel([FieldPanel("case_identifier"), FieldPanel("case_uri")], heading="CASE"),
    ]

    search_fields = [
        index.SearchField("full_statement"),
        index.SearchField("abbreviated_statement"),
        index.AutocompleteField("full_statement"),
        index.SearchField("human_coding_scheme"),
        index.FilterField("framework"),
    ]

    class Meta:
        ordering = ["framework", "sort_order", "human_coding_scheme"]
        verbose_name_plural = "competencies"

    def __str__(self):
        label = self.abbreviated_statement or self.full_statement
        if len(label) > 90:
            label = label[:87] + "…"
        return f"{self.human_coding_scheme} {label}".strip()

    def save(self, *args, **kwargs):
        self.case_identifier = (self.case_identifier or "").strip().lower() or None
        super().save(*args, **kwargs)

    @property
    def name(self):
        return self.abbreviated_statement or self.full_statement

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": "A competency cannot be its own ancestor."})
            if ancestor.framework_id != self.framework_id:
                raise ValidationError({"parent": "The parent must belong to the same framework."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


# --- Catalog index ------------------------------------------------------------------------


class CatalogIndexPage(Page):
    """The public catalog root: every live microcredential, newest first, paginated."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["partners.PartnerPage", "catalog.PathwayPage"]
    max_count = 1

    per_page = 24

    class Meta:
        verbose_name = "catalog"

    def get_credentials(self):
        return MicrocredentialPage.objects.live().descendant_of(self).for_listing().order_by("title", "pk")

    def paginate(self, request, queryset):
        paginator = Paginator(queryset, self.per_page)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["credentials"] = self.paginate(request, self.get_credentials())
        context["pathways"] = PathwayPage.objects.live().descendant_of(self).order_by("title")
        return context


# --- Microcredentials ---------------------------------------------------------------------


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


class MicrocredentialPage(Page):
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
        help_text="Wide photo at the top of the page (at least 1600×600).",
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
        index.RelatedFields("partner_links", [index.RelatedFields("partner", [index.SearchField("title")])]),
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
        APIField("partner_links"),
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
        return self.partner_links.select_related("partner", "partner__logo").prefetch_related(
            "partner__logo__renditions"
        )

    def get_competency_links(self):
        return self.competency_links.select_related("competency", "competency__framework")

    def get_prerequisites(self):
        return [link.prerequisite for link in self.prerequisite_links.select_related("prerequisite")]

    def get_pathways(self):
        return PathwayPage.objects.live().filter(steps__microcredential=self).distinct().order_by("title")

    def get_context(self, request, *args, **kwargs):
        from .structured_data import microcredential_json_ld

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


class MicrocredentialPartner(Orderable):
    """A co-branding partner of a credential and what it contributed."""

    page = ParentalKey(MicrocredentialPage, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(
        "partners.PartnerPage", on_delete=models.CASCADE, related_name="cobranded_links"
    )
    role = models.CharField(max_length=32, choices=PartnerRole.choices, default=PartnerRole.CO_DEVELOPER)

    panels = [FieldPanel("partner"), FieldPanel("role")]
    api_fields = [APIField("partner", serializer=PartnerSerializer()), APIField("role")]

    class Meta(Orderable.Meta):
        verbose_name = "co-branding partner"
        constraints = [
            models.UniqueConstraint(fields=["page", "partner"], name="unique_partner_per_credential")
        ]


class MicrocredentialCompetency(Orderable):
    """A competency a credential certifies, at a proficiency level, with its assessment."""

    page = ParentalKey(MicrocredentialPage, on_delete=models.CASCADE, related_name="competency_links")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="credential_links")
    proficiency_level = models.PositiveSmallIntegerField(
        choices=ProficiencyLevel.choices, default=ProficiencyLevel.FOUNDATIONAL
    )
    assessment_method = models.CharField(
        max_length=32, choices=AssessmentMethod.choices, help_text="How this competency is assessed."
    )

    panels = [
        FieldPanel("competency"),
        FieldRowPanel([FieldPanel("proficiency_level"), FieldPanel("assessment_method")]),
    ]
    api_fields = [
        APIField("competency", serializer=CompetencySerializer()),
        APIField("proficiency_level"),
        APIField("assessment_method"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "competency"
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["page", "competency"], name="unique_competency_per_credential")
        ]


class MicrocredentialPrerequisite(Orderable):
    page = ParentalKey(MicrocredentialPage, on_delete=models.CASCADE, related_name="prerequisite_links")
    prerequisite = models.ForeignKey(
        MicrocredentialPage, on_delete=models.CASCADE, related_name="required_by_links"
    )

    panels = [FieldPanel("prerequisite")]

    class Meta(Orderable.Meta):
        verbose_name = "prerequisite"


def find_prerequisite_problem(page, prerequisite_ids):
    """Why `page` cannot require `prerequisite_ids`, or None if it can.

    Walks the published prerequisite graph from each chosen credential; reaching `page` again
    means the new links would close a cycle (A needs B needs A), which no learner could satisfy.
    """
    prerequisite_ids = [pk for pk in prerequisite_ids if pk is not None]
    if page.pk is not None and page.pk in prerequisite_ids:
        return "A credential cannot be its own prerequisite."
    if len(set(prerequisite_ids)) != len(prerequisite_ids):
        return "Each prerequisite can be listed only once."
    if page.pk is None:
        return None
    edges = {}
    for page_id, prerequisite_id in MicrocredentialPrerequisite.objects.values_list(
        "page_id", "prerequisite_id"
    ):
        edges.setdefault(page_id, []).append(prerequisite_id)
    edges[page.pk] = list(prerequisite_ids)
    stack, seen = list(prerequisite_ids), set()
    while stack:
        current = stack.pop()
        if current == page.pk:
            return "These prerequisites would form a cycle: a chosen credential already requires this one."
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))
    return None


# --- Pathways (stacking) ------------------------------------------------------------------


class PathwayTotals:
    """What completing a pathway takes: required steps plus the cheapest allowed electives.

    Each figure is the minimum a learner can get away with, which is what "from" means on the
    page; electives are chosen per figure, so the three minimums may come from different picks.
    """

    def __init__(self, required, electives, electives_required):
        def minimum(attribute):
            values = sorted(getattr(c, attribute) or ZERO for c in electives)
            return sum((getattr(c, attribute) or ZERO for c in required), ZERO) + sum(
                values[:electives_required], ZERO
            )

        self.hours = int(minimum("notional_hours"))
        self.price = minimum("price")
        # Credentials without a credit option contribute no credit hours.
        self.credit_hours = minimum("credit_hours")
        self.credential_count = len(required) + electives_required


class PathwayPage(Page):
    """A stack of microcredentials that together earn something bigger."""

    intro = models.TextField(max_length=500, help_text="Who the pathway is for and where it leads.")
    body = StreamField(BaseStreamBlock(), blank=True)
    outcome = models.CharField(
        "completing it earns",
        max_length=32,
        choices=PathwayOutcome.choices,
        default=PathwayOutcome.CERTIFICATE,
    )
    outcome_description = models.CharField(
        max_length=255, help_text="e.g. “Earned admission to ASU's BS in Business Data Analytics”."
    )
    electives_required = models.PositiveSmallIntegerField(
        default=0, help_text="How many of the elective steps a learner must complete."
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("outcome"), FieldPanel("outcome_description")], heading="Outcome"),
        InlinePanel("steps", label="Step", heading="Steps", min_num=1),
        FieldPanel("electives_required"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("outcome_description"),
    ]

    parent_page_types = ["catalog.CatalogIndexPage", "partners.PartnerPage"]
    subpage_types = []
    base_form_class = PathwayPageForm

    class Meta:
        verbose_name = "pathway"

    def get_steps(self):
        return list(
            self.steps.select_related(
                "microcredential", "microcredential__badge_image", "microcredential__provider"
            ).prefetch_related("microcredential__badge_image__renditions")
        )

    def get_totals(self, steps=None):
        steps = self.get_steps() if steps is None else steps
        return PathwayTotals(
            required=[s.microcredential for s in steps if s.required],
            electives=[s.microcredential for s in steps if not s.required],
            electives_required=self.electives_required,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        steps = [step for step in self.get_steps() if step.microcredential.live]
        context["required_steps"] = [s for s in steps if s.required]
        context["elective_steps"] = [s for s in steps if not s.required]
        context["totals"] = self.get_totals(steps)
        return context


class PathwayStep(Orderable):
    page = ParentalKey(PathwayPage, on_delete=models.CASCADE, related_name="steps")
    microcredential = models.ForeignKey(
        MicrocredentialPage, on_delete=models.CASCADE, related_name="pathway_steps"
    )
    required = models.BooleanField(default=True, help_text="Untick to make this step an elective.")

    panels = [FieldPanel("microcredential"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        verbose_name = "pathway step"
