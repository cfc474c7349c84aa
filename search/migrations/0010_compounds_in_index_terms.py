"""Index the stems of the field's compounds however they are written ("finetuned",
"fine-tuned", "pre-training": search.text.compounds) beside each document's text, so that
"instruction tuning" finds "Scaling Instruction-Finetuned Language Models". Only the
documents that hold one get their index terms again (from their stored text)."""

from django.db import migrations
from django.db.models import Q

# What COMPOUND finds, as both databases' regular expressions read it (no \b in
# PostgreSQL's): a wider net, and index_terms() decides.
PATTERN = "(fine|pre|post)[-\u2010\u2011 ]?(tun|train)"
BATCH = 1000


def forwards(apps, schema_editor):
    from search.text import index_terms

    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = SearchDocument.objects.using(schema_editor.connection.alias).filter(
        Q(head__iregex=PATTERN) | Q(body__iregex=PATTERN)
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
    dependencies = [("search", "0009_gin_indexes_written_through")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
