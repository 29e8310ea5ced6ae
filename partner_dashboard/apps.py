from django.apps import AppConfig


class PartnerDashboardConfig(AppConfig):
    """What each partner's credentials do and what the partner is owed: the dashboard, revenue
    agreements and monthly statements. It reads orders (checkout) and completions (issuance), so
    it sits above both; partners/ (accounts and permissions) stays at the bottom, below catalog."""

    name = "partner_dashboard"
    verbose_name = "Partner dashboard"

    def ready(self):
        from . import rollups  # noqa: F401  (connects the receivers that forget stored months)
