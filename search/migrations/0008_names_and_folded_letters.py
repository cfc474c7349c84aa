"""Fold each document's full-width letters and digits, and index its names with their
numbers as one word.

A query is searched in NFKC form (ＬｏＲＡ as LoRA); the index now holds the letters and
digits of its text so too (search.text.fold()), and each name with its number
("GPT-4", "LLaMA 2") as one word as well ("gpt4", search.text.names()): in the index
terms, and in the title text, where a match ranks first. Documents whose text holds a
name and number, or any character beyond ASCII, get their text and index terms again.
"""

from django.db import migrations
from django.db.models import Q

PATTERN = "[A-Za-z]{2}[-\u2010\u2011\u2013\uff0d ]?[0-9]|[^\x01-\x7e]"
BATCH = 1000


def forwards(apps, schema_editor):
    from search.text import index_terms, plain, with_names

    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = SearchDocument.objects.using(schema_editor.connection.alias).filter(
        Q(head__regex=PATTERN) | Q(body__regex=PATTERN)
    )
    fields = ["head", "body", "cjk_bigrams"]
    batch = []
    for document in documents.only(*fields).iterator(chunk_size=BATCH):
        head, body = with_names(plain(document.head)), plain(document.body)
        terms = index_terms(head, body)
        if (head, body, terms) != (document.head, document.body, document.cjk_bigrams):
            document.head, document.body, document.cjk_bigrams = head, body, terms
            batch.append(document)
        if len(batch) >= BATCH:
            SearchDocument.objects.bulk_update(batch, fields)
            batch = []
    SearchDocument.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_cjk_trigrams_in_index_terms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
