"""Catalogs shared by the search tests (small_catalog is in tests/conftest.py: the API tests in
tests/config use it too)."""

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what would run on commit (index tasks, catalog version bumps)
    at the end of the block, as if it were its own committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cached_catalog(db, request, committed):
    """small_catalog, built as committed changes, so searches use the answer cache."""
    with committed():
        return request.getfixturevalue("small_catalog")
