"""PostgreSQL: one GIN index per kind of record, over English words and Chinese bigrams.

Replaces the four indexes over all documents (title trigrams, body trigrams, full
text, Chinese bigrams): a query is now one tsquery over one vector (see
search.backends), answered by one index scan, and each kind's matches come from its
own partial index (``WHERE kind = …``), without intersecting them with every document
of the kind. Other databases are left alone.
"""

from django.db import migrations

OLD = {
    "search_doc_head_trgm": "gin (head gin_trgm_ops)",
    "search_doc_body_trgm": "gin (body gin_trgm_ops)",
    "search_doc_fts": "gin (to_tsvector('english'::regconfig, head || ' ' || body))",
    "search_doc_bigrams": "gin (to_tsvector('simple'::regconfig, cjk_bigrams))",
}


def forwards(apps, schema_editor):
    from search.backends import install

    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from search.backends import postgres_indexes

    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _create in postgres_indexes():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, method in OLD.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_searchdocument USING {method}"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_tsvector")]

    operations = [migrations.RunPython(forwards, backwards)]
