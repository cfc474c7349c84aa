"""PostgreSQL: the search indexes take each document at once, with no pending list.

A GIN index gathered new entries in a pending list until the next vacuum, and every
search read the whole list (search.backends, GIN_INDEX_OPTIONS). The existing indexes get
the option and their pending entries are flushed (indexes made from now on are made with
it); other databases are left alone.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from search.backends import gin_options_sql

    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in gin_options_sql():
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    from search.backends import gin_index_names

    if schema_editor.connection.vendor != "postgresql":
        return
    for name in gin_index_names():
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_names_and_folded_letters")]

    operations = [migrations.RunPython(forwards, backwards)]
