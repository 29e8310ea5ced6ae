"""Ids in the Issuance admin's own URLs."""

from django.http import Http404

MAX_DATABASE_ID = 2**63 - 1


def database_id(value):
    """An id from an admin URL's <int:pk>, or a 404 when no database id can be that large (the
    project's <dbid:…> converter is registered too late for the admin's URLs)."""
    if value > MAX_DATABASE_ID:
        raise Http404
    return value
