"""Name a meeting's group in its search hit in the language of the title shown: a meeting
with a Chinese title (the title its hit shows) has its group's Chinese name, where the
group has one, instead of its English name (search.index.meeting_fields)."""

from django.db import migrations


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    Meeting = apps.get_model("notes", "Meeting")
    meetings = (
        Meeting.objects.using(alias)
        .exclude(title_zh="")
        .exclude(group__name_zh="")
        .select_related("group")
    )
    named = {meeting.pk: meeting.group for meeting in meetings.iterator(chunk_size=1000)}
    # Matched by a dict, not by object_id IN (…): PostgreSQL takes at most 65 535 parameters.
    documents = SearchDocument.objects.using(alias).filter(kind="meetings")
    changed = []
    for document in documents.only("object_id", "subtitle").iterator(chunk_size=1000):
        group = named.get(document.object_id)
        if group is None:
            continue
        parts = document.subtitle.split(" · ")
        if group.name in parts:
            parts[parts.index(group.name)] = group.name_zh
            document.subtitle = " · ".join(dict.fromkeys(parts))
            changed.append(document)
    SearchDocument.objects.using(alias).bulk_update(changed, ["subtitle"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_gin_indexes_written_through"),
        ("notes", "0022_visit_language"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
