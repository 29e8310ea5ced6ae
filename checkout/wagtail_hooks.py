"""Orders and enrolments in the Wagtail admin: browse, filter, search, export and refund; never edit.

Amounts on a paid order must not change, so these listings are read-only: the permission
policy grants only "view" (to users with Django's view permission, and superusers). The one
action that moves money is a refund, for users with the "Can refund orders" permission
(checkout/admin_views.py), and it goes to Wagtail's audit log. An order's page shows its history
(status changes, refunds, flags for review, staff notes) and a form to add a note.
"""

from django.contrib.auth.models import Permission
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalog.money import format_money

from .admin_views import AddOrderNoteView, OrderNoteForm, RefundOrderView, can_add_note, can_refund
from .models import Enrolment, Order, OrderStatus, PaymentEvent, Refund
from .refunds import REFUND_ACTION

REFUNDABLE = {OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Order, ReadOnlyPermissionPolicy(Order))
register_permission_policy(Enrolment, ReadOnlyPermissionPolicy(Enrolment))
register_permission_policy(Refund, ReadOnlyPermissionPolicy(Refund))
register_permission_policy(PaymentEvent, ReadOnlyPermissionPolicy(PaymentEvent))


def money_column(name, label):
    """An amount as the site writes it ($425, $25.50: catalog/money.py), sortable by the field."""
    return Column(name, label=label, accessor=lambda obj: format_money(getattr(obj, name)), sort_key=name)


def needs_review_badge(order):
    """A badge on the orders that need a person; nothing on the others (not "False")."""
    if not order.needs_review:
        return ""
    return format_html('<span class="w-status w-status--label">{}</span>', "Needs review")


class OrderIndexView(IndexView):
    refund_url_name = None

    def _get_title_column(self, field_name, *args, **kwargs):
        # The class that checkout/static/checkout/admin.css keeps unsqueezed on a phone.
        return super()._get_title_column(field_name, *args, classname="order-number", **kwargs)

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.status in REFUNDABLE and can_refund(self.request.user):
            url = reverse(self.refund_url_name, args=[instance.pk])
            buttons.insert(0, ListingButton("Refund", url=url, icon_name="resubmit", priority=5))
        return buttons


class OrderInspectView(InspectView):
    template_name = "checkout/admin/order_inspect.html"
    refund_url_name = None
    note_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = self.object.history.select_related("user")
        if can_add_note(self.request.user):
            context["note_form"] = OrderNoteForm()
            context["note_url"] = reverse(self.note_url_name, args=[self.object.pk])
        return context

    @property
    def header_buttons(self):
        if self.object.status in REFUNDABLE and can_refund(self.request.user):
            return [
                HeaderButton(
                    "Refund", url=reverse(self.refund_url_name, args=[self.object.pk]), icon_name="resubmit"
                )
            ]
        return []

    def get_total_display_value(self):
        return format_money(self.object.total)

    def get_needs_review_display_value(self):
        return "Yes: see the history below" if self.object.needs_review else "No"

    def get_lines_display_value(self):
        return format_html_join(
            "",
            "<div>{} — {}{}</div>",
            (
                (line.description, format_money(line.amount), " (refunded)" if line.refunded_at else "")
                for line in self.object.lines.all()
            ),
        )

    def get_refunds_display_value(self):
        refunds = self.object.refunds.select_related("created_by")
        return (
            format_html_join(
                "",
                "<div>{} on {} by {}: {} ({})</div>",
                (
                    (
                        format_money(r.amount),
                        r.created_at.strftime("%d %b %Y %H:%M"),
                        r.created_by or "—",
                        r.reason,
                        r.stripe_refund_id or "no card refund",
                    )
                    for r in refunds
                ),
            )
            or "—"
        )


class OrderViewSet(ModelViewSet):
    model = Order
    index_view_class = OrderIndexView
    inspect_view_class = OrderInspectView
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    form_fields = ["needs_review"]  # required by ModelViewSet; the edit view is never permitted
    list_display = [
        "number",
        "user",
        "status",
        money_column("total", "Total"),
        "created_at",
        Column("needs_review", label="Needs review", accessor=needs_review_badge, sort_key="needs_review"),
    ]
    list_filter = ["status", "needs_review", "created_at", "lines__microcredential"]
    search_fields = ["number", "user__email"]
    list_export = [
        "number",
        "user",
        "status",
        "total",
        "currency",
        "created_at",
        "paid_at",
        "payment_intent_id",
    ]
    inspect_view_fields = [
        "number",
        "user",
        "status",
        "lines",
        "total",
        "currency",
        "created_at",
        "paid_at",
        "card_brand",
        "card_last4",
        "payment_intent_id",
        "refunds",
        "needs_review",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Order.objects.select_related("user")

    @property
    def note_view(self):
        return AddOrderNoteView.as_view(inspect_url_name=self.get_url_name("inspect"))

    @property
    def refund_view(self):
        return RefundOrderView.as_view(
            index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(refund_url_name=self.get_url_name("refund"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            refund_url_name=self.get_url_name("refund"), note_url_name=self.get_url_name("add_note"), **kwargs
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("refund/<str:pk>/", self.refund_view, name="refund"),
            path("note/<str:pk>/", self.note_view, name="add_note"),
        ]


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


class RefundViewSet(ModelViewSet):
    model = Refund
    icon = "resubmit"
    menu_label = "Refunds"
    inspect_view_enabled = True
    form_fields = ["reason"]  # required by ModelViewSet; the edit view is never permitted
    list_display = [
        "order",
        money_column("amount", "Amount"),
        "reason",
        "created_by",
        "created_at",
        "stripe_refund_id",
    ]
    list_filter = ["created_at"]
    search_fields = ["order__number", "order__user__email", "stripe_refund_id"]
    list_export = [
        "order",
        "amount",
        "reason",
        "created_by",
        "created_at",
        "stripe_refund_id",
        "stripe_status",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Refund.objects.select_related("order", "created_by")


class PaymentEventViewSet(ModelViewSet):
    """What Stripe's webhook told us and what we did about it: the first place to look when a
    learner says they paid but are not enrolled."""

    model = PaymentEvent
    icon = "history"
    menu_label = "Payment events"
    inspect_view_enabled = True
    form_fields = ["outcome"]  # required by ModelViewSet; the edit view is never permitted
    list_display = ["event_type", "payment_intent_id", "outcome", "received_at", "event_id"]
    list_filter = ["event_type", "received_at"]
    search_fields = ["event_id", "payment_intent_id", "outcome"]
    list_export = ["event_id", "event_type", "payment_intent_id", "outcome", "received_at"]
    ordering = ["-received_at"]


class CheckoutViewSetGroup(ViewSetGroup):
    items = (
        OrderViewSet("orders"),
        EnrolmentViewSet("enrolments"),
        RefundViewSet("refunds"),
        PaymentEventViewSet("payment_events"),
    )
    menu_icon = "form"
    menu_label = "Sales"
    menu_name = "sales"


@hooks.register("insert_global_admin_css")
def orders_listing_css():
    return format_html('<link rel="stylesheet" href="{}">', static("checkout/admin.css"))


@hooks.register("register_admin_viewset")
def register_checkout_viewsets():
    return CheckoutViewSetGroup()


@hooks.register("register_log_actions")
def register_refund_log_action(actions):
    @actions.register_action(REFUND_ACTION)
    class RefundLogFormatter(LogFormatter):
        label = "Refund"

        def format_message(self, log_entry):
            data = log_entry.data
            lines = ", ".join(data.get("lines", []))
            return f"Refunded {format_money(data.get('amount'))}: {lines}. Reason: {data.get('reason', '')}"


@hooks.register("register_permissions")
def register_refund_permission():
    # Shown in Settings → Groups, so the marketing team's group can be allowed to refund.
    return Permission.objects.filter(
        content_type__app_label="checkout",
        codename__in=["view_order", "view_enrolment", "view_refund", "view_paymentevent", "refund_order"],
    )
