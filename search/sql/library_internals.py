"""What search relies on in Wagtail, modelsearch and Django beyond their documented API.

Each such check is one function here, so an upgrade has one place to look, and
tests/search/test_library_internals.py runs each against the installed libraries: it fails
loudly when a check stops recognising what it looks for, instead of search quietly falling back
to slower paths (or caching answers it must not).

postgres_ranking.py also reproduces modelsearch's PostgreSQL ranking expression; that is proved
by tests/search/test_postgres_ranking.py, which compares its order with the backend's own.
"""

from wagtail.search.backends import get_search_backend


def is_postgres_search_results(results):
    """True for results of modelsearch's PostgreSQL database backend, whose query compiler
    postgres_ranking.py reads. The class is not exported, hence the name."""
    return type(results).__name__ == "PostgresSearchResults"


def is_sqlite_search_results(results):
    """True for results of modelsearch's SQLite (FTS5) database backend, whose index tables
    sqlite_ranking.py queries. The class is not exported, hence the name."""
    return type(results).__name__ == "SQLiteSearchResults"


def uses_database_backend():
    """True for Wagtail's database search backends, whose index lives in the database.

    Their index changes are followed by a catalog version bump (search/signals.py), so
    text matches can be cached. An external engine (Elasticsearch) makes changes visible
    on its own schedule; text searches against it are not cached.
    """
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")


def pending_on_commit_callbacks(connection):
    """The callbacks registered with `transaction.on_commit()` on `connection` that have not run.

    Django keeps them in the private `connection.run_on_commit`, a list of
    (savepoint ids, callback, robust) triples; it has no public way to ask.
    """
    return (callback for _savepoint_ids, callback, _robust in connection.run_on_commit)
