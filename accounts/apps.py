from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using, verbosity=1, **kwargs):
    """`migrate` also creates the tables of database caches (production's shared cache), so no
    deployment can forget `createcachetable`; it does nothing for other cache backends."""
    call_command("createcachetable", database=using, verbosity=verbosity)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self)
