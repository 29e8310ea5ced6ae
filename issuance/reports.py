"""The issuance report in the admin (Reports menu): completions, credentials issued, claimed and
shared, per credential (and pathway) and per partner, with rates, over a date range; CSV and XLSX
export come with Wagtail's ReportView.

The counts are one aggregate query over the completions in the range, grouped by what was
completed; names and partners are two or three more queries, whatever the number of rows. Only
current completions count (a refund revokes one, and it drops out). A credential counts as issued
once the issuer gave its URL back; claimed and shared are issued credentials whose learner used
our View credential or Add to LinkedIn profile link at least once. A credential belongs to the
partner offering it (the provider its page sits under); a pathway to the partner page it sits
under, if any.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import path
from django.utils.functional import cached_property
from django_filters import DateFromToRangeFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy

from catalog.models import MicrocredentialPage, PathwayPage
from partners.models import PartnerPage

from .models import Completion

NO_PARTNER = "No partner (catalog-wide pathway)"


def rate(part, whole):
    """A percentage for people: '75%', '66.7%'; '—' when there is nothing to divide by."""
    if not whole:
        return "—"
    value = round(100 * part / whole, 1)
    return f"{value:g}%"


def rate_number(part, whole):
    """The same rate for spreadsheets: a number (75.0), or empty."""
    return round(100 * part / whole, 1) if whole else ""


@dataclass
class IssuanceRow:
    name: str
    code: str = ""
    kind: str = ""
    partner: str = ""
    completions: int = 0
    issued: int = 0
    claimed: int = 0
    shared: int = 0

    @property
    def code_or_kind(self):
        return self.code or self.kind

    def add(self, other):
        self.completions += other.completions
        self.issued += other.issued
        self.claimed += other.claimed
        self.shared += other.shared

    @property
    def issued_rate(self):
        return rate(self.issued, self.completions)

    @property
    def claimed_rate(self):
        return rate(self.claimed, self.issued)

    @property
    def shared_rate(self):
        return rate(self.shared, self.issued)

    @property
    def issued_rate_number(self):
        return rate_number(self.issued, self.completions)

    @property
    def claimed_rate_number(self):
        return rate_number(self.claimed, self.issued)

    @property
    def shared_rate_number(self):
        return rate_number(self.shared, self.issued)


def counts_by_subject(completions):
    """{(credential id, pathway id): IssuanceRow with counts only}, in one query."""
    issued = ~Q(credential_url="")
    rows = (
        completions.order_by()
        .values("enrolment__microcredential_id", "pathway_id")
        .annotate(
            completions=Count("pk"),
            issued=Count("pk", filter=issued),
            claimed=Count("pk", filter=issued & Q(claim_count__gt=0)),
            shared=Count("pk", filter=issued & Q(share_count__gt=0)),
        )
    )
    return {
        (row["enrolment__microcredential_id"], row["pathway_id"]): IssuanceRow(
            name="",
            completions=row["completions"],
            issued=row["issued"],
            claimed=row["claimed"],
            shared=row["shared"],
        )
        for row in rows
    }


def rows_by_subject(completions):
    """One row per credential and per pathway completed in `completions`, most completions first."""
    counted = counts_by_subject(completions)
    credential_ids = {credential for credential, _ in counted if credential}
    pathway_ids = {pathway for _, pathway in counted if pathway}
    credentials = {
        pk: (title, code, partner or NO_PARTNER)
        for pk, title, code, partner in MicrocredentialPage.objects.filter(pk__in=credential_ids).values_list(
            "pk", "title", "short_code", "provider__title"
        )
    }
    pathways = pathway_partners(pathway_ids)
    rows = []
    for (credential_id, pathway_id), row in counted.items():
        if credential_id:
            row.name, row.code, row.partner = credentials[credential_id]
            row.kind = "Credential"
        else:
            row.name, row.partner = pathways[pathway_id]
            row.kind = "Pathway"
        rows.append(row)
    rows.sort(key=lambda row: (-row.completions, row.name.casefold()))
    return rows


def pathway_partners(pathway_ids):
    """{pathway id: (title, partner title)}: the partner page a pathway sits under, if any."""
    pathways = list(PathwayPage.objects.filter(pk__in=pathway_ids).values_list("pk", "title", "path"))
    steplen = Page.steplen
    parents = dict(
        PartnerPage.objects.filter(path__in={path[:-steplen] for _, _, path in pathways}).values_list(
            "path", "title"
        )
    )
    return {pk: (title, parents.get(path[:-steplen], NO_PARTNER)) for pk, title, path in pathways}


def rows_by_partner(completions):
    partners = {}
    for row in rows_by_subject(completions):
        partners.setdefault(row.partner, IssuanceRow(name=row.partner)).add(row)
    return sorted(partners.values(), key=lambda row: (-row.completions, row.name.casefold()))


def totals(rows):
    total = IssuanceRow(name="All")
    for row in rows:
        total.add(row)
    return total


class IssuanceReportFilterSet(WagtailFilterSet):
    completed_on = DateFromToRangeFilter(label="Completed between", widget=DateRangePickerWidget)

    class Meta:
        model = Completion
        fields = []


RATE_COLUMNS = [
    NumberColumn("completions", label="Completions"),
    NumberColumn("issued", label="Issued"),
    Column("issued_rate", label="Issued %"),
    NumberColumn("claimed", label="Claimed"),
    Column("claimed_rate", label="Claimed %"),
    NumberColumn("shared", label="Shared"),
    Column("shared_rate", label="Shared %"),
]
RATE_EXPORT = [
    "completions",
    "issued",
    "issued_rate_number",
    "claimed",
    "claimed_rate_number",
    "shared",
    "shared_rate_number",
]
RATE_HEADINGS = {
    "completions": "Completions",
    "issued": "Issued",
    "issued_rate_number": "Issued / completions (%)",
    "claimed": "Claimed",
    "claimed_rate_number": "Claimed / issued (%)",
    "shared": "Shared",
    "shared_rate_number": "Shared / issued (%)",
}


class IssuanceReportView(ReportView):
    """Shared by the two groupings; a subclass says how rows are grouped (group_rows)."""

    results_template_name = "issuance/admin/issuance_report_results.html"
    header_icon = "success"
    filterset_class = IssuanceReportFilterSet
    permission_policy = ModelPermissionPolicy(Completion)
    permission_required = "view"
    paginate_by = 100

    def get_base_queryset(self):
        return Completion.objects.current()

    def get_filtered_queryset(self):
        return self.group_rows(self.filter_queryset(self.get_base_queryset()))

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No completions in these dates."
        return (
            "Nothing has been completed yet. Completions recorded in the admin, by CSV upload or "
            "through the API appear here, with the credentials issued for them."
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = totals(self.object_list)
        return context


class IssuanceByCredentialView(IssuanceReportView):
    page_title = "Issuance by credential"
    index_url_name = "issuance_reports:by_credential"
    index_results_url_name = "issuance_reports:by_credential_results"
    export_filename = "issuance-by-credential"
    columns = [
        Column("name", label="Credential or pathway"),
        Column("code_or_kind", label="Code"),
        Column("partner", label="Partner"),
        *RATE_COLUMNS,
    ]
    list_export = ["name", "kind", "code", "partner", *RATE_EXPORT]
    export_headings = {
        "name": "Credential or pathway",
        "kind": "Kind",
        "code": "Code",
        "partner": "Partner",
        **RATE_HEADINGS,
    }

    def group_rows(self, completions):
        return rows_by_subject(completions)


class IssuanceByPartnerView(IssuanceReportView):
    page_title = "Issuance by partner"
    index_url_name = "issuance_reports:by_partner"
    index_results_url_name = "issuance_reports:by_partner_results"
    export_filename = "issuance-by-partner"
    columns = [Column("name", label="Partner"), *RATE_COLUMNS]
    list_export = ["name", *RATE_EXPORT]
    export_headings = {"name": "Partner", **RATE_HEADINGS}

    def group_rows(self, completions):
        return rows_by_partner(completions)


class IssuanceReportMenuItem(MenuItem):
    """Shown to staff who may view completions (and superusers)."""

    def is_shown(self, request):
        return IssuanceReportView.permission_policy.user_has_permission(request.user, "view")


# Admin URLs, under /admin/reports/issuance/ (issuance/wagtail_hooks.py), namespace "issuance_reports".
urlpatterns = [
    path("credentials/", IssuanceByCredentialView.as_view(), name="by_credential"),
    path(
        "credentials/results/",
        IssuanceByCredentialView.as_view(results_only=True),
        name="by_credential_results",
    ),
    path("partners/", IssuanceByPartnerView.as_view(), name="by_partner"),
    path("partners/results/", IssuanceByPartnerView.as_view(results_only=True), name="by_partner_results"),
]
