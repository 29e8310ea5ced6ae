from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .client_ip import client_address
from .models import normalize_email_address
from .throttling import LoginThrottle


class NormalizedEmailField(forms.EmailField):
    """An email field that normalises before validating, so a full-width "＠" is an "@"."""

    def to_python(self, value):
        return normalize_email_address(super().to_python(value))


def password_rules():
    """AUTH_PASSWORD_VALIDATORS in the site's words, one sentence instead of Django's list of
    "Your password can't…" bullets. Read from the configured validators, so it stays true when
    they change; a validator this does not know keeps its own help text."""
    rules, others = [], []
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            rules.insert(0, f"at least {validator.min_length} characters")
        elif isinstance(validator, password_validation.CommonPasswordValidator):
            rules.append("not a common password")
        elif isinstance(validator, password_validation.NumericPasswordValidator):
            rules.append("not only numbers")
        elif isinstance(validator, password_validation.UserAttributeSimilarityValidator):
            rules.append("not too close to your name or email address")
        else:
            others.append(validator.get_help_text())
    if len(rules) > 1:
        rules = [f"{', '.join(rules[:-1])} and {rules[-1]}"]
    return " ".join([f"Use {rule}." for rule in rules] + others)


class PasswordRulesMixin:
    """Say what a new password needs in one line (see password_rules)."""

    new_password_field = "password1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.new_password_field].help_text = password_rules()
        confirmation = self.new_password_field[:-1] + "2"
        self.fields[confirmation].help_text = "Type the same password again, to be sure it is what you meant."


class SignupForm(PasswordRulesMixin, BaseUserCreationForm):
    """Sign up with an email address and a password (entered twice).

    A taken address is not an error here: the form answers the same for every address and
    accounts.signup decides what happens (a new account, or an email to the address's owner).
    """

    class Meta:
        model = get_user_model()
        fields = ["email", "first_name", "last_name"]
        field_classes = {"email": NormalizedEmailField}

    def validate_unique(self):
        # Django's "User with this email already exists." is exactly what must not be said.
        try:
            self.instance.validate_unique(exclude={*self._get_validation_exclusions(), "email"})
        except forms.ValidationError as error:
            self._update_errors(error)


def seconds(count):
    return f"{count} second" if count == 1 else f"{count} seconds"


class ThrottledLoginMixin:
    """Login with the throttle of accounts/throttling.py around the password check.

    `retry_after` is set when the attempt was refused for now, so the view can answer 429.
    """

    retry_after = 0
    unconfirmed_user = None
    throttled_message = "Too many attempts. Please try again in {wait}, or reset your password."
    unconfirmed_message = (
        "Please confirm your email address first, with the link we emailed you when you signed up."
    )

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
        self.user_cache = authenticate(
            self.request, username=email, password=password, allow_unconfirmed=True
        )
        if self.user_cache is None:
            attempt.failed()
            raise self.get_invalid_login_error()
        attempt.succeeded()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            # Said only after the right password, which proves more than this tells.
            self.unconfirmed_user = user
            raise forms.ValidationError(self.unconfirmed_message, code="unconfirmed")


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's login form: Django's, throttled."""


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's login form, throttled like the site's (WAGTAILADMIN_USER_LOGIN_FORM),
    so the admin's login page is no way around the throttle."""

    unconfirmed_message = (
        "Please confirm your email address first: log in on the site to have the link sent again."
    )


class EmailPasswordResetForm(PasswordResetForm):
    """Finds the account the way login does: Django's looks addresses up with `iexact`, which on
    SQLite folds ASCII only, so "ａｎａ@example.org" would log in but never get a reset link."""

    email = NormalizedEmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email=normalize_email_address(email), is_active=True)
        return (user for user in users if user.has_usable_password())


class ConfirmingSetPasswordForm(PasswordRulesMixin, SetPasswordForm):
    """Choosing a new password from a reset link also confirms the address: the link reached it.
    It is the way out for the owner of an address someone else signed up with: the reset
    replaces the stranger's password and voids their confirmation links (accounts.tokens)."""

    new_password_field = "new_password1"

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
        if commit:
            user.save()
        return user
