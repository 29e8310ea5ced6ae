"""The enrol box on a credential page: what this visitor can do next (log in, enrol, pay, nothing)."""

from django import template

from checkout.models import Enrolment
from checkout.services import checkout_total, is_purchasable, unpaid_order_for

register = template.Library()


@register.inclusion_tag("checkout/includes/enrol_box.html", takes_context=True)
def enrol_box(context, credential):
    request = context["request"]
    user = request.user
    enrolment = (
        Enrolment.objects.active().filter(user=user, microcredential=credential).first()
        if user.is_authenticated
        else None
    )
    # A draft seen in preview, or a private credential seen by someone allowed in, is not for
    # sale: say so instead of offering a button that would be refused.
    purchasable = is_purchasable(credential)
    return {
        "request": request,
        "user": user,
        "page": credential,
        "enrolment": enrolment,
        "purchasable": purchasable,
        # The enrol button names what will be charged: with the credit box ticked, this total
        # (from the database, as the order will be).
        "total_with_credit": checkout_total(credential, include_credit=True)
        if credential.sells_credit
        else None,
        "unpaid_order": unpaid_order_for(user, credential) if purchasable and user.is_authenticated else None,
        "csrf_token": context.get("csrf_token"),
    }
