"""Learner-facing checkout views: thin wrappers around checkout.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .models import Enrolment, Order, OrderStatus
from .services import CheckoutError, enrol_free


@login_required
def my_learning(request):
    enrolments = Enrolment.objects.filter(user=request.user).select_related("microcredential", "order")
    orders = (
        Order.objects.filter(user=request.user)
        .exclude(status=OrderStatus.CANCELLED)
        .prefetch_related("lines")
        .order_by("-created_at")
    )
    return TemplateResponse(request, "checkout/my_learning.html", {"enrolments": enrolments, "orders": orders})


@login_required
def receipt(request, number):
    # Someone else's order number is a 404, exactly like a number that does not exist.
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number, user=request.user)
    return TemplateResponse(request, "checkout/receipt.html", {"order": order})


@login_required
@require_POST
def enrol_in_free_credential(request, credential_id):
    try:
        enrolment = enrol_free(request.user, credential_id)
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("checkout:my_learning")
    messages.success(request, f"You are enrolled in {enrolment.microcredential.title}.")
    return redirect("checkout:my_learning")
