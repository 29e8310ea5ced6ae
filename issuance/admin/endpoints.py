"""Issuer endpoints in the Wagtail admin: add, edit, pause and resume, rotate the secret.

The whsec_ secret is made by us and shown once: on the page after the endpoint is created and
after each rotation (handed over through the session, then forgotten), never on the edit or
inspect pages. It stays in the database because every delivery is signed with it.
Endpoints are not deleted (their deliveries keep the history); pausing stops the sending.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy

from .. import outbox
from ..models import DeliveryStatus, IssuerEndpoint
from .ids import database_id

SECRETS_SESSION_KEY = "issuance_endpoint_secrets"
ROTATE_ACTION = "issuance.rotate_secret"
PAUSE_ACTION = "issuance.pause_endpoint"
RESUME_ACTION = "issuance.resume_endpoint"


class EndpointPermissionPolicy(ModelPermissionPolicy):
    """Add, change and view as Django's permissions say; never delete (see the module docstring)."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "delete"])


def can_change(user):
    return user.is_active and (user.is_superuser or user.has_perm("issuance.change_issuerendpoint"))


def hand_over_secret(request, endpoint, secret):
    """Keep the new secret in the session until the next page shows it, once."""
    secrets_ = request.session.get(SECRETS_SESSION_KEY, {})
    secrets_[str(endpoint.pk)] = secret
    request.session[SECRETS_SESSION_KEY] = secrets_


def callback_url(endpoint):
    """Where this endpoint's issuer reports credentials later (issuance/callbacks.py)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("issuer_callback", args=[endpoint.pk])


def state_of(endpoint):
    if endpoint.disabled_at:
        return f"Disabled {endpoint.disabled_at:%d %b %Y %H:%M}: {endpoint.disabled_reason}"
    return "Paused" if endpoint.is_paused else "Active"


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where the issuer receives our webhooks (https in production).",
    )

    class Meta:
        model = IssuerEndpoint
        fields = ["url", "description", "partners", "microcredentials", "is_paused"]
        help_texts = {
            "microcredentials": "Completions of these credentials too. No partners and no credentials: all.",
        }


class EndpointIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_change(self.request.user):
            pausing = not instance.is_paused and not instance.disabled_at
            name = "pause" if pausing else "resume"
            label = "Pause" if pausing else ("Enable and resume" if instance.disabled_at else "Resume")
            url = reverse(f"issuer_endpoints:{name}", args=[quote(instance.pk)])
            buttons.append(
                ListingButton(
                    label,
                    url=url,
                    icon_name="pick" if pausing else "resubmit",
                    priority=40,
                    attrs={"data-controller": "w-action", "data-action": "w-action#post"},
                )
            )
        return buttons


class EndpointCreateView(CreateView):
    def save_instance(self):
        endpoint = super().save_instance()
        hand_over_secret(self.request, endpoint, endpoint.secret)
        return endpoint

    def get_success_url(self):
        return reverse("issuer_endpoints:secret", args=[quote(self.object.pk)])

    def get_success_message(self, instance):
        return "Issuer endpoint added. Copy its signing secret now: it is shown only once."


class EndpointInspectView(InspectView):
    template_name = "issuance/admin/endpoint_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = {status: 0 for status in DeliveryStatus.values}
        for status in self.object.deliveries.values_list("status", flat=True):
            counts[status] += 1
        context["delivery_counts"] = [(DeliveryStatus(s).label, n) for s, n in counts.items()]
        context["deliveries_url"] = reverse("deliveries:index") + f"?endpoint={self.object.pk}"
        return context

    @property
    def header_buttons(self):
        if not can_change(self.request.user):
            return []
        pk = quote(self.object.pk)
        pausing = not self.object.is_paused and not self.object.disabled_at
        name = "pause" if pausing else "resume"
        return [
            HeaderButton("Rotate secret", url=reverse("issuer_endpoints:rotate", args=[pk]), icon_name="key"),
            HeaderButton(
                "Pause" if pausing else "Resume",
                url=reverse(f"issuer_endpoints:{name}", args=[pk]),
                icon_name="pick" if pausing else "resubmit",
                attrs={"data-controller": "w-action", "data-action": "w-action#post"},
            ),
        ]

    def get_field_label(self, field_name, field):
        labels = {"state": "State", "callback": "Callback URL (for credentials issued later)"}
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_callback_display_value(self):
        return callback_url(self.object)

    def get_state_display_value(self):
        return state_of(self.object)

    def get_partners_display_value(self):
        return ", ".join(p.title for p in self.object.partners.all()) or "—"

    def get_microcredentials_display_value(self):
        return ", ".join(c.title for c in self.object.microcredentials.all()) or "—"


class EndpointActionMixin:
    index_url_name = "issuer_endpoints:index"

    def dispatch(self, request, *args, **kwargs):
        if not can_change(request.user):
            raise PermissionDenied
        self.endpoint = get_object_or_404(IssuerEndpoint, pk=database_id(kwargs["pk"]))
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect("issuer_endpoints:inspect", quote(self.endpoint.pk))


class SecretView(EndpointActionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Shows a new secret once: it is taken out of the session as the page is made."""

    template_name = "issuance/admin/endpoint_secret.html"
    page_title = "Signing secret"
    header_icon = "key"

    def get_page_subtitle(self):
        return str(self.endpoint)

    def get_context_data(self, **kwargs):
        secrets_ = self.request.session.get(SECRETS_SESSION_KEY, {})
        secret = secrets_.pop(str(self.endpoint.pk), None)
        self.request.session[SECRETS_SESSION_KEY] = secrets_
        return super().get_context_data(
            endpoint=self.endpoint,
            secret=secret,
            inspect_url=reverse("issuer_endpoints:inspect", args=[quote(self.endpoint.pk)]),
            callback_url=callback_url(self.endpoint),
            **kwargs,
        )


class RotateSecretView(EndpointActionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "issuance/admin/endpoint_rotate.html"
    page_title = "Rotate signing secret"
    header_icon = "key"

    def get_page_subtitle(self):
        return str(self.endpoint)

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoint=self.endpoint, **kwargs)

    def post(self, request, pk):
        secret = self.endpoint.rotate_secret()
        log(self.endpoint, ROTATE_ACTION, user=request.user)
        hand_over_secret(request, self.endpoint, secret)
        messages.success(request, "New signing secret made. The old one no longer signs anything.")
        return redirect("issuer_endpoints:secret", quote(self.endpoint.pk))


class PauseView(EndpointActionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        outbox.pause(self.endpoint)
        log(self.endpoint, PAUSE_ACTION, user=request.user)
        messages.success(request, f"Paused {self.endpoint}: its deliveries wait until you resume it.")
        return redirect(self.index_url_name)


class ResumeView(EndpointActionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        was_disabled = self.endpoint.disabled_at is not None
        sent = outbox.resume(self.endpoint)
        log(self.endpoint, RESUME_ACTION, user=request.user)
        verb = "Enabled and resumed" if was_disabled else "Resumed"
        messages.success(
            request, f"{verb} {self.endpoint}: {len(sent)} waiting delivery(ies) are on their way."
        )
        return redirect(self.index_url_name)


class IssuerEndpointViewSet(ModelViewSet):
    model = IssuerEndpoint
    form_fields = EndpointForm.Meta.fields
    index_view_class = EndpointIndexView
    add_view_class = EndpointCreateView
    inspect_view_class = EndpointInspectView
    inspect_view_enabled = True
    icon = "link-external"
    menu_label = "Issuer endpoints"
    add_to_admin_menu = False
    list_display = [
        "url",
        "description",
        Column("state", label="State", accessor=state_of),
        Column("covers", label="Covers", accessor=lambda endpoint: covers(endpoint)),
        "created_at",
    ]
    list_filter = ["is_paused", "partners"]
    search_fields = ["url", "description"]
    inspect_view_fields = [
        "url",
        "description",
        "state",
        "partners",
        "microcredentials",
        "callback",
        "created_at",
        "secret_rotated_at",
    ]

    def get_form_class(self, for_update=False):
        return EndpointForm

    def get_queryset(self, request):
        return IssuerEndpoint.objects.prefetch_related("partners", "microcredentials")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("secret/<int:pk>/", SecretView.as_view(), name="secret"),
            path("rotate/<int:pk>/", RotateSecretView.as_view(), name="rotate"),
            path("pause/<int:pk>/", PauseView.as_view(), name="pause"),
            path("resume/<int:pk>/", ResumeView.as_view(), name="resume"),
        ]


def covers(endpoint):
    names = [p.title for p in endpoint.partners.all()] + [c.title for c in endpoint.microcredentials.all()]
    if not names:
        return "Every credential and pathway"
    return ", ".join(names)
