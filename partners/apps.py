from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the start-up checks; connects the receivers)
