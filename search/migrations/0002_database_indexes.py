"""The database's own search indexes: GIN (full-text, trigram) on PostgreSQL, FTS5 on SQLite.

Each vendor's statements live in search.backends; other databases get none.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from search.backends import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from search.backends import install

    install(schema_editor.connection, reverse=True)
    if schema_editor.connection.vendor == "postgresql":
        # The indexes this migration made before search.0004 replaced them.
        for name in ("head_trgm", "body_trgm", "fts", "bigrams"):
            schema_editor.execute(f"DROP INDEX IF EXISTS search_doc_{name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
