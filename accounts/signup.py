"""Signing up without telling anyone which addresses have accounts.

A new address gets an account, unconfirmed (it cannot log in: accounts.backends), and an email
with the link that confirms it; a taken address gets no account and no error, and its owner
an email saying someone tried. Both take the same steps (one password hash, one queued email)
and get the same answer, so neither the page nor its timing tells them apart.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from .client_ip import client_address
from .tasks import send_confirmation_email, send_signup_attempt_notice
from .throttling import SignupThrottle


class SignupThrottled(Exception):
    def __init__(self, retry_after):
        super().__init__(f"Too many sign-ups from this address; retry after {retry_after} s.")
        self.retry_after = retry_after


def site_url(request):
    return f"{request.scheme}://{request.get_host()}"


def sign_up(request, form, next_url=""):
    """Act on a valid SignupForm (see the module docstring). Raises SignupThrottled when this
    client address has signed up too often; past the per-address limit for one email the
    answer is the same but no email is sent."""
    email = form.cleaned_data["email"]
    throttle = SignupThrottle(email, client_address(request))
    wait = throttle.retry_after()
    if wait:
        raise SignupThrottled(wait)
    may_email = throttle.may_email()
    throttle.hit()

    User = get_user_model()
    user = None
    if not User.objects.filter(email=email).exists():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same address signed up a moment ago, in parallel
            user = None
    created = user is not None
    if not created:
        make_password(form.cleaned_data["password1"])  # the hashing a new account costs
        user = User.objects.get(email=email)
    if may_email:
        send = send_confirmation_email if created else send_signup_attempt_notice
        send.enqueue(user.pk, site_url(request), next_url)


def resend_confirmation(request, user_id, next_url=""):
    """Email an unconfirmed account's link again (after a login with the right password),
    within the same per-email allowance as sign-up."""
    user = get_user_model().objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return
    throttle = SignupThrottle(user.email, client_address(request))
    if throttle.may_email():
        throttle.email.hit()
        send_confirmation_email.enqueue(user.pk, site_url(request), next_url)
