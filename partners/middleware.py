"""Wagtail admin views that partner users may not open at all, or get in a version cut to their
own partner, because Wagtail does not filter what they show by the user's permissions and offers
no hook to do so.

Refused: the page-types usage report. It counts every page of each type in the whole site and
names the type's most recently edited page, whoever's it is (a partner's unpublished draft title
included). Its menu item is hidden from the same users (partners/wagtail_hooks.py); this refuses
the URL itself.

Cut (partners/admin_overrides.py, `FOR_PARTNER_USERS`): the page chooser (other partners' pages
with their published titles, never an unpublished rename) and the tag autocomplete (only tags of
the user's own media).

Wagtail adds its own admin URLs (reports, choosers, tag autocomplete) before any
`register_admin_urls` hook's, so a hook cannot replace those views; a middleware sees the
resolved view name first. A replacement runs wrapped as Wagtail wraps every admin view.
"""

import functools

from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from wagtail.admin.auth import permission_denied, require_admin_access

from .access import is_partner_only_user
from .admin_titles import viewing_as

CLOSED_TO_PARTNER_USERS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}


def as_wagtail_admin_view(view):
    """`view` wrapped as wagtail.admin.urls wraps its own: admin access (with the user's language
    and time zone), the admin's 404 page, no caching."""
    view = require_admin_access(view)

    @functools.wraps(view)
    def admin_view(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return page_not_found(request, "", template_name="wagtailadmin/404.html")

    return never_cache(admin_view)


@functools.cache
def views_for_partner_users():
    from .admin_overrides import FOR_PARTNER_USERS  # Wagtail's admin views load with the URLconf

    return {name: as_wagtail_admin_view(view) for name, view in FOR_PARTNER_USERS.items()}


class PartnerAdminLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with viewing_as(request.user):  # partners/admin_titles.py
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        closed = match.view_name in CLOSED_TO_PARTNER_USERS
        replaced = match.view_name in views_for_partner_users()
        if not (closed or replaced) or not is_partner_only_user(request.user):
            return None
        if closed:
            # Wagtail's own refusal: back to the dashboard with its "no permission" message
            # (a plain 403 for the listing's XMLHttpRequest refreshes).
            return permission_denied(request)
        return views_for_partner_users()[match.view_name](request, *view_args, **view_kwargs)
