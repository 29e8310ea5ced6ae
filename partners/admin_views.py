"""*Partner users* in the Wagtail admin: a partner's people and pending invitations, the
invitation form and deactivation. Staff (the "Can invite and deactivate users of any partner"
permission) see every partner; a partner's managers see only their own partner and may invite
and deactivate only its editors. The rules live in partners/access.py; these views ask them.

Another partner's address answers 404, not 403: its existence is none of the visitor's business.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .access import can_deactivate, deactivate, invitable_roles, manageable_partners, members
from .forms import InviteForm
from .invitations import InvitationRefused, create_invitation
from .models import Invitation, PartnerRole


class PartnerIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "partners/admin/index.html"
    page_title = "Partner users"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.partners = list(manageable_partners(request.user))
        if not self.partners:
            raise PermissionDenied
        if len(self.partners) == 1:
            return redirect("partner_users:partner", partner_id=self.partners[0].pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(partners=self.partners, **kwargs)


class PartnerUsersView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "partners/admin/partner_users.html"
    header_icon = "group"

    def dispatch(self, request, partner_id, *args, **kwargs):
        self.partner = get_object_or_404(manageable_partners(request.user), pk=partner_id)
        self.roles = invitable_roles(request.user, self.partner)
        return super().dispatch(request, partner_id, *args, **kwargs)

    def get_page_title(self):
        return f"{self.partner.title}: users"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("partner_users:index"), "label": "Partner users"},
            {"url": "", "label": self.partner.title},
        ]

    def get_context_data(self, form=None, **kwargs):
        people = [
            {
                "user": user,
                "role": PartnerRole(role),
                "can_deactivate": can_deactivate(self.request.user, self.partner, user, role),
            }
            for user, role in members(self.partner)
        ]
        return super().get_context_data(
            partner=self.partner,
            people=people,
            pending=Invitation.objects.pending().filter(partner=self.partner).order_by("email"),
            form=form if form is not None else (InviteForm(roles=self.roles) if self.roles else None),
            **kwargs,
        )

    def post(self, request, partner_id):
        if not self.roles:
            raise PermissionDenied
        form = InviteForm(request.POST, roles=self.roles)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        try:
            invitation, _ = create_invitation(
                form.cleaned_data["email"], self.partner, form.cleaned_data["role"], invited_by=request.user
            )
        except InvitationRefused as refused:
            raise PermissionDenied(str(refused)) from None
        except OSError:
            # SMTP refused or unreachable: the invitation was rolled back with the email.
            messages.error(
                request, "The invitation email could not be sent; nothing was saved. Please try again."
            )
            return redirect("partner_users:partner", partner_id=self.partner.pk)
        messages.success(request, f"Invitation sent to {invitation.email}. The link works once, for 7 days.")
        return redirect("partner_users:partner", partner_id=self.partner.pk)


class DeactivateView(View):
    def post(self, request, partner_id, user_id, role):
        partner = get_object_or_404(manageable_partners(request.user), pk=partner_id)
        if role not in PartnerRole.values:
            raise Http404
        target = get_object_or_404(
            get_user_model(),
            pk=user_id,
            groups__partner_role__partner=partner,
            groups__partner_role__role=role,
        )
        try:
            deactivate(request.user, partner, target, role)
        except PermissionError:
            raise PermissionDenied from None
        messages.success(
            request, f"{target.email} is no longer {PartnerRole(role).label.lower()} of {partner.title}."
        )
        return redirect("partner_users:partner", partner_id=partner.pk)
