from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from .throttling import LoginThrottle


class SignupForm(BaseUserCreationForm):
    """Sign up with an email address and a password (entered twice)."""

    class Meta:
        model = get_user_model()
        fields = ["email", "first_name", "last_name"]

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in or reset your password."
            )
        return email


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing further attempts after repeated failures.

    Failures are counted per email and per client address, so one attacker cannot lock out
    every account from one address, nor guess one account's password from many addresses
    without being slowed.
    """

    def clean(self):
        throttle = LoginThrottle(self.request, self.data.get("username", ""))
        if throttle.is_blocked():
            raise forms.ValidationError(
                f"Too many failed attempts. Try again in {throttle.minutes_left()} minutes, "
                "or reset your password.",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            throttle.record_failure()
            raise
        finally:
            if self.user_cache is not None:
                throttle.reset()
