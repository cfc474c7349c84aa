"""Index the Chinese trigrams of each document's text beside its bigrams.

A Chinese term of three characters (思维链, 预训练, 注意力) is then one indexed word,
found by the index alone; it was found by its two bigrams and then by reading every
candidate's text for the term as written, most of such a search's time on PostgreSQL.
Every document with a run of three Chinese characters gets its index terms again.
"""

from django.db import migrations

BATCH = 1000


def forwards(apps, schema_editor):
    from search.text import CJK, index_terms

    SearchDocument = apps.get_model("search", "SearchDocument")
    three = f"[{CJK}]{{3}}"
    documents = SearchDocument.objects.using(schema_editor.connection.alias)
    documents = documents.filter(head__regex=three) | documents.filter(body__regex=three)
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
    dependencies = [("search", "0006_comments_kind")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
