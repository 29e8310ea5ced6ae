"""The Wagtail admin's actions on an order: the refund screen (reached from the order listing and
its inspect view) and adding a staff note to its history (a form on the inspect view)."""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from catalog.money import format_money

from .models import Order
from .refunds import RefundError, refund

REFUND_PERMISSION = "checkout.refund_order"
NOTE_PERMISSION = "checkout.view_order"


def can_refund(user):
    return user.is_active and (user.is_superuser or user.has_perm(REFUND_PERMISSION))


def can_add_note(user):
    """Whoever may see orders in the admin may write on one: a note moves no money and changes nothing."""
    return user.is_active and (user.is_superuser or user.has_perm(NOTE_PERMISSION))


class RefundForm(forms.Form):
    lines = forms.MultipleChoiceField(
        label="Refund these lines",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose what to refund."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Kept in the audit log and sent to Stripe with the refund.",
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [
            (str(line.pk), f"{line.description} — {format_money(line.amount)}")
            for line in order.refundable_lines
        ]
        self.fields["lines"].initial = [str(line.pk) for line in order.refundable_lines]


class RefundOrderView(WagtailAdminTemplateMixin, FormView):
    template_name = "checkout/admin/refund.html"
    form_class = RefundForm
    header_icon = "form"
    page_title = "Refund"
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not can_refund(request.user):
            raise PermissionDenied
        self.order = get_object_or_404(
            Order.objects.select_related("user").prefetch_related("lines"), pk=unquote(str(kwargs["pk"]))
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.order.number

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(self.index_url_name), "label": "Orders"},
            {"url": reverse(self.inspect_url_name, args=[self.order.pk]), "label": self.order.number},
            {"url": "", "label": "Refund"},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            order=self.order, refundable=bool(self.order.refundable_lines), **kwargs
        )

    def form_valid(self, form):
        try:
            record = refund(
                self.order, form.cleaned_data["lines"], form.cleaned_data["reason"], self.request.user
            )
        except RefundError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, f"Refunded {format_money(record.amount)} on order {self.order.number}."
        )
        return redirect(self.inspect_url_name, self.order.pk)


class OrderNoteForm(forms.Form):
    note = forms.CharField(
        label="Add a note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the order's history with your name and the time; it changes nothing else.",
    )


class AddOrderNoteView(View):
    """The note form on an order's inspect view posts here; back to the inspect view either way."""

    http_method_names = ["post"]
    inspect_url_name = None

    def post(self, request, pk):
        if not can_add_note(request.user):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=unquote(str(pk)))
        form = OrderNoteForm(request.POST)
        if form.is_valid():
            order.add_note(form.cleaned_data["note"], by=request.user)
            messages.success(request, f"Note added to order {order.number}.")
        else:
            messages.error(request, "Write the note first; nothing was added.")
        return redirect(self.inspect_url_name, order.pk)
