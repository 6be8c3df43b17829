"""PostgreSQL only: a GIN index for retrieval's full-text search (memory.selectors).

The indexed expression is exactly what `SearchVector("content", config="english")` compiles
to, `to_tsvector('english'::regconfig, COALESCE(content, ''))`: the planner uses an
expression index only for an identical expression. SQLite has no full-text operator here
(its relevance is word overlap in Python), so nothing is created there.
"""

from django.db import migrations

INDEX_NAME = "memory_content_english_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON memory_memory "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(content, ''::text)))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("memory", "0003_cortex"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
