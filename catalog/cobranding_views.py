"""*Co-branding requests* in the Wagtail admin: a partner's managers (and staff, for every
partner) see which credentials name them as co-brand, and approve, decline or withdraw.
Staff may also override, with a note. The rules are in catalog/cobranding.py; these views
ask them, so a forged form from anyone else answers 403."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .cobranding import consents_for, decide, is_cobranding_staff, override
from .models import CoBrandingConsent, ConsentStatus


class CoBrandingIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "catalog/admin/cobranding.html"
    page_title = "Co-branding requests"
    header_icon = "link"

    def get_context_data(self, **kwargs):
        consents = list(consents_for(self.request.user))
        return super().get_context_data(
            pending=[c for c in consents if c.status == ConsentStatus.REQUESTED],
            decided=[c for c in consents if c.status != ConsentStatus.REQUESTED],
            is_staff=is_cobranding_staff(self.request.user),
            **kwargs,
        )


def _consent(pk):
    return get_object_or_404(CoBrandingConsent.objects.select_related("partner", "credential"), pk=pk)


class DecideView(View):
    def post(self, request, pk, action):
        consent = _consent(pk)
        try:
            consent = decide(request.user, consent, action)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{consent.partner.title} on {consent.credential.title}: {consent.get_status_display()}.",
            )
        return redirect("cobranding:index")


class OverrideView(View):
    def post(self, request, pk):
        if not is_cobranding_staff(request.user):
            raise PermissionDenied
        consent = _consent(pk)
        try:
            consent = override(
                request.user, consent, request.POST.get("note"), show=request.POST.get("show") == "1"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            shown = "shown" if consent.staff_override else "no longer shown by override"
            messages.success(request, f"{consent.partner.title} on {consent.credential.title}: {shown}.")
        return redirect("cobranding:index")
