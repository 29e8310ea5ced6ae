from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page


class HomePage(Page):
    """The front door: a hero, featured credentials and the partners behind them."""

    hero_heading = models.CharField(max_length=120, default="Short credentials that employers recognise")
    hero_text = models.TextField(
        max_length=400,
        blank=True,
        help_text="One or two sentences under the heading.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",  # One-way link.
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), FieldPanel("hero_image")], heading="Hero"
        ),
        InlinePanel(
            "featured_credentials", label="Featured credential", heading="Featured credentials", max_num=6
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["catalog.CatalogIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from catalog.models import CatalogIndexPage, MicrocredentialPage
        from partners.models import PartnerPage

        context = super().get_context(request, *args, **kwargs)
        featured_ids = [link.microcredential_id for link in self.featured_credentials.all()]
        featured = (
            MicrocredentialPage.objects.live().public().filter(pk__in=featured_ids).for_listing().in_bulk()
        )
        context["featured_credentials"] = [featured[pk] for pk in featured_ids if pk in featured]
        context["partners"] = (
            PartnerPage.objects.live()
            .public()
            .select_related("logo")
            .prefetch_related("logo__renditions")
            .order_by("title")
        )
        context["catalog"] = CatalogIndexPage.objects.live().first()
        return context


class HomeFeaturedCredential(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_credentials")
    microcredential = models.ForeignKey(
        "catalog.MicrocredentialPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("microcredential")]
