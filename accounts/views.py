from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from .forms import SignupForm, ThrottledLoginForm, seconds
from .signup import SignupThrottled, resend_confirmation, sign_up
from .tokens import email_confirmation_token

# The account whose right password was just given but whose address is unconfirmed: the only
# one "send the link again" may email (so that button cannot be pointed at other addresses).
UNCONFIRMED_SESSION_KEY = "accounts:unconfirmed"


def _safe_next(request, fallback="/"):
    """`next` if it is an address on this site (a path, or a URL of this host), else the fallback.

    A bare word ("abc") is no address: redirect() would look it up as a URL name, a 500 when none
    has it."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    is_address = target.startswith("/") or urlsplit(target).scheme in {"http", "https"}
    if is_address and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(fallback) if fallback else ""


def _throttled(response, retry_after):
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


class SignupView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(_safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        next_url = _safe_next(self.request, fallback="")
        try:
            sign_up(self.request, form, next_url)
        except SignupThrottled as throttled:
            form.add_error(
                None,
                f"Too many sign-ups from your network. Please try again in {seconds(throttled.retry_after)}.",
            )
            return _throttled(self.form_invalid(form), throttled.retry_after)
        return redirect("accounts:signup_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.request.GET.get("next", ""), **kwargs)


class SignupDoneView(TemplateView):
    """The one answer to every sign-up: check your email."""

    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        try:
            mailbox = reverse("dev_mailbox")  # routed in development only (config/urls.py)
        except NoReverseMatch:
            mailbox = None
        return super().get_context_data(mailbox_url=mailbox, **kwargs)


class ConfirmEmailView(TemplateView):
    """The emailed link: a page with one button that confirms the address, signs the learner in
    and returns them to `next`.

    Opening the link changes nothing; the button does (a POST). Mail scanners that open every
    link in a message (common on university mail) would otherwise use up the one-time link
    before the learner clicks it, and a link forwarded to someone else would sign them into
    the sender's account unawares.
    """

    template_name = "accounts/confirm_email.html"

    def dispatch(self, request, uidb64, token, *args, **kwargs):
        try:
            user = get_user_model()._default_manager.get(pk=urlsafe_base64_decode(uidb64).decode())
        except (TypeError, ValueError, OverflowError, get_user_model().DoesNotExist):
            user = None
        self.user = user if email_confirmation_token.check_token(user, token) else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.user, next=_safe_next(self.request, fallback=""), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if self.user is None:
            return self.get(request, *args, **kwargs)
        self.user.mark_email_verified()
        login(request, self.user, backend="accounts.backends.EmailBackend")
        request.session.pop(UNCONFIRMED_SESSION_KEY, None)
        messages.success(request, f"Your email address is confirmed. You are signed in as {self.user.email}.")
        return redirect(_safe_next(request))


@require_POST
def resend_confirmation_view(request):
    pending = request.session.pop(UNCONFIRMED_SESSION_KEY, None)
    if pending:
        resend_confirmation(request, pending["user"], pending.get("next", ""))
    return redirect("accounts:signup_done")


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        self.request.session.pop(UNCONFIRMED_SESSION_KEY, None)
        return super().form_valid(form)

    def form_invalid(self, form):
        if form.unconfirmed_user is not None:
            self.request.session[UNCONFIRMED_SESSION_KEY] = {
                "user": form.unconfirmed_user.pk,
                "next": _safe_next(self.request, fallback=""),
            }
        response = super().form_invalid(form)
        if form.retry_after:
            # The form, with its "try again in N seconds", and a status clients understand.
            return _throttled(response, form.retry_after)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            offer_resend=UNCONFIRMED_SESSION_KEY in self.request.session, **kwargs
        )
