"""The enrol box on a credential page: what this visitor can do next (log in, enrol, pay, nothing)."""

from django import template

from checkout.models import Enrolment
from checkout.services import is_purchasable

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
    return {
        "request": request,
        "user": user,
        "page": credential,
        "enrolment": enrolment,
        # A draft seen in preview, or a private credential seen by someone allowed in, is not for
        # sale: say so instead of offering a button that would be refused.
        "purchasable": is_purchasable(credential),
        "csrf_token": context.get("csrf_token"),
    }
