from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import signals  # noqa: F401  (re-index credentials when what they mention changes)
        from .sql.sqlite_ranking import create_vocabulary_view

        connection_created.connect(create_vocabulary_view, dispatch_uid="search_vocabulary_view")
