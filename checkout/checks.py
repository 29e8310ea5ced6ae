"""Deployment checks (`manage.py check --deploy`): a production site must not take payments with
localstripe's fake keys, or send its Stripe calls to a development server."""

from django.conf import settings
from django.core import checks

FAKE_VALUES = {
    "STRIPE_SECRET_KEY": "sk_test_localstripe",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
    "STRIPE_WEBHOOK_SECRET": "whsec_localstripe_development",
}


@checks.register(checks.Tags.security, deploy=True)
def stripe_settings_check(app_configs, **kwargs):
    errors = [
        checks.Error(
            f"{name} is the development default.",
            hint=f"Set {name} from your Stripe dashboard (test or live mode).",
            id="checkout.E001",
        )
        for name, fake in FAKE_VALUES.items()
        if getattr(settings, name) in ("", fake)
    ]
    if settings.STRIPE_API_BASE:
        errors.append(
            checks.Error(
                "STRIPE_API_BASE is set, so payments go to a fake Stripe server.",
                hint="Leave STRIPE_API_BASE empty in production.",
                id="checkout.E002",
            )
        )
    return errors
