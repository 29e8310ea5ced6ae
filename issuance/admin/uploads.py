"""Completions from a CSV upload: upload, preview every row with its verdict, confirm.

The uploaded file is kept in the staff member's session (one pending upload per session, at most
csv_intake.MAX_BYTES), not in the preview page, so what is confirmed is the file that was checked,
and the confirmation checks it all again before applying the good rows in one transaction. The
preview's address carries the upload's id, so a preview left open in another tab cannot confirm
a newer upload.
"""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from ..csv_intake import MAX_BYTES, MAX_ROWS, SAMPLE, CsvFileError, apply_rows, check_rows, read_csv, summary
from ..intake import FIELDS
from .completions import CompleteMenuItem, can_complete

SESSION_KEY = "issuance_completion_upload"
LISTING_URL_NAME = "complete_enrolments:index"


class CanCompleteMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_complete(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, at most {MAX_BYTES // 1024} KB and {MAX_ROWS} rows, with the header row "
        f"{','.join(FIELDS)}. Dates as YYYY-MM-DD.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files."
            )
        data = upload.read()
        try:
            read_csv(data)
        except CsvFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload.name, data


class UploadView(CanCompleteMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "issuance/admin/upload.html"
    form_class = UploadForm
    header_icon = "upload"
    page_title = "Upload completions"
    preview_url_name = None
    sample_url_name = None

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(LISTING_URL_NAME), "label": "Complete enrolments"},
            {"url": "", "label": "Upload completions"},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(fields=FIELDS, sample_url=reverse(self.sample_url_name), **kwargs)

    def form_valid(self, form):
        name, data = form.cleaned_data["file"]
        upload_id = str(uuid.uuid4())
        self.request.session[SESSION_KEY] = {
            "id": upload_id,
            "name": name[:200],
            "content": data.decode("utf-8-sig"),
        }
        return redirect(self.preview_url_name, upload_id)


class SampleView(CanCompleteMixin, View):
    def get(self, request):
        response = HttpResponse(SAMPLE, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="completions-sample.csv"'
        return response


class PreviewView(CanCompleteMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: every row and its verdict. POST: check again and apply the good rows."""

    template_name = "issuance/admin/upload_preview.html"
    header_icon = "upload"
    upload_url_name = None

    def dispatch(self, request, *args, **kwargs):
        self.upload = None
        pending = request.session.get(SESSION_KEY)
        if isinstance(pending, dict) and pending.get("id") == str(kwargs["upload_id"]):
            self.upload = pending
        return super().dispatch(request, *args, **kwargs)

    def gone(self):
        messages.warning(
            self.request,
            "That upload is no longer waiting for confirmation (confirmed, or replaced by a newer one). "
            "Upload the file again.",
        )
        return redirect(self.upload_url_name)

    @cached_property
    def rows(self):
        try:
            parsed, self.ignored_columns = read_csv(self.upload["content"].encode())
        except CsvFileError:  # cannot happen for a file that passed the upload form, but never trust
            return None
        return check_rows(parsed)

    def get_page_title(self):
        return "Confirm completions" if self.request.method == "GET" else "Completions applied"

    def get_page_subtitle(self):
        return self.upload["name"] if self.upload else ""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(LISTING_URL_NAME), "label": "Complete enrolments"},
            {"url": reverse(self.upload_url_name), "label": "Upload completions"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        if self.upload is None or self.rows is None:
            return self.gone()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.upload is None or self.rows is None:
            return self.gone()
        apply_rows(self.rows, reported_by=request.user)
        del request.session[SESSION_KEY]
        counts = summary(self.rows)
        messages.success(
            request,
            f"{counts['completed']} completion{'s' if counts['completed'] != 1 else ''} recorded from "
            f"{self.upload['name']}; {counts['skipped']} skipped, {counts['error']} with errors not applied.",
        )
        return self.render_to_response(self.get_context_data(applied=True))

    def get_context_data(self, applied=False, **kwargs):
        return super().get_context_data(
            upload=self.upload,
            rows=self.rows,
            counts=summary(self.rows),
            ignored_columns=self.ignored_columns,
            applied=applied,
            upload_url=reverse(self.upload_url_name),
            listing_url=reverse(LISTING_URL_NAME),
            **kwargs,
        )


class CompletionUploadViewSet(ViewSet):
    icon = "upload"
    menu_label = "Upload completions (CSV)"
    menu_name = "completion_uploads"

    @cached_property
    def menu_item_class(self):
        return CompleteMenuItem

    def get_urlpatterns(self):
        return [
            path(
                "",
                UploadView.as_view(
                    preview_url_name=self.get_url_name("preview"), sample_url_name=self.get_url_name("sample")
                ),
                name="upload",
            ),
            path("sample.csv", SampleView.as_view(), name="sample"),
            path(
                "<uuid:upload_id>/",
                PreviewView.as_view(upload_url_name=self.get_url_name("upload")),
                name="preview",
            ),
        ]
