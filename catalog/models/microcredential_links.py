"""The rows an editor adds inline on a microcredential page: co-branding partners, certified
competencies and prerequisites, with the check that keeps prerequisites free of cycles."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.api import APIField
from wagtail.models import Orderable

from ..api import CompetencySerializer, PartnerSerializer
from .competencies import Competency
from .microcredentials import MicrocredentialPage
from .vocabulary import AssessmentMethod, PartnerRole, ProficiencyLevel


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
