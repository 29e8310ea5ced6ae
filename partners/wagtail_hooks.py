"""*Partner users* in the admin menu (partners/admin_views.py), shown to staff who manage
partners' users and to partners' managers."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import manageable_partners

urlpatterns = [
    path("", admin_views.PartnerIndexView.as_view(), name="index"),
    path("<int:partner_id>/", admin_views.PartnerUsersView.as_view(), name="partner"),
    path(
        "<int:partner_id>/deactivate/<int:user_id>/<str:role>/",
        admin_views.DeactivateView.as_view(),
        name="deactivate",
    ),
]


@hooks.register("register_admin_urls")
def register_partner_users_urls():
    return [path("partner-users/", include((urlpatterns, "partner_users")))]


class PartnerUsersMenuItem(MenuItem):
    def is_shown(self, request):
        return manageable_partners(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_partner_users_menu_item():
    return PartnerUsersMenuItem("Partner users", reverse("partner_users:index"), icon_name="group", order=650)
