"""The partner dashboard and statements (partner_dashboard/views.py) and the revenue agreements
(partner_dashboard/admin_views.py) in the Wagtail admin."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .access import dashboard_partners
from .admin_views import RevenueAgreementViewSet
from .payments import MARK_PAID_ACTION

urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="index"),
    path("<int:partner_id>/", views.DashboardView.as_view(), name="partner"),
    path("<int:partner_id>/statements/", views.StatementsView.as_view(), name="statements"),
    path(
        "<int:partner_id>/statements/<int:year>/<int:month>/", views.StatementView.as_view(), name="statement"
    ),
    path(
        "<int:partner_id>/statements/<int:year>/<int:month>/csv/",
        views.StatementCSVView.as_view(),
        name="statement_csv",
    ),
]


@hooks.register("register_admin_urls")
def register_partner_dashboard_urls():
    return [path("partner-dashboard/", include((urlpatterns, "partner_dashboard")))]


class PartnerDashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return dashboard_partners(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_partner_dashboard_menu_item():
    return PartnerDashboardMenuItem(
        "Partner dashboard", reverse("partner_dashboard:index"), icon_name="table", order=640
    )


@hooks.register("register_admin_viewset")
def register_revenue_agreements():
    return RevenueAgreementViewSet("revenue_agreements")


@hooks.register("register_permissions")
def register_partner_dashboard_permissions():
    """Settings → Groups lists these under *Partner dashboard*."""
    return Permission.objects.filter(
        content_type__app_label="partner_dashboard",
        codename__in=["view_any_partner_dashboard", "mark_statement_paid"],
    )


@hooks.register("register_log_actions")
def register_partner_dashboard_log_actions(actions):
    actions.register_action(MARK_PAID_ACTION, "Mark statement paid", "Statement marked paid")
