from django import forms
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import cobranding_views
from .cobranding import decidable_partners
from .models import CoBrandingConsent, Competency, CompetencyFramework, ConsentStatus, MicrocredentialPage
from .models.competencies import BY_FRAMEWORK_AND_CODE


class CompetencyFrameworkViewSet(SnippetViewSet):
    model = CompetencyFramework
    icon = "list-ul"
    menu_label = "Frameworks"
    list_display = [
        "title",
        "publisher",
        "version",
        Column("competency_count", label="Competencies"),
        BooleanColumn("show_on_skills_page", label="On the skills page"),
        "updated_at",
    ]
    list_filter = ["publisher", "show_on_skills_page"]
    search_fields = ["title", "publisher", "case_identifier"]
    ordering = ["title"]

    def get_queryset(self, request):
        from django.db.models import Count

        return CompetencyFramework.objects.annotate(competency_count=Count("competencies"))


class CompetencyChooserFilterForm(BaseFilterForm):
    """The chooser's search box: by code ("DA.1", "MF") or by words of the statement."""

    q = forms.CharField(
        label="Search term",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Code (DA.1) or words of the statement"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        text = self.cleaned_data.get("q")
        if text:
            objects = objects.matching(text)
            self.is_searching, self.search_query = True, text
        return objects


class CompetencyChooserViewMixin:
    filter_form_class = CompetencyChooserFilterForm
    ordering = BY_FRAMEWORK_AND_CODE

    def get_object_list(self):
        return Competency.objects.select_related("framework")

    @property
    def columns(self):
        return [*super().columns, Column("framework", label="Framework")]


class CompetencyChooseView(CompetencyChooserViewMixin, ChooseView):
    pass


class CompetencyChooseResultsView(CompetencyChooserViewMixin, ChooseResultsView):
    pass


class CompetencyChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CompetencyChooseView
    choose_results_view_class = CompetencyChooseResultsView


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "tick"
    menu_label = "Competencies"
    list_display = ["human_coding_scheme", "full_statement", "competency_type", "framework"]
    list_filter = ["framework", "competency_type"]
    # Listing search goes straight to the database: these are short admin lookups, and
    # it keeps the listing correct even before the search index has caught up.
    search_fields = ["full_statement", "human_coding_scheme", "case_identifier"]
    search_backend_name = None
    list_per_page = 50
    chooser_viewset_class = CompetencyChooserViewSet

    def get_queryset(self, request):
        # Without a column ordering chosen, a framework's competencies together, in its order.
        return Competency.objects.select_related("framework").order_by(*BY_FRAMEWORK_AND_CODE)


class CompetencyGroup(SnippetViewSetGroup):
    items = [CompetencyFrameworkViewSet, CompetencyViewSet]
    menu_icon = "tick-inverse"
    menu_label = "Competencies"
    menu_name = "competencies"


register_snippet(CompetencyGroup)


# A flat listing of every credential, whatever partner it sits under: marketing staff find a
# credential by code or title, filter by level, format or credit, and export the list.
class MicrocredentialFilterSet(PageListingViewSet.filterset_class):
    class Meta:
        model = MicrocredentialPage
        fields = ["level", "delivery_format", "credit_eligible", "assessment_method"]


class MicrocredentialIndexView(PageListingViewSet.index_view_class):
    list_export = [
        "short_code",
        "title",
        "price",
        "credit_eligible",
        "credit_conversion_fee",
        "notional_hours",
        "live",
    ]


class MicrocredentialListingViewSet(PageListingViewSet):
    model = MicrocredentialPage
    icon = "doc-full-inverse"
    menu_label = "Microcredentials"
    menu_order = 150
    add_to_admin_menu = True
    columns = PageListingViewSet.columns + [
        Column("short_code", label="Code", sort_key="short_code"),
        Column("price", label="Price (USD)", sort_key="price"),
        Column("credit_conversion_fee", label="Credit fee (USD)"),
        Column("get_level_display", label="Level", sort_key="level"),
    ]
    index_view_class = MicrocredentialIndexView
    filterset_class = MicrocredentialFilterSet


@hooks.register("register_admin_viewset")
def register_microcredential_listing():
    return MicrocredentialListingViewSet("microcredentials")


# Co-branding consent (catalog/cobranding_views.py) ---------------------------------------------

cobranding_urlpatterns = [
    path("", cobranding_views.CoBrandingIndexView.as_view(), name="index"),
    # Before the decision pattern, which would otherwise take "override" as an action.
    path("<int:pk>/override/", cobranding_views.OverrideView.as_view(), name="override"),
    path(
        "<int:pk>/<str:action>/",
        cobranding_views.DecideView.as_view(),
        name="decide",
    ),
]


@hooks.register("register_admin_urls")
def register_cobranding_urls():
    return [path("cobranding/", include((cobranding_urlpatterns, "cobranding")))]


class CoBrandingMenuItem(MenuItem):
    def is_shown(self, request):
        return decidable_partners(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_cobranding_menu_item():
    return CoBrandingMenuItem(
        "Co-branding requests", reverse("cobranding:index"), icon_name="link", order=660
    )


class PendingCoBrandingPanel(Component):
    """On the admin dashboard: how many credentials wait for this user's consent."""

    name = "cobranding_requests"
    order = 90

    def __init__(self, count):
        self.count = count

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel" aria-labelledby="cobranding-panel-heading">'
            '<h2 id="cobranding-panel-heading">Co-branding requests</h2>'
            "<p>{} credential{} wait{} for your consent. "
            '<a href="{}">Approve or decline</a></p></section>',
            self.count,
            "" if self.count == 1 else "s",
            "s" if self.count == 1 else "",
            reverse("cobranding:index"),
        )


@hooks.register("construct_homepage_panels")
def add_pending_cobranding_panel(request, panels):
    count = CoBrandingConsent.objects.filter(
        partner__in=decidable_partners(request.user), status=ConsentStatus.REQUESTED
    ).count()
    if count:
        panels.append(PendingCoBrandingPanel(count))


@hooks.register("register_permissions")
def register_cobranding_staff_permission():
    """Lets staff grant *Can decide and override any partner's co-branding consent*."""
    return Permission.objects.filter(content_type__app_label="catalog", codename="decide_any_cobranding")
