from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.views.decorators.debug import sensitive_variables
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .client_ip import client_address
from .models import normalize_email_address
from .throttling import LoginThrottle


class NormalizedEmailField(forms.EmailField):
    """An email field that normalises before validating, so a full-width "＠" is an "@"."""

    def to_python(self, value):
        return normalize_email_address(super().to_python(value))


class SignupForm(BaseUserCreationForm):
    """Sign up with an email address and a password (entered twice)."""

    class Meta:
        model = get_user_model()
        fields = ["email", "first_name", "last_name"]
        field_classes = {"email": NormalizedEmailField}

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if get_user_model().objects.filter(email=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in or reset your password."
            )
        return email


def seconds(count):
    return f"{count} second" if count == 1 else f"{count} seconds"


class ThrottledLoginMixin:
    """Login with the throttle of accounts/throttling.py around the password check.

    `retry_after` is set when the attempt was refused for now, so the view can answer 429.
    """

    retry_after = 0
    throttled_message = "Too many attempts. Please try again in {wait}, or reset your password."

    @sensitive_variables()
    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is None or not password:
            return self.cleaned_data
        attempt = LoginThrottle(email, client_address(self.request))
        self.retry_after = attempt.start()
        if self.retry_after:
            raise forms.ValidationError(
                self.throttled_message.format(wait=seconds(self.retry_after)), code="throttled"
            )
        self.user_cache = authenticate(self.request, username=email, password=password)
        if self.user_cache is None:
            attempt.failed()
            raise self.get_invalid_login_error()
        attempt.succeeded()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's login form: Django's, throttled."""


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's login form, throttled like the site's (WAGTAILADMIN_USER_LOGIN_FORM),
    so the admin's login page is no way around the throttle."""


class EmailPasswordResetForm(PasswordResetForm):
    """Finds the account the way login does: Django's looks addresses up with `iexact`, which on
    SQLite folds ASCII only, so "ａｎａ@example.org" would log in but never get a reset link."""

    email = NormalizedEmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email=normalize_email_address(email), is_active=True)
        return (user for user in users if user.has_usable_password())
