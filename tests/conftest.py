import pytest

from tests.builders import make_framework, make_partner, make_site


@pytest.fixture
def site_tree(db):
    """(home, catalog): an empty catalog served as the default site."""
    return make_site()


@pytest.fixture
def catalog(site_tree):
    return site_tree[1]


@pytest.fixture
def partner(catalog):
    return make_partner(catalog, title="Arizona State University", brand_colour="#8C1D40")


@pytest.fixture
def framework(db):
    return make_framework(size=4)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (search vocabulary, login throttling, renditions)."""
    from django.core.cache import cache

    cache.clear()
    yield
