"""Wagtail admin views that partner users get cut to their own partner, where Wagtail's own
show other partners' content and offer no hook to filter it.

- **Popular tags** (wagtail#7161): the image and document listings offer the ten most used tags
  of every collection as filters, and the image chooser as links, so one partner's users read
  tag names used only on another partner's media. Here they are the tags of what the listing
  itself shows (the images or documents the user may change, or choose in the chooser).
- **Tag autocomplete**: the tag fields of the image and document forms complete any tag name in
  the site; for partner users, only those on media they may change or choose.
- **Page chooser titles**: Wagtail shows each page's `draft_title`, so an unpublished rename of
  another partner's live page shows in the chooser; for partner users, pages outside their own
  partner show the title they were published with.

How each replacement is reached: the listings and the image chooser are `register_admin_urls`
paths that come before Wagtail's own (partners/wagtail_hooks.py), and differ from Wagtail's
only for partner users. The page chooser and the tag autocomplete are URLs of Wagtail's core
admin, which no hook can replace: partners/middleware.py hands partner users' requests for them
to the views here. partners/checks.py stops the start if either stops being reached.
"""

from django.http import JsonResponse
from django.urls import path
from wagtail.admin.views import chooser as page_chooser
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.documents.views import documents
from wagtail.images import get_image_model
from wagtail.images.views import chooser as image_chooser
from wagtail.images.views import images
from wagtail.models import Page

from .access import (
    as_shown_outside_own_partner,
    is_partner_only_user,
    own_partner_paths,
    pages_visible_to_partner_user,
    popular_tags_for_user,
    tag_names_for_partner_user,
)

# Popular tags --------------------------------------------------------------------------------

# What Wagtail's image and document listings list (`IndexView.get_base_queryset`).
LISTED_ACTIONS = ["change", "delete"]


class OwnPopularTagsFilterSetMixin:
    """The *Tag* filter offers a partner user the tags of their own listing, not the site's."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if "tag" in self.filters and is_partner_only_user(request.user):
            tags = popular_tags_for_user(self._meta.model, request.user, LISTED_ACTIONS)
            if tags:
                self.filters["tag"].extra["choices"] = [(tag.name, tag.name) for tag in tags]
            else:
                del self.filters["tag"]  # as Wagtail does when no tag is used at all


class ImagesFilterSet(OwnPopularTagsFilterSetMixin, images.ImagesFilterSet):
    class Meta(images.ImagesFilterSet.Meta):
        pass


class DocumentsFilterSet(OwnPopularTagsFilterSetMixin, documents.DocumentsFilterSet):
    class Meta(documents.DocumentsFilterSet.Meta):
        pass


class ImagesIndexView(images.IndexView):
    filterset_class = ImagesFilterSet


class DocumentsIndexView(documents.IndexView):
    filterset_class = DocumentsFilterSet


class ImageChooseView(image_chooser.ImageChooseView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if is_partner_only_user(self.request.user):
            context["popular_tags"] = popular_tags_for_user(self.model, self.request.user, ["choose"])
        return context


class ImageChooserViewSet(image_chooser.ImageChooserViewSet):
    choose_view_class = ImageChooseView


# Wagtail's own name and prefix, so that the view's links (results, chosen, upload) are
# Wagtail's URLs; only its choose view is routed (the results have no tags).
image_chooser_viewset = ImageChooserViewSet(
    "wagtailimages_chooser", model=get_image_model(), url_prefix="images/chooser"
)

# Paths inside the admin, and the Wagtail URL each one takes over.
urlpatterns = [
    path("images/", ImagesIndexView.as_view(), name="partners_images_index"),
    path(
        "images/results/",
        ImagesIndexView.as_view(results_only=True),
        name="partners_images_index_results",
    ),
    path("images/chooser/", image_chooser_viewset.choose_view, name="partners_images_choose"),
    path("documents/", DocumentsIndexView.as_view(), name="partners_documents_index"),
    path(
        "documents/results/",
        DocumentsIndexView.as_view(results_only=True),
        name="partners_documents_index_results",
    ),
]
TAKES_OVER = {
    "wagtailimages:index": ImagesIndexView,
    "wagtailimages:index_results": ImagesIndexView,
    "wagtailimages_chooser:choose": ImageChooseView,
    "wagtaildocs:index": DocumentsIndexView,
    "wagtaildocs:index_results": DocumentsIndexView,
}


# Tag autocomplete ----------------------------------------------------------------------------


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's `tags.autocomplete` answer, from the partner user's own media tags. Images and
    documents use taggit's own tag model; another tag model's names are not offered."""
    if (app_name, model_name) not in {(None, None), ("taggit", "tag")}:
        return JsonResponse([], safe=False)
    names = tag_names_for_partner_user(request.user, request.GET.get("term"), TAGS_AUTOCOMPLETE_LIMIT)
    return JsonResponse(names, safe=False)


# Page chooser --------------------------------------------------------------------------------


class ShownOutsideOwnPartner:
    """A chooser column whose cells show each page as the partner user may see it
    (`as_shown_outside_own_partner`); everything else is the wrapped column's."""

    def __init__(self, column, own_paths):
        self.column = column
        self.own_paths = own_paths

    def __getattr__(self, name):
        return getattr(self.column, name)

    def get_cell(self, instance):
        return self.column.get_cell(as_shown_outside_own_partner(instance, self.own_paths))


class PublishedTitlesMixin:
    """For partner users only (partners/middleware.py routes no one else here)."""

    @property
    def columns(self):
        own_paths = own_partner_paths(self.request.user)
        return [ShownOutsideOwnPartner(column, own_paths) for column in super().columns]


class PageBrowseView(PublishedTitlesMixin, page_chooser.BrowseView):
    pass


class PageSearchView(PublishedTitlesMixin, page_chooser.SearchView):
    pass


class PageChosenMultipleView(page_chooser.ChosenMultipleView):
    """Wagtail answers any page ids with their titles, whoever may see the pages: here only the
    pages the chooser offers the partner user, with the titles it shows them."""

    def render_chosen_response(self, result):
        own_paths = own_partner_paths(self.request.user)
        visible = pages_visible_to_partner_user(
            Page.objects.filter(pk__in=[item["id"] for item in result]), self.request.user
        )
        pages = {page.pk: page for page in visible}
        result = [
            {
                **item,
                "adminTitle": as_shown_outside_own_partner(
                    pages[item["id"]], own_paths
                ).get_admin_display_title(),
            }
            for item in result
            if item["id"] in pages
        ]
        return super().render_chosen_response(result)


# Wagtail URL name → the view partner users get instead (partners/middleware.py).
FOR_PARTNER_USERS = {
    "wagtailadmin_choose_page": PageBrowseView.as_view(),
    "wagtailadmin_choose_page_child": PageBrowseView.as_view(),
    "wagtailadmin_choose_page_search": PageSearchView.as_view(),
    "wagtailadmin_choose_page_chosen_multiple": PageChosenMultipleView.as_view(),
    "wagtailadmin_tag_autocomplete": tag_autocomplete,
    "wagtailadmin_tag_model_autocomplete": tag_autocomplete,
}
