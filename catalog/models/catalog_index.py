"""The catalog's root page, which lists every live, public credential and pathway below it."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from partners.models import PublishedTitleForOtherPartners

from .microcredentials import MicrocredentialPage
from .pathways import PathwayPage


class CatalogIndexPage(PublishedTitleForOtherPartners, Page):
    """The public catalog root: every live microcredential, by title, paginated.

    Listings here and on every public page leave out what Wagtail's `public()` does: pages with
    a view restriction (a password, logged-in users only, some groups) or below one.
    """

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["partners.PartnerPage", "catalog.PathwayPage"]
    max_count = 1

    per_page = 24

    class Meta:
        verbose_name = "catalog"

    def get_credentials(self):
        return (
            MicrocredentialPage.objects.live()
            .public()
            .descendant_of(self)
            .for_listing()
            .order_by("title", "pk")
        )

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
        context["pathways"] = PathwayPage.objects.live().public().descendant_of(self).order_by("title")
        return context
