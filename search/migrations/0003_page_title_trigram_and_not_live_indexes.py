"""Two indexes on Wagtail's page table for the PostgreSQL text-search ranking (PostgreSQL only).

search/postgres_ranking.py orders a text's matches by "a chosen word is in the title" and keeps
only live pages. Joined to the page table row by row, that cost about 15,000 index probes for a
common word (7,434 matches of 20,000). Instead it reads two small sets once and probes them in
memory:

- the pages whose title contains the word, `UPPER(title) LIKE UPPER('%word%')` (Django's
  `icontains`), which a trigram GIN index on `UPPER(title)` answers without reading every title
  (pg_trgm ships with PostgreSQL and is a trusted extension: the database owner may create it);
- the pages that are not live: a partial index holds only those (usually a handful).

Other databases have no use for them: nothing to do.
"""

from django.db import migrations

TITLE_INDEX = "search_page_title_upper_trgm"
NOT_LIVE_INDEX = "search_page_not_live"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailcore", "Page")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON {table} USING gin ((UPPER(title::text)) gin_trgm_ops)"
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NOT_LIVE_INDEX} ON {table} (id) WHERE NOT live")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes or code may have come to use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NOT_LIVE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_indexentry_title_body_gin"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
