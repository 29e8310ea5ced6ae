"""*Partner users* in the admin menu (partners/admin_views.py), shown to staff who manage
partners' users and to partners' managers; the admin's page chooser cut, for partner users,
to their own partner's pages and the public site's (wagtail#7099); and Wagtail's image and
document listings in the version that offers partner users only their own tags
(partners/admin_overrides.py, wagtail#7161)."""

from django.contrib.auth.models import Permission
from django.http import Http404
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_overrides, admin_views
from .access import is_partner_only_user, manageable_partners, pages_visible_to_partner_user
from .middleware import CLOSED_TO_PARTNER_USERS

urlpatterns = [
    path("", admin_views.PartnerIndexView.as_view(), name="index"),
    path("<int:partner_id>/", admin_views.PartnerUsersView.as_view(), name="partner"),
    path(
        "<int:partner_id>/deactivate/<int:user_id>/<str:role>/",
        admin_views.DeactivateView.as_view(),
        name="deactivate",
    ),
]


@hooks.register("register_admin_urls", order=-1)
def take_over_media_listings():
    """Before wagtail.images' and wagtail.documents' own hooks (order 0), so these paths win;
    partners/checks.py stops the start if they no longer do."""
    return admin_overrides.urlpatterns


@hooks.register("register_admin_urls")
def register_partner_users_urls():
    return [path("partner-users/", include((urlpatterns, "partner_users")))]


class PartnerUsersMenuItem(MenuItem):
    def is_shown(self, request):
        return manageable_partners(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_partner_users_menu_item():
    return PartnerUsersMenuItem("Partner users", reverse("partner_users:index"), icon_name="group", order=650)


@hooks.register("construct_page_chooser_queryset")
def partner_users_choose_their_own_and_public_pages(pages, request):
    """Wagtail's page chooser lists every page to anyone who may edit one (wagtail#7099).

    A partner user sees their own partner's pages (drafts too) and, elsewhere, only live public
    pages, which credit a co-branding partner or name a prerequisite. Browsing into a page they
    may not see answers 404, so its title is not shown as the listing's heading."""
    if not is_partner_only_user(request.user):
        return pages
    visible = pages_visible_to_partner_user(pages.model.objects.all(), request.user)
    parent_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("parent_page_id")
    if parent_id is not None and not visible.filter(pk=parent_id).exists():
        raise Http404
    return pages_visible_to_partner_user(pages, request.user)


@hooks.register("construct_reports_menu")
def hide_unfiltered_reports_from_partner_users(request, menu_items):
    """The page-types usage report counts and names every partner's pages (partners/middleware.py
    refuses its URL to partner users); the other Wagtail reports list only pages the user may
    edit or explore, so partner users keep them."""
    if is_partner_only_user(request.user):
        closed = {reverse(name) for name in CLOSED_TO_PARTNER_USERS}
        menu_items[:] = [item for item in menu_items if item.url not in closed]


@hooks.register("register_permissions")
def register_partner_staff_permission():
    """Lets staff grant *Can invite and deactivate users of any partner* in Settings → Groups."""
    return Permission.objects.filter(content_type__app_label="partners", codename="invite_any_partner_user")
