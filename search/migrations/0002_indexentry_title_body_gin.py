"""A GIN index on `title || body` of Wagtail's search index table (PostgreSQL only).

Wagtail's PostgreSQL search backend matches `(title || body) @@ query`; it has GIN indexes on
each column but none on their concatenation, so every text search read and concatenated all
20,000 credentials' vectors (about 50 ms). search/postgres_ranking.py matches the same
expression through this index. Other databases have no such table layout: nothing to do.
"""

from django.db import migrations

INDEX = "search_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin ((title || body))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
