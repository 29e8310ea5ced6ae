from django.apps import AppConfig


class IssuanceConfig(AppConfig):
    """Completions and what follows them: the signed webhook that hands each to a badge issuer,
    and the credential the issuer gives back. Sits above checkout: it reads enrolments and
    listens to checkout's signals (a refund revokes), checkout never imports it."""

    name = "issuance"
    verbose_name = "Issuance"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to checkout's and accounts' signals)
