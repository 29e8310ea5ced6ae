"""The partner dashboard and statements in the Wagtail admin. The figures come from
partner_dashboard/figures.py, who may see what from partner_dashboard/access.py; these views
read the request, ask them and render."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from spreadsheets.cells import csv_writer

from . import figures
from .access import can_mark_paid, dashboard_partners, sees_every_partner
from .agreements import first_open_day
from .forms import DashboardFilterForm, MarkPaidForm
from .payments import PaymentRefused, mark_paid

ROWS_PER_PAGE = 50
LINES_PER_PAGE = 100


class PartnerMixin:
    """Finds the partner in the URL among those the user may see; any other answers 404."""

    def dispatch(self, request, partner_id, *args, **kwargs):
        self.partner = get_object_or_404(dashboard_partners(request.user), pk=partner_id)
        return super().dispatch(request, partner_id, *args, **kwargs)

    def partner_breadcrumbs(self):
        items = [{"url": reverse("partner_dashboard:index"), "label": "Partner dashboard"}]
        return [
            *items,
            {
                "url": reverse("partner_dashboard:partner", args=[self.partner.pk]),
                "label": self.partner.title,
            },
        ]


class DashboardIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Staff choose a partner; a partner user goes straight to their own."""

    template_name = "partner_dashboard/index.html"
    page_title = "Partner dashboard"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        self.partners = list(dashboard_partners(request.user))
        if not self.partners:
            raise PermissionDenied
        if len(self.partners) == 1 and not sees_every_partner(request.user):
            return redirect("partner_dashboard:partner", partner_id=self.partners[0].pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partners=self.partners, **kwargs)


class DashboardView(PartnerMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "partner_dashboard/dashboard.html"
    header_icon = "table"

    def get_page_title(self):
        return f"{self.partner.title}: dashboard"

    def get_breadcrumbs_items(self):
        return self.partner_breadcrumbs()

    def get(self, request, *args, **kwargs):
        form = DashboardFilterForm(request.GET or None, partner=self.partner, today=timezone.localdate())
        if request.GET and not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form, result=None))
            response.status_code = 400
            return response
        if request.GET:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            credential = form.cleaned_data["credential"]
        else:
            start, end, credential = form.default_start(), form.today, None
        result = figures.dashboard(
            self.partner, start, end, credential_id=credential.pk if credential else None
        )
        rows = Paginator(result.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        return self.render_to_response(self.get_context_data(form=form, result=result, rows=rows))

    def get_context_data(self, **kwargs):
        result = kwargs.get("result")
        chart = None
        if result is not None:
            chart = {
                "labels": [row.label for row in result.series],
                "enrolments": [row.enrolments for row in result.series],
                "net": [str(row.net) for row in result.series],
                "share": [str(row.share) for row in result.series],
            }
        query = self.request.GET.copy()
        query.pop("page", None)
        form = kwargs["form"]
        return super().get_context_data(
            partner=self.partner,
            chart=chart,
            credential_choices=form.fields["credential"].queryset.values_list("pk", "title"),
            selected_credential=str(form["credential"].value() or ""),
            query=query.urlencode(),
            agreements=list(reversed(result.agreement_periods)) if result else [],
            **kwargs,
        )


def month_from_url(year, month):
    """The month a statement URL names: a real month, not in the future, else 404."""
    try:
        first_day = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if first_day > first_open_day() or first_day.year < 2000:
        raise Http404
    return first_day


class StatementsView(PartnerMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every month from the partner's first sale to this one, newest first."""

    template_name = "partner_dashboard/statements.html"
    header_icon = "table"

    def get_page_title(self):
        return f"{self.partner.title}: statements"

    def get_breadcrumbs_items(self):
        return [*self.partner_breadcrumbs(), {"url": "", "label": "Statements"}]

    def get_context_data(self, **kwargs):
        last = first_open_day()
        first = figures.first_activity_month(self.partner) or last
        months = figures.monthly_totals(self.partner, min(first, last), last)
        rows = sorted(months.values(), key=lambda row: row.month, reverse=True)
        return super().get_context_data(
            partner=self.partner,
            months=Paginator(rows, 24).get_page(self.request.GET.get("page")),
            current_month=last,
            **kwargs,
        )


class StatementView(PartnerMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "partner_dashboard/statement.html"
    header_icon = "table"

    def dispatch(self, request, partner_id, year, month, *args, **kwargs):
        self.month = month_from_url(year, month)
        return super().dispatch(request, partner_id, *args, **kwargs)

    def get_page_title(self):
        return f"{self.partner.title}: statement for {self.month:%B %Y}"

    def get_breadcrumbs_items(self):
        statements = reverse("partner_dashboard:statements", args=[self.partner.pk])
        return [
            *self.partner_breadcrumbs(),
            {"url": statements, "label": "Statements"},
            {"url": "", "label": f"{self.month:%B %Y}"},
        ]

    def get_context_data(self, form=None, **kwargs):
        result = figures.statement(self.partner, self.month)
        payment = self.partner.statement_payments.filter(month=self.month).select_related("paid_by").first()
        month_over = self.month < first_open_day()
        may_mark_paid = can_mark_paid(self.request.user) and month_over and payment is None
        return super().get_context_data(
            partner=self.partner,
            statement=result,
            lines=Paginator(result.lines, LINES_PER_PAGE).get_page(self.request.GET.get("page")),
            payment=payment,
            month_over=month_over,
            form=(form or MarkPaidForm()) if may_mark_paid and result.totals.share_cents > 0 else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Mark the month paid (staff with the permission)."""
        if not can_mark_paid(request.user):
            raise PermissionDenied
        form = MarkPaidForm(request.POST)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        try:
            payment = mark_paid(request.user, self.partner, self.month, form.cleaned_data["reference"])
        except PaymentRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"{self.month:%B %Y} is marked paid: {payment.amount} to {self.partner.title}."
            )
        return redirect("partner_dashboard:statement", self.partner.pk, self.month.year, self.month.month)


class Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "Date (UTC)",
    "Type",
    "Order",
    "Credential code",
    "Credential",
    "What was bought",
    "Line",
    "Amount (USD)",
    "Partner share (%)",
    "Partner share (USD)",
]


def statement_rows(result):
    """The statement as spreadsheet rows: a header, a row per sale and refund, then the totals,
    which are the sums of the rows above them."""
    yield CSV_HEADER
    for line in result.lines:
        yield [
            f"{timezone.localtime(line.at):%Y-%m-%d %H:%M}",
            line.kind,
            line.order_number,
            line.credential_code,
            line.credential_title,
            line.description,
            line.line_kind,
            line.amount,
            line.share_percent,
            line.share,
        ]
    totals = result.totals
    yield []
    yield ["Gross sales", "", "", "", "", "", "", totals.gross, "", ""]
    yield ["Refunds", "", "", "", "", "", "", -totals.refunds, "", ""]
    yield ["Net", "", "", "", "", "", "", totals.net, "", totals.share]


class StatementCSVView(PartnerMixin, View):
    def get(self, request, partner_id, year, month):
        first_day = month_from_url(year, month)
        result = figures.statement(self.partner, first_day)
        writer = csv_writer(Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in statement_rows(result)), content_type="text/csv"
        )
        filename = f"statement-{self.partner.slug}-{first_day:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
