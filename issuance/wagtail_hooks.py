from django.urls import include, path, reverse
from wagtail import hooks

from . import reports

# --- The issuance report (issuance/reports.py), in the Reports menu ---


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
