"""Pages outside a partner user's own partner are titled, in the admin, as the public sees them.

Wagtail names a page in the admin by `get_admin_display_title()`, its draft title, everywhere:
the page chooser widget of an edit form (the co-branding partners and prerequisites a
credential names), breadcrumbs, listings. So another partner's unpublished rename of a live
page would show to a partner user wherever that page is named. The widgets have no request, so
PartnerAdminLimitsMiddleware records who is looking for the length of each request, and the
partner and catalog page types ask `published_title_for_viewer()` first.
"""

import contextlib
import contextvars

_viewer = contextvars.ContextVar("partners_admin_viewer", default=None)


@contextlib.contextmanager
def viewing_as(user):
    token = _viewer.set(user)
    try:
        yield
    finally:
        _viewer.reset(token)


def _own_paths(user):
    """The tree paths of the partners a partner-only user belongs to; () for anyone else.
    Asked once per request (cached on the request's user object)."""
    cached = getattr(user, "_partner_only_paths", None)
    if cached is None:
        from .access import is_partner_only_user, partner_pages_of

        cached = (
            tuple(partner_pages_of(user).values_list("path", flat=True)) if is_partner_only_user(user) else ()
        )
        user._partner_only_paths = cached
    return cached


def published_title_for_viewer(page):
    """The page's published title if the current admin viewer is a partner-only user and the
    page is outside their partners' subtrees; None (use Wagtail's own) otherwise."""
    user = _viewer.get()
    if user is None or not user.is_authenticated:
        return None
    paths = _own_paths(user)
    if not paths or page.path.startswith(paths):
        return None
    return page.title
