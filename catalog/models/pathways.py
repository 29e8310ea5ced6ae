"""Pathways: credentials stacked into something bigger, and what completing one takes."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from partners.models import PublishedTitleForOtherPartners

from ..blocks import BaseStreamBlock
from ..forms import PathwayPageForm
from .microcredentials import MicrocredentialPage, visible_rows
from .vocabulary import ZERO, PathwayOutcome


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


class PathwayPage(PublishedTitleForOtherPartners, Page):
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
        """The steps whose credential a learner can see and take: live and public."""
        steps = visible_rows(self.steps.all(), "microcredential")
        if isinstance(steps, models.QuerySet):
            steps = steps.select_related(
                "microcredential", "microcredential__badge_image", "microcredential__provider"
            ).prefetch_related("microcredential__badge_image__renditions")
        return list(steps)

    def get_totals(self, steps=None):
        steps = self.get_steps() if steps is None else steps
        return PathwayTotals(
            required=[s.microcredential for s in steps if s.required],
            electives=[s.microcredential for s in steps if not s.required],
            electives_required=self.electives_required,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        steps = self.get_steps()
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
