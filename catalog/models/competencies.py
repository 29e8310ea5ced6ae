"""Competency frameworks: what credentials certify, edited as snippets or imported from CASE."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index


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
    # Off for new frameworks: a CASE import can bring hundreds of items that no credential uses
    # (a state's maths standards); staff choose which frameworks employers browse.
    show_on_skills_page = models.BooleanField(
        "show on the skills page",
        default=False,
        help_text="List this framework on the public “Find credentials by skill” page. Only its "
        "competencies that live, public credentials certify are listed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("show_on_skills_page"),
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


class CompetencyQuerySet(models.QuerySet):
    def matching(self, text):
        """The competencies a person typing `text` means, best first: the code itself ("DA.1"),
        codes starting with it ("MF" finds MF.1…), then statements holding every word of it.

        A direct database lookup, not the search index: codes are short tokens that full-text
        search splits or stems away, and staff expect a competency imported a second ago.
        """
        text = " ".join(text.split())
        if not text:
            return self.none()
        statement = Q()
        for word in text.split()[:10]:
            statement &= Q(full_statement__icontains=word) | Q(abbreviated_statement__icontains=word)
        return (
            self.filter(Q(human_coding_scheme__istartswith=text) | statement)
            .annotate(
                code_match=Case(
                    When(human_coding_scheme__iexact=text, then=Value(0)),
                    When(human_coding_scheme__istartswith=text, then=Value(1)),
                    default=Value(2),
                )
            )
            .order_by("code_match", *BY_FRAMEWORK_AND_CODE)
        )


# A framework's competencies together (frameworks by title), each in the framework's own order.
BY_FRAMEWORK_AND_CODE = ["framework__title", "framework_id", "sort_order", "human_coding_scheme", "pk"]


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

    objects = CompetencyQuerySet.as_manager()

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
