from django.db import models


class CatalogVersion(models.Model):
    """One row whose token changes whenever anything a search answer depends on changes.

    Cached search answers are keyed by the token (see search/catalog_cache.py). It lives in the
    database, not in the cache, so that every web process and the background worker (which
    updates the search index) agree on it even with a per-process cache.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalog version"

    def __str__(self):
        return self.token
