"""Background work for accounts: the emails sign-up sends.

Queued, like receipts, so a slow or failing mail server never shows in the sign-up answer: a new
and a taken address both cost one queued email, and answer equally fast.
"""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django_tasks import task

from .tokens import email_confirmation_token


def _with_next(url, next_url):
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@task()
def send_confirmation_email(user_id, site_url, next_url=""):
    """The link that confirms a new account's address, signs the learner in and returns them to
    `next_url` (accounts.views.ConfirmEmailView)."""
    user = get_user_model().objects.get(pk=user_id)
    path = reverse(
        "accounts:confirm_email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_confirmation_token.make_token(user),
        },
    )
    context = {"user": user, "link": site_url + _with_next(path, next_url)}
    send_mail(
        subject="Confirm your email address for the Microcredential Catalog",
        message=render_to_string("accounts/emails/confirm_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@task()
def send_signup_attempt_notice(user_id, site_url, next_url=""):
    """Someone signed up with an address that has an account: its owner hears of it, and the
    sign-up page said nothing."""
    user = get_user_model().objects.get(pk=user_id)
    context = {
        "user": user,
        "login_link": site_url + _with_next(reverse("accounts:login"), next_url),
        "reset_link": site_url + reverse("accounts:password_reset"),
    }
    send_mail(
        subject="Someone tried to sign up with your email address",
        message=render_to_string("accounts/emails/signup_attempt.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
