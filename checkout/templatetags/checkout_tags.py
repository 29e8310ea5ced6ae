"""The enrol box on a credential page: what this visitor can do next (log in, enrol, pay, nothing)."""

from django import template

from checkout.models import EnrolmentStatus
from checkout.services import existing_enrolment

register = template.Library()


@register.inclusion_tag("checkout/includes/enrol_box.html", takes_context=True)
def enrol_box(context, credential):
    request = context["request"]
    user = request.user
    enrolment = existing_enrolment(user, credential) if user.is_authenticated else None
    if enrolment is not None and enrolment.status == EnrolmentStatus.REVOKED:
        enrolment = None
    return {
        "request": request,
        "user": user,
        "page": credential,
        "enrolment": enrolment,
        "csrf_token": context.get("csrf_token"),
    }
