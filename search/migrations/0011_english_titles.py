"""A note's or a meeting's English title, kept apart (``SearchDocument.title_en``) where
the hit's title is its Chinese one, so that the English interface titles the hit in
English (search.query.shown_titles). The documents indexed before hold it as the first
part of their subtitle: it moves to its column.

Read and written in batches, the documents of a kind matched to their records by a dict,
not by ``object_id IN (…)``: a library of 300 000 notes passes PostgreSQL's limit of
65 535 parameters to a query."""

from django.db import migrations, models

BATCH = 1000


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    for kind, model_name in (("notes", "Note"), ("meetings", "Meeting")):
        model = apps.get_model("notes", model_name)
        titled = (
            model.objects.using(alias)
            .exclude(title_zh="")
            .exclude(title_en="")
            .values_list("pk", "title_zh", "title_en")
        )
        english = {pk: en for pk, zh, en in titled.iterator(chunk_size=BATCH) if en != zh}
        documents = SearchDocument.objects.using(alias).filter(kind=kind).order_by("pk")
        changed = []
        for document in documents.only("object_id", "subtitle").iterator(chunk_size=BATCH):
            title_en = english.get(document.object_id)
            if not title_en:
                continue
            document.title_en = title_en[:400]
            parts = document.subtitle.split(" · ")
            if parts[0] == document.title_en:
                document.subtitle = " · ".join(parts[1:])
            changed.append(document)
            if len(changed) >= BATCH:
                SearchDocument.objects.using(alias).bulk_update(changed, ["title_en", "subtitle"])
                changed = []
        SearchDocument.objects.using(alias).bulk_update(changed, ["title_en", "subtitle"])


class Migration(migrations.Migration):
    dependencies = [("search", "0010_meeting_group_names")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="title_en",
            field=models.CharField(blank=True, max_length=400, verbose_name="English title"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
