"""Cached search answers, invalidated by a catalog version kept in the database.

What it replaces: nothing in Wagtail, which caches no search answers; it spares running the
ranking and facet statements of this package (and the skills ranking) again for a search
already answered since the catalog last changed.

A search answer (ranked ids, facet counts; the "did you mean" vocabulary) depends only on the
published catalog, its view restrictions and the search index. They change only when an editor
publishes, unpublishes, deletes or renames something, or makes a page private or public again;
when code writes the catalog in bulk (it says so with catalog/signals.py); or when the worker
updates the search index. search/signals.py calls `bump_catalog_version()` then.
Answers are cached under keys that include the current version token, so a bump makes every
older answer unreachable at once, in every process, whatever cache backend is configured (the
token is read from the database on each request: one primary-key lookup).

Ordering guarantees freshness: the token changes only *after* the change that caused it is
committed (`transaction.on_commit`), so whoever reads the new token also sees the new data.
An answer computed just before the change may be stored under the old token, which nobody
reads any more. While a transaction on this connection holds uncommitted catalog changes,
its own searches bypass the cache: they see data no other connection sees yet, and must
neither read stale answers nor store answers that may be rolled back.

Entries also expire after CACHE_TIMEOUT as a backstop (e.g. after a manual index rebuild).

Proof of equal answers: tests/search/test_answer_cache.py (every kind of change an editor, the
importer or the index worker makes is seen at once, only once committed), and
scripts/search_answers.py, which stops unless cold, uncached and cached answers agree.
"""

import hashlib
import json
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .library_internals import pending_on_commit_callbacks

CACHE_TIMEOUT = 300
KEY_PREFIX = "search-answer"


def current_version():
    from ..models import CatalogVersion

    token = CatalogVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token or "none"


def _write_new_token():
    from ..models import CatalogVersion

    CatalogVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class _PendingBump:
    """An on_commit callback that changes the token once; remembers whether it has run."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        _write_new_token()


def _pending_bump(connection):
    for callback in pending_on_commit_callbacks(connection):
        if isinstance(callback, _PendingBump) and not callback.done:
            return callback
    return None


def bump_catalog_version(using=DEFAULT_DB_ALIAS):
    """Make every cached search answer stale once the current transaction commits (or now)."""
    connection = connections[using]
    if connection.in_atomic_block and _pending_bump(connection):
        return  # one bump per transaction is enough
    transaction.on_commit(_PendingBump(), using=using)


def has_uncommitted_changes(using=DEFAULT_DB_ALIAS):
    """True while this connection's open transaction has changed the catalog."""
    connection = connections[using]
    return connection.in_atomic_block and _pending_bump(connection) is not None


class AnswerCache:
    """Read-through cache for one request: reads the version at most once."""

    def __init__(self, enabled=True):
        self.enabled = enabled and not has_uncommitted_changes()
        self._version = None

    @property
    def version(self):
        if self._version is None:
            self._version = current_version()
        return self._version

    def key(self, namespace, parts):
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
        return f"{KEY_PREFIX}:{namespace}:{self.version}:{digest}"

    def get_or_compute(self, namespace, parts, compute):
        if not self.enabled:
            return compute()
        key = self.key(namespace, parts)
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, CACHE_TIMEOUT)
        return value
