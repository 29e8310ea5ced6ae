"""The Issuance menu in the Wagtail admin: completing enrolments (one, many, or from a CSV file),
every completion, the tokens integrations use for the API, issuer endpoints and their webhook
deliveries (issuance/admin/); and the issuance report in the Reports menu (issuance/reports.py)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from . import reports
from .admin.completions import CompleteEnrolmentsViewSet, CompletionViewSet, MarkCompleteBulkAction
from .admin.deliveries import DeliveryViewSet, ViewOnlyPermissionPolicy
from .admin.endpoints import (
    PAUSE_ACTION,
    RESUME_ACTION,
    ROTATE_ACTION,
    EndpointPermissionPolicy,
    IssuerEndpointViewSet,
)
from .admin.tokens import IntegrationTokenViewSet
from .admin.uploads import CompletionUploadViewSet
from .models import Delivery, IssuerEndpoint

# Endpoints are never deleted (their deliveries are history); deliveries are only viewed (and
# replayed, by users with "Can change delivery").
register_permission_policy(IssuerEndpoint, EndpointPermissionPolicy(IssuerEndpoint))
register_permission_policy(Delivery, ViewOnlyPermissionPolicy(Delivery))


class IssuanceViewSetGroup(ViewSetGroup):
    items = (
        CompleteEnrolmentsViewSet("complete_enrolments"),
        CompletionUploadViewSet("completion_uploads"),
        CompletionViewSet("completions"),
        IntegrationTokenViewSet("integration_tokens"),
        IssuerEndpointViewSet("issuer_endpoints"),
        DeliveryViewSet("deliveries"),
    )
    menu_icon = "tick-inverse"
    menu_label = "Issuance"
    menu_name = "issuance"


@hooks.register("register_admin_viewset")
def register_issuance_viewsets():
    return IssuanceViewSetGroup()


hooks.register("register_bulk_action", MarkCompleteBulkAction)


@hooks.register("register_log_actions")
def register_endpoint_log_actions(actions):
    actions.register_action(ROTATE_ACTION, "Rotate signing secret", "Signing secret rotated")
    actions.register_action(PAUSE_ACTION, "Pause issuer endpoint", "Issuer endpoint paused")
    actions.register_action(RESUME_ACTION, "Resume issuer endpoint", "Issuer endpoint resumed")


@hooks.register("register_admin_urls")
def register_issuance_report_urls():
    return [path("reports/issuance/", include((reports.urlpatterns, "issuance_reports")))]


@hooks.register("register_reports_menu_item")
def register_issuance_by_credential_report():
    return reports.IssuanceReportMenuItem(
        "Issuance by credential", reverse("issuance_reports:by_credential"), icon_name="success", order=700
    )


@hooks.register("register_reports_menu_item")
def register_issuance_by_partner_report():
    return reports.IssuanceReportMenuItem(
        "Issuance by partner", reverse("issuance_reports:by_partner"), icon_name="group", order=701
    )
