from django.apps import apps
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
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


class PartnerPage(Page):
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
