"""Staff complete enrolments in the Wagtail admin: one at a time, or many at once.

"Complete enrolments" lists enrolments (filter by credential, partner and status; search by
learner or credential) with each one's completion, if any, and who or what reported it. An
active enrolment has a "Mark complete" button (a form: result and completion date, today by
default); ticking several, or "select all" across a filtered listing, offers the "Mark complete"
bulk action with one result and date for all, applied in one transaction.

checkout has its own read-only Enrolments listing and must not import issuance, so this one is
built here. Completing needs Django's "Can add completion" permission (issuance.add_completion,
granted in Settings → Groups), or a superuser. Every route ends in services.record_completion().
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalog.models import MicrocredentialPage
from checkout.models import Enrolment, EnrolmentStatus
from partners.models import PartnerPage

from ..enrolment_completions import current_completion, latest_completion, with_completions
from ..models import Completion, CompletionSource
from ..services import CompletionError, record_completion

COMPLETE_PERMISSION = "issuance.add_completion"
MAX_DATABASE_ID = 2**63 - 1


def can_complete(user):
    return user.is_active and (user.is_superuser or user.has_perm(COMPLETE_PERMISSION))


def database_id(value):
    """An id from an address or a form, as an int, or None when no row could have it."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_DATABASE_ID:
        return int(text)
    return None


class CompleteMenuItem(MenuItem):
    def is_shown(self, request):
        return can_complete(request.user)


def reported_by(completion):
    """Who or what reported a completion, for staff: a person, an integration, or the rule."""
    if completion.reported_by_id:
        by = completion.reported_by.email
    elif completion.reported_by_token_id:
        by = f"token {completion.reported_by_token}"
    else:
        by = ""
    source = completion.get_source_display()
    return f"{source} ({by})" if by else source


def completion_summary(enrolment):
    completion = latest_completion(enrolment)
    if completion is None:
        return ""
    text = f"{completion.result or 'Completed'} on {completion.completed_on:%d %b %Y}"
    text += f" · {reported_by(completion)}"
    return f"{text} · revoked" if completion.revoked_at else text


class CompletionForm(forms.Form):
    """One result and date: for one enrolment, or for every enrolment of a bulk action."""

    result = forms.CharField(
        max_length=100,
        initial="Pass",
        help_text="The result or grade, e.g. 'Pass' or '92%'; the badge issuer receives it.",
    )
    completed_on = forms.DateField(
        label="Completion date",
        initial=timezone.localdate,
        widget=AdminDateInput,
        help_text="When the learner completed it; not in the future.",
    )

    def clean_result(self):
        result = self.cleaned_data["result"].strip()
        if not result:
            raise forms.ValidationError("Give a result or grade.")
        return result

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The completion date is in the future.")
        return day


# --- the listing ---


class IdChoiceField(ModelChoiceFilter.field_class):
    """A choice by id that refuses, as an invalid choice, an id no row can have (a number past
    2^63 - 1 is an OverflowError on SQLite and an error on PostgreSQL, not "no such row")."""

    def to_python(self, value):
        if value not in self.empty_values and database_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdChoiceFilter(ModelChoiceFilter):
    field_class = IdChoiceField


class EnrolmentFilterSet(WagtailFilterSet):
    microcredential = IdChoiceFilter(
        label="Credential",
        queryset=MicrocredentialPage.objects.order_by("title"),
        empty_label="All credentials",
    )
    partner = IdChoiceFilter(
        label="Partner",
        field_name="microcredential__provider",
        queryset=PartnerPage.objects.order_by("title"),
        empty_label="All partners",
    )
    status = ChoiceFilter(
        label="Status",
        choices=[
            (EnrolmentStatus.ACTIVE, "To complete (active)"),
            (EnrolmentStatus.COMPLETED, "Completed"),
            (EnrolmentStatus.REVOKED, "Refunded (revoked)"),
        ],
        empty_label="Any status",
    )

    class Meta:
        model = Enrolment
        fields = []


SEARCH_FIELDS = [
    "user__email",
    "user__first_name",
    "user__last_name",
    "microcredential__title",
    "microcredential__short_code",
]


def enrolment_queryset():
    return with_completions(
        Enrolment.objects.select_related("user", "microcredential"), "reported_by", "reported_by_token"
    )


def filtered_enrolments(query):
    """The listing's enrolments for a query string: what "select all" in a bulk action means."""
    enrolments = EnrolmentFilterSet(query, queryset=enrolment_queryset()).qs
    if text := query.get("q", "").strip():
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": text})
        enrolments = enrolments.filter(condition)
    return enrolments


class EnrolmentsToCompleteView(IndexView):
    model = Enrolment
    template_name = "issuance/admin/enrolments_index.html"
    # The rule is can_complete() (dispatch); Enrolment's own policy is checkout's read-only one.
    permission_policy = None
    any_permission_required = None
    filterset_class = EnrolmentFilterSet
    search_fields = SEARCH_FIELDS
    default_ordering = "-created_at"
    page_title = "Complete enrolments"
    paginate_by = 50
    complete_url_name = None
    upload_url_name = "completion_uploads:upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_complete(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return enrolment_queryset()

    @cached_property
    def header_buttons(self):
        return [HeaderButton("Upload a CSV file", url=reverse(self.upload_url_name), icon_name="upload")]

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="enrolment"),
            title_column_class(
                "learner",
                label="Learner",
                accessor=lambda e: f"{e.user.get_full_name() or e.user.email} <{e.user.email}>",
                get_title_id=lambda e: f"enrolment_{quote(e.pk)}_title",
                sort_key="user__email",
            ),
            Column(
                "credential",
                label="Credential",
                accessor=lambda e: f"{e.microcredential.title} ({e.microcredential.short_code or 'no code'})",
                sort_key="microcredential__title",
            ),
            Column("status", label="Status", accessor="get_status_display", sort_key="status"),
            DateColumn("created_at", label="Enrolled", sort_key="created_at"),
            Column("completion", label="Completion", accessor=completion_summary),
        ]

    def get_list_buttons(self, instance):
        if instance.status != EnrolmentStatus.ACTIVE or current_completion(instance) is not None:
            return []
        url = reverse(self.complete_url_name, args=[quote(instance.pk)])
        label = f"Mark complete: {instance.user.email} in {instance.microcredential.title}"
        return [
            ListingButton(
                "Mark complete", url=url, icon_name="check", attrs={"aria-label": label}, priority=10
            )
        ]


class MarkCompleteView(WagtailAdminTemplateMixin, FormView):
    """Complete one enrolment: the listing's "Mark complete" button."""

    template_name = "issuance/admin/mark_complete.html"
    form_class = CompletionForm
    header_icon = "check"
    page_title = "Mark complete"
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not can_complete(request.user):
            raise PermissionDenied
        pk = database_id(kwargs["pk"])
        self.enrolment = enrolment_queryset().filter(pk=pk).first() if pk else None
        if self.enrolment is None:
            raise Http404("No such enrolment.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.enrolment.user.email} in {self.enrolment.microcredential.title}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(self.index_url_name), "label": "Complete enrolments"},
            {"url": "", "label": "Mark complete"},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enrolment=self.enrolment,
            completion=current_completion(self.enrolment),
            completion_summary=completion_summary(self.enrolment),
            back_url=reverse(self.index_url_name),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            completion, created = record_completion(
                self.enrolment,
                result=form.cleaned_data["result"],
                completed_on=form.cleaned_data["completed_on"],
                source=CompletionSource.ADMIN,
                reported_by=self.request.user,
            )
        except CompletionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        who = f"{self.enrolment.user.email} in {self.enrolment.microcredential.title}"
        if created:
            messages.success(self.request, f"Marked complete: {who}.")
        else:
            messages.warning(
                self.request,
                f"Already completed, nothing changed: {who} ({completion.result}, "
                f"{completion.completed_on:%d %b %Y}, {reported_by(completion)}).",
            )
        return redirect(self.index_url_name)


class CompleteEnrolmentsViewSet(ViewSet):
    icon = "check"
    menu_label = "Complete enrolments"
    menu_name = "complete_enrolments"

    @cached_property
    def menu_item_class(self):
        return CompleteMenuItem

    @property
    def index_view(self):
        return EnrolmentsToCompleteView.as_view(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            complete_url_name=self.get_url_name("complete"),
        )

    @property
    def index_results_view(self):
        return EnrolmentsToCompleteView.as_view(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            complete_url_name=self.get_url_name("complete"),
            results_only=True,
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "complete/<str:pk>/",
                MarkCompleteView.as_view(index_url_name=self.get_url_name("index")),
                name="complete",
            ),
        ]


# --- the bulk action ---


class MarkCompleteBulkAction(BulkAction):
    """Ticked enrolments (or every one the filtered listing holds) completed with one result and date.

    Wagtail runs execute_action() in one transaction. Enrolments already completed, or refunded,
    are listed on the confirmation page and left alone.
    """

    display_name = "Mark complete"
    action_type = "mark_complete"
    aria_label = "Mark the selected enrolments complete"
    template_name = "issuance/admin/bulk_mark_complete.html"
    action_priority = 10
    form_class = CompletionForm
    models = [Enrolment]

    def dispatch(self, request, *args, **kwargs):
        if not can_complete(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [pk for pk in (database_id(value) for value in object_ids) if pk]
        enrolments = list(enrolment_queryset().filter(pk__in=ids).order_by("user__email", "pk"))
        if not enrolments:
            raise Http404("None of these enrolments exist.")
        return enrolments

    def get_all_objects_in_listing_query(self, parent_id):
        return filtered_enrolments(self.request.GET).values_list("pk", flat=True)

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        actionable, completed, refunded = [], [], []
        for enrolment in objects:
            if current_completion(enrolment) is not None:
                completed.append(enrolment)
            elif enrolment.status == EnrolmentStatus.REVOKED:
                refunded.append(enrolment)
            else:
                actionable.append(enrolment)
        return actionable, {**extra, "already_completed": completed, "refunded": refunded}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["already_completed"] = [
            {"item": e, "summary": completion_summary(e)} for e in context.get("already_completed", [])
        ]
        return context

    def get_execution_context(self):
        return {**self.cleaned_form.cleaned_data, "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, result=None, completed_on=None, user=None, **kwargs):
        created = skipped = 0
        for enrolment in objects:
            try:
                _, made = record_completion(
                    enrolment,
                    result=result,
                    completed_on=completed_on,
                    source=CompletionSource.ADMIN,
                    reported_by=user,
                )
            except CompletionError:  # refunded since the confirmation page was shown
                skipped += 1
                continue
            created += made
            skipped += not made
        return created, skipped

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = f"Marked {num_parent_objects} enrolment{'s' if num_parent_objects != 1 else ''} complete."
        if num_child_objects:
            message += f" {num_child_objects} left alone: completed or refunded in the meantime."
        return message


# --- every completion, read-only ---


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Completions are never edited or deleted in the admin: they were announced to issuers."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Completion, ViewOnlyPermissionPolicy(Completion))


def completion_subject(completion):
    page = completion.enrolment.microcredential if completion.enrolment_id else completion.pathway
    kind = "" if completion.enrolment_id else " (pathway)"
    return f"{page.title}{kind}"


class CompletionViewSet(ModelViewSet):
    model = Completion
    icon = "tick-inverse"
    menu_label = "Completions"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["result"]  # required by ModelViewSet; the edit view is never permitted
    list_display = [
        "learner",
        Column("subject", label="Completed", accessor=completion_subject),
        "result",
        DateColumn("completed_on", label="Completed on", sort_key="completed_on"),
        Column("reported", label="Reported by", accessor=reported_by),
        DateColumn("created_at", label="Recorded", sort_key="created_at"),
        DateColumn("revoked_at", label="Revoked", sort_key="revoked_at"),
    ]
    list_filter = ["source", "completed_on", "created_at"]
    search_fields = ["learner__email", "enrolment__microcredential__title", "pathway__title", "result"]
    list_export = [
        "learner",
        "subject",
        "result",
        "completed_on",
        "source",
        "reported_by",
        "reported_by_token",
        "created_at",
        "revoked_at",
    ]
    inspect_view_fields = [
        "learner",
        "enrolment",
        "pathway",
        "result",
        "completed_on",
        "source",
        "reported_by",
        "reported_by_token",
        "created_at",
        "revoked_at",
        "credential_url",
        "issued_at",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Completion.objects.select_related(
            "learner", "enrolment__microcredential", "pathway", "reported_by", "reported_by_token"
        )

    def get_permissions_to_register(self):
        # "Can add completion" is what lets a group complete enrolments (admin, bulk, CSV).
        return (
            super().get_permissions_to_register().filter(codename__in=["add_completion", "view_completion"])
        )
