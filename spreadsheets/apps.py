from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    verbose_name = "Spreadsheets"

    def ready(self):
        from .wagtail_exports import make_exports_safe

        make_exports_safe()
