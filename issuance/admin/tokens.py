"""Integration tokens in the Wagtail admin: make one (shown once), see who uses which, revoke.

A token is made by IntegrationToken.issue() (only its hash is stored), so the create view does
not save the form's instance: it issues the token and shows it on the answer to the POST itself,
marked no-store, and nowhere else. Editing changes the name and the partners (the scope), never
the token. Tokens are not deleted: a revoked one stays, so the completions it reported still say
which integration reported them.
"""

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from partners.models import PartnerPage

from ..models import IntegrationToken
from ..tokens import issue_token, revoke_token, scope_label


class TokenPermissionPolicy(ModelPermissionPolicy):
    """Add, change (rename, rescope, revoke) and view; never delete."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "delete"])


TOKEN_POLICY = TokenPermissionPolicy(IntegrationToken)
register_permission_policy(IntegrationToken, TOKEN_POLICY)


class IntegrationTokenForm(WagtailAdminModelForm):
    class Meta:
        model = IntegrationToken
        fields = ["name", "all_partners", "partners"]
        widgets = {"partners": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = PartnerPage.objects.order_by("title")

    def clean(self):
        """A scope said one way: every partner, or the partners ticked; never both, never none."""
        cleaned = super().clean()
        every, chosen = cleaned.get("all_partners"), cleaned.get("partners")
        if every and chosen:
            self.add_error(
                "partners", "Untick these partners, or untick All partners: a token covers one or the other."
            )
        elif not every and "partners" in cleaned and not chosen:
            self.add_error("partners", "Tick the partners this token covers, or tick All partners.")
        return cleaned


class IssueTokenView(CreateView):
    page_title = "New integration token"
    submit_button_label = "Create token"

    def save_instance(self):
        data = self.form.cleaned_data
        row, self.token = issue_token(
            data["name"], data["partners"], created_by=self.request.user, all_partners=data["all_partners"]
        )
        log(instance=row, action="wagtail.create", user=self.request.user)
        return row

    def save_action(self):
        # The one time the token exists outside the integration's hands: in this answer only.
        response = TemplateResponse(
            self.request,
            "issuance/admin/token_created.html",
            {
                "view": self,
                "token": self.token,
                "row": self.object,
                "scope": scope_label(self.object),
                "page_title": "Integration token created",
                "header_title": "Integration token created",
                "header_icon": "key",
                "index_url": reverse(self.index_url_name),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenIndexView(IndexView):
    revoke_url_name = None

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.revoked_at is None and self.user_has_permission("change"):
            url = reverse(self.revoke_url_name, args=[quote(instance.pk)])
            buttons.insert(
                0,
                ListingButton(
                    "Revoke",
                    url=url,
                    icon_name="cross",
                    priority=5,
                    attrs={"aria-label": f"Revoke {instance.name}"},
                ),
            )
        return buttons


class RevokeTokenView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "issuance/admin/token_revoke.html"
    header_icon = "key"
    page_title = "Revoke integration token"
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not TOKEN_POLICY.user_has_permission(request.user, "change"):
            raise PermissionDenied
        pk = unquote(str(kwargs["pk"]))
        self.token = get_object_or_404(IntegrationToken, pk=int(pk) if pk.isdigit() and len(pk) < 19 else 0)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.token.name

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            token=self.token, scope=scope_label(self.token), index_url=reverse(self.index_url_name), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if revoke_token(self.token):
            log(instance=self.token, action="wagtail.edit", user=request.user, data={"revoked": True})
            messages.success(request, f"Revoked {self.token}. It stops working at once.")
        else:
            messages.warning(request, f"{self.token} was already revoked.")
        return redirect(self.index_url_name)


class IntegrationTokenViewSet(ModelViewSet):
    model = IntegrationToken
    icon = "key"
    menu_label = "Integration tokens"
    add_view_class = IssueTokenView
    index_view_class = TokenIndexView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("scope", label="Partners", accessor=scope_label),
        Column("prefix", label="Token starts", accessor=lambda token: f"{token.token_prefix}…"),
        DateColumn("created_at", label="Created", sort_key="created_at"),
        DateColumn("last_used_at", label="Last used", sort_key="last_used_at"),
        DateColumn("revoked_at", label="Revoked", sort_key="revoked_at"),
    ]
    search_fields = ["name", "token_prefix"]
    ordering = ["revoked_at", "name"]

    def get_queryset(self, request):
        return IntegrationToken.objects.prefetch_related("partners")

    def get_form_class(self, for_update=False):
        return IntegrationTokenForm

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().exclude(codename="delete_integrationtoken")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    def get_urlpatterns(self):
        revoke = RevokeTokenView.as_view(index_url_name=self.get_url_name("index"))
        return super().get_urlpatterns() + [path("revoke/<str:pk>/", revoke, name="revoke")]
