"""PostgreSQL: keep the title text's tsvector in a stored generated column, ``tsv_head``.

The search ranking tests each candidate's title for each term; parsing the title again
for every test cost more than the rest of the search. search.backends holds the
statement (``install`` adds it on a new database); other databases are left alone.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from search.backends import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv_head")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_database_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
