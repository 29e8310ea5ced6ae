"""What search relies on beyond the documented API of Wagtail, modelsearch and Django
(search/sql/library_internals.py), checked against the installed versions.

If one of these fails after an upgrade, the library changed something search depends on:
without the check, search would quietly take its slower generic paths, or cache answers it
must not. Fix the function in library_internals.py, not the test.
"""

import pytest
from django.db import connection, transaction
from django.test import override_settings

from catalog.models import MicrocredentialPage
from search.sql.library_internals import (
    is_postgres_search_results,
    is_sqlite_search_results,
    pending_on_commit_callbacks,
    uses_database_backend,
)

pytestmark = pytest.mark.django_db


def test_the_database_backends_results_are_recognised():
    results = MicrocredentialPage.objects.live().search("data", operator="and")
    if connection.vendor == "postgresql":
        assert is_postgres_search_results(results) and not is_sqlite_search_results(results)
    else:
        assert connection.vendor == "sqlite"
        assert is_sqlite_search_results(results) and not is_postgres_search_results(results)


def test_the_configured_backend_is_a_database_backend():
    assert uses_database_backend()


@override_settings(
    WAGTAILSEARCH_BACKENDS={
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            # Nothing listens there; building the backend connects to nothing.
            "URLS": ["http://127.0.0.1:9"],
            "INDEX": "microcredentials-test",
        }
    }
)
def test_an_external_engine_is_not_a_database_backend():
    assert not uses_database_backend()


def test_pending_on_commit_callbacks_are_read_from_the_connection():
    def first():
        pass

    def second():
        pass

    with transaction.atomic():
        transaction.on_commit(first)
        transaction.on_commit(second, robust=True)
        pending = list(pending_on_commit_callbacks(connection))
        # The private list itself: (savepoint ids, callback, robust) triples.
        assert [entry[1:] for entry in connection.run_on_commit[-2:]] == [(first, False), (second, True)]
        assert pending[-2:] == [first, second]
