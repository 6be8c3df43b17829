"""PostgreSQL only: a GIN index for retrieval's full-text search (memory.selectors), over the
memories that last (long-term, emotional, reflections).

Short-term memories are left out on purpose: they are most of what a busy tick writes
(thousands at 10,000 NPCs), parsing each into the index cost the tick about a second, and
there are at most MEMORY_SHORT_TERM_CAP of them per character, so searching a character's
own short-term memories needs no text index. The lasting ones grow without bound; those the
index serves.

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
        "USING gin (to_tsvector('english'::regconfig, COALESCE(content, ''::text))) "
        "WHERE type <> 'short_term'"
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
