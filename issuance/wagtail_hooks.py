"""The Issuance menu in the Wagtail admin: completing enrolments (one, many, or from a CSV file),
every completion, and the tokens integrations use for the API (issuance/admin/); and the issuance
report in the Reports menu (issuance/reports.py)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from . import reports
from .admin.completions import CompleteEnrolmentsViewSet, CompletionViewSet, MarkCompleteBulkAction
from .admin.tokens import IntegrationTokenViewSet
from .admin.uploads import CompletionUploadViewSet


class IssuanceViewSetGroup(ViewSetGroup):
    items = (
        CompleteEnrolmentsViewSet("complete_enrolments"),
        CompletionUploadViewSet("completion_uploads"),
        CompletionViewSet("completions"),
        IntegrationTokenViewSet("integration_tokens"),
    )
    menu_icon = "tick-inverse"
    menu_label = "Issuance"
    menu_name = "issuance"


@hooks.register("register_admin_viewset")
def register_issuance_viewsets():
    return IssuanceViewSetGroup()


hooks.register("register_bulk_action", MarkCompleteBulkAction)


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
