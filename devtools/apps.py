from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development-only tooling: the benchmark commands (`manage.py bench_*`), the localstripe
    launcher and its Stripe.js patch. Not installed in production (config/settings/production.py)."""

    name = "devtools"
    verbose_name = "Development tools"
