"""Wagtail admin views that partner users may not open at all, because Wagtail does not filter
what they show by the user's permissions and offers no hook to do so.

Today that is the page-types usage report: it counts every page of each type in the whole site
and names the type's most recently edited page, whoever's it is (a partner's unpublished draft
title included). Its menu item is hidden from the same users (partners/wagtail_hooks.py); this
refuses the URL itself. Wagtail adds its own report URLs before any `register_admin_urls` hook's,
so a hook cannot replace the view; a middleware sees the resolved view name first.
"""

from wagtail.admin.auth import permission_denied

from .access import is_partner_only_user

CLOSED_TO_PARTNER_USERS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}


class PartnerAdminLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and match.view_name in CLOSED_TO_PARTNER_USERS
            and is_partner_only_user(request.user)
        ):
            # Wagtail's own refusal: back to the dashboard with its "no permission" message
            # (a plain 403 for the listing's XMLHttpRequest refreshes).
            return permission_denied(request)
        return None
