"""Deliveries in the Wagtail admin: every outbox row, its attempts, and replays.

Read-only, like the order listings: a delivery's history is evidence of what the issuer was
told. The one action is a replay (of one delivery from its page, or of every delivery the
listing's filters select), which sends it again under the same webhook-id.
"""

import json

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy

from .. import outbox
from ..models import Delivery, DeliveryStatus, EventType, IssuerEndpoint
from .ids import database_id

REPLAY_PERMISSION = "issuance.change_delivery"


def can_replay(user):
    return user.is_active and (user.is_superuser or user.has_perm(REPLAY_PERMISSION))


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


class DeliveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.ChoiceFilter(choices=EventType.choices, label="Event")
    endpoint = django_filters.ModelChoiceFilter(queryset=IssuerEndpoint.objects.all())
    created_at = django_filters.DateFromToRangeFilter(label="Created", widget=DateRangePickerWidget)

    class Meta:
        model = Delivery
        fields = ["status", "event_type", "endpoint", "created_at"]


def selected_deliveries(params):
    """The deliveries a listing URL's query string selects: explicit ids (?id=1&id=2), or the
    listing's filters and search (?status=dead&endpoint=3&q=ada)."""
    rows = Delivery.objects.all()
    ids = [value for value in params.getlist("id") if value.isdigit()]
    if ids:
        return rows.filter(pk__in=ids)
    filters = DeliveryFilterSet(params, queryset=rows)
    rows = filters.qs if filters.is_valid() else rows.none()
    query = params.get("q", "").strip()
    if query:
        rows = rows.filter(Q(message_id__icontains=query) | Q(completion__learner__email__icontains=query))
    return rows


def excerpt(delivery):
    return truncatechars(delivery.last_error or delivery.last_response_excerpt, 80) or "—"


class DeliveryIndexView(IndexView):
    @property
    def header_buttons(self):
        if not can_replay(self.request.user):
            return []
        query = self.request.GET.urlencode()
        url = reverse("deliveries:replay_many") + (f"?{query}" if query else "")
        return [HeaderButton("Replay these…", url=url, icon_name="resubmit")]


class DeliveryInspectView(InspectView):
    template_name = "issuance/admin/delivery_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = self.object.attempt_log.order_by("pk")
        context["payload"] = json.dumps(self.object.payload, indent=2, ensure_ascii=False)
        return context

    @property
    def header_buttons(self):
        if not can_replay(self.request.user):
            return []
        return [
            HeaderButton(
                "Replay",
                url=reverse("deliveries:replay", args=[quote(self.object.pk)]),
                icon_name="resubmit",
                attrs={"data-controller": "w-action", "data-action": "w-action#post"},
            )
        ]

    def get_completion_display_value(self):
        completion = self.object.completion
        return format_html(
            "{} — {} ({})", completion.learner.email, completion.subject, completion.completed_on
        )


class ReplayView(View):
    """Replay one delivery (a POST from its page)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not can_replay(request.user):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery, pk=database_id(pk))
        if outbox.replay(Delivery.objects.filter(pk=delivery.pk)):
            messages.success(
                request, f"Replaying {delivery.message_id}: it goes out again under the same id."
            )
        else:
            messages.warning(
                request, "This delivery is being sent right now, or waits for the learner's email."
            )
        return redirect("deliveries:inspect", quote(delivery.pk))


class ReplayManyView(WagtailAdminTemplateMixin, TemplateView):
    """Replay every delivery the listing selected: a confirmation page, then a POST."""

    template_name = "issuance/admin/delivery_replay_many.html"
    page_title = "Replay deliveries"
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not can_replay(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = selected_deliveries(self.request.GET)
        return super().get_context_data(
            count=rows.count(),
            by_status=[
                (DeliveryStatus(s).label, rows.filter(status=s).count()) for s in DeliveryStatus.values
            ],
            index_url=reverse("deliveries:index") + (f"?{self.request.GET.urlencode()}"),
            **kwargs,
        )

    def post(self, request):
        replayed = outbox.replay(selected_deliveries(request.GET))
        messages.success(request, f"Replaying {replayed} delivery(ies) under their own webhook-ids.")
        return redirect(reverse("deliveries:index") + (f"?{request.GET.urlencode()}"))


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    icon = "mail"
    menu_label = "Deliveries"
    add_to_admin_menu = False
    form_fields = ["status"]  # required by ModelViewSet; the edit view is never permitted
    filterset_class = DeliveryFilterSet
    list_display = [
        Column("message_id", label="Webhook id", accessor="message_id"),
        "event_type",
        "endpoint",
        "status",
        "attempts",
        Column("last_status_code", label="Last answer"),
        Column("excerpt", label="Answer or error", accessor=excerpt),
        "next_attempt_at",
        "created_at",
    ]
    search_fields = ["message_id", "completion__learner__email"]
    list_export = [
        "message_id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    inspect_view_fields = [
        "message_id",
        "event_type",
        "endpoint",
        "completion",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_expires_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "last_response_excerpt",
        "delivered_at",
        "created_at",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Delivery.objects.select_related("endpoint", "completion__learner")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("replay/<int:pk>/", ReplayView.as_view(), name="replay"),
            path("replay-many/", ReplayManyView.as_view(), name="replay_many"),
        ]
