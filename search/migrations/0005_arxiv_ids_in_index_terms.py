"""Index the arXiv identifiers written in a document's text beside its Chinese bigrams.

PostgreSQL's parser reads an identifier inside a link (https://arxiv.org/pdf/2303.18223.pdf)
as part of one URL word, so such a note was not found by its arXiv ID there (SQLite's
tokenizer found it). Documents whose text holds an identifier get their index terms
again; nothing else changes.
"""

from django.db import migrations
from django.db.models import Q

PATTERN = r"[0-9]{4}\.[0-9]{4,5}"
BATCH = 1000


def forwards(apps, schema_editor):
    from search.text import index_terms

    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = SearchDocument.objects.using(schema_editor.connection.alias).filter(
        Q(head__regex=PATTERN) | Q(body__regex=PATTERN)
    )
    batch = []
    for document in documents.only("head", "body", "cjk_bigrams").iterator(chunk_size=BATCH):
        terms = index_terms(document.head, document.body)
        if terms != document.cjk_bigrams:
            document.cjk_bigrams = terms
            batch.append(document)
        if len(batch) >= BATCH:
            SearchDocument.objects.bulk_update(batch, ["cjk_bigrams"])
            batch = []
    SearchDocument.objects.bulk_update(batch, ["cjk_bigrams"])


class Migration(migrations.Migration):
    dependencies = [("search", "0004_indexes_per_kind")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
