"""Start-up checks (`manage.py check`, and every `runserver` and `migrate`): the Wagtail admin
views that partner users get in a cut version (partners/admin_overrides.py) are still reached.

They are reached through Wagtail's URL names and paths, which an upgrade may change: a listing
path that moved would be served by Wagtail's own view again, showing every collection's tags,
and a renamed URL would leave partners/middleware.py nothing to replace. Either stops the start
with a clear error instead.
"""

from django.core import checks
from django.urls import NoReverseMatch, get_resolver, resolve, reverse


@checks.register(checks.Tags.urls)
def partner_admin_overrides_check(app_configs, **kwargs):
    from .admin_overrides import FOR_PARTNER_USERS, TAKES_OVER

    errors = []
    for name, view_class in TAKES_OVER.items():
        try:
            found = getattr(resolve(reverse(name)).func, "view_class", None)
        except NoReverseMatch:
            found = "no such URL"
        if found is not view_class:
            errors.append(
                checks.Error(
                    f"Wagtail's {name} is served by {found}, not partners' {view_class.__name__}.",
                    hint="Wagtail changed the path; partners/admin_overrides.py must take it over "
                    "again, or partner users see other partners' tags.",
                    id="partners.E001",
                )
            )
    known = get_resolver().reverse_dict  # names outside any namespace, as these are
    for name in FOR_PARTNER_USERS:
        if name not in known:
            errors.append(
                checks.Error(
                    f"Wagtail has no URL named {name} any more.",
                    hint="partners/middleware.py replaces it for partner users: find what Wagtail "
                    "renamed it to and replace that, or partner users see other partners' content.",
                    id="partners.E002",
                )
            )
    return errors
