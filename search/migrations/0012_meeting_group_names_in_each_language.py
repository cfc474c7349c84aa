"""Name a meeting's group in its search hit in the reader's language: its subtitle names
the group in Chinese (where the group has a Chinese name), ``subtitle_en`` in English
(search.index.meeting_fields). search.0010 named it in the language of the meeting's
title, in one subtitle for both interfaces, so the English interface showed the Chinese
name under the English title (search.query.shown_titles).

Read and written in batches, the documents matched to their groups by a dict (the
documents hold their group's key), not by ``object_id IN (…)``: PostgreSQL takes at most
65 535 parameters to a query."""

from django.db import migrations, models

BATCH = 1000
SEPARATOR = " · "


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    ReadingGroup = apps.get_model("notes", "ReadingGroup")
    groups = ReadingGroup.objects.using(alias).exclude(name_zh="")
    named = {
        pk: (name, name_zh)
        for pk, name, name_zh in groups.values_list("pk", "name", "name_zh")
        if name != name_zh
    }
    documents = (
        SearchDocument.objects.using(alias)
        .filter(kind="meetings", group_id__isnull=False)
        .order_by("pk")
        .only("group_id", "subtitle", "subtitle_en")
    )
    changed = []
    for document in documents.iterator(chunk_size=BATCH):
        names = named.get(document.group_id)
        parts = document.subtitle.split(SEPARATOR)
        if names is None or not set(names) & set(parts):
            continue
        name, name_zh = names
        document.subtitle = SEPARATOR.join(name_zh if p in names else p for p in parts)
        document.subtitle_en = SEPARATOR.join(name if p in names else p for p in parts)
        changed.append(document)
        if len(changed) >= BATCH:
            SearchDocument.objects.using(alias).bulk_update(changed, ["subtitle", "subtitle_en"])
            changed = []
    SearchDocument.objects.using(alias).bulk_update(changed, ["subtitle", "subtitle_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0011_english_titles"),
        ("notes", "0022_visit_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="subtitle_en",
            field=models.CharField(blank=True, max_length=400, verbose_name="English subtitle"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
