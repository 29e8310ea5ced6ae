"""Search's own SQL, where Wagtail's search backends and the ORM's generic queries were too slow,
and the cache that spares running it again.

search/catalog_search.py says *what* a search answers (params → matching ids → facets → page);
this package computes the expensive parts directly. Each module replaces one generic path,
kept working beside it, and names the test that proves both give the same answers (for SQLite's
ranking: the same answers as PostgreSQL's). docs/PERFORMANCE.md has the measurements.

- lookups.py: `field__any=Ids(…)`, long id lists as one array parameter (instead of `__in`),
  and `hidden_pages()` / `visible_pages()`, Wagtail's `live().public()` as a set of ids read
  once and as path ranges every backend can filter on;
- postgres_ranking.py: matching and relevance order in one statement on PostgreSQL (instead of
  the database backend's query and three queries of relevance signals);
- sqlite_ranking.py: FTS5 matches ranked in one pass, with English stemming (instead of the
  SQLite backend's per-row bm25 subqueries);
- facet_counts.py: every facet count in one statement (instead of a query per facet);
- catalog_cache.py: answers cached until the catalog changes (Wagtail caches none);
- library_internals.py: what the modules above rely on in Wagtail, modelsearch and Django
  beyond their documented API, each in one function, each tested against the installed version.
"""
