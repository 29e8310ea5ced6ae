"""Orders and enrolments in the Wagtail admin: browse, filter, search and export; never edit.

Amounts on a paid order must not change, so these listings are read-only: the permission
policy grants only "view" (to users with Django's view permission, and superusers).
"""

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Enrolment, Order


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Order, ReadOnlyPermissionPolicy(Order))
register_permission_policy(Enrolment, ReadOnlyPermissionPolicy(Enrolment))


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    form_fields = ["review_note"]  # required by ModelViewSet; the edit view is never permitted
    list_display = ["number", "user", "status", Column("total", label="Total (USD)"), "created_at", "needs_review"]
    list_filter = ["status", "needs_review", "created_at", "lines__microcredential"]
    search_fields = ["number", "user__email"]
    list_export = ["number", "user", "status", "total", "currency", "created_at", "paid_at", "payment_intent_id"]
    inspect_view_fields = [
        "number", "user", "status", "total", "currency", "created_at", "paid_at", "payment_intent_id",
        "needs_review", "review_note",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Order.objects.select_related("user")


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = "Enrolments"
    inspect_view_enabled = True
    form_fields = ["status"]  # required by ModelViewSet; the edit view is never permitted
    list_display = ["user", "microcredential", "status", "credit_status", "created_at"]
    list_filter = ["status", "credit_status", "created_at", "microcredential"]
    search_fields = ["user__email", "order__number"]
    list_export = ["user", "microcredential", "status", "credit_status", "created_at", "order"]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Enrolment.objects.select_related("user", "microcredential", "order")


class CheckoutViewSetGroup(ViewSetGroup):
    items = (OrderViewSet("orders"), EnrolmentViewSet("enrolments"))
    menu_icon = "form"
    menu_label = "Sales"
    menu_name = "sales"


@hooks.register("register_admin_viewset")
def register_checkout_viewsets():
    return CheckoutViewSetGroup()
