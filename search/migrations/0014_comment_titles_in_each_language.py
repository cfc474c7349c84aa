"""Title a comment's search hit in the reader's language, as the hit of the note or
meeting it is about is (search.index.comment_fields): ``title_en`` holds that one's
English title where the title is its Chinese one. The subtitle, which repeated the title
after the author's name, names the author alone.

Read and written in batches: a batch of comment documents, then their comments' notes'
and meetings' titles by their keys (PostgreSQL takes at most 65 535 parameters to a
query); only the documents that change are written."""

from itertools import islice

from django.db import migrations

BATCH = 1000
SEPARATOR = " · "


def english_title(title_zh, title_en):
    """As search.index.english_title: the English title where it is not the one shown."""
    return title_en if title_zh and title_en and title_en != title_zh else ""


def author_alone(subtitle, title):
    """The subtitle as search.index made it before (the author's name, then the title,
    cut at 400 characters as the title was) without the title."""
    if subtitle == title:  # a comment whose author's account is gone
        return ""
    start = subtitle.find(SEPARATOR)
    while start != -1:
        if title.startswith(subtitle[start + len(SEPARATOR) :]):
            return subtitle[:start]
        start = subtitle.find(SEPARATOR, start + 1)
    return subtitle


def titles(model, pks, alias):
    return {
        pk: english_title(title_zh, title_en)
        for pk, title_zh, title_en in model.objects.using(alias)
        .filter(pk__in=pks)
        .values_list("pk", "title_zh", "title_en")
    }


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    Comment = apps.get_model("notes", "Comment")
    Note = apps.get_model("notes", "Note")
    Meeting = apps.get_model("notes", "Meeting")
    documents = (
        SearchDocument.objects.using(alias)
        .filter(kind="comments")
        .order_by("pk")
        .only("object_id", "title", "title_en", "subtitle")
        .iterator(chunk_size=BATCH)
    )
    while batch := list(islice(documents, BATCH)):
        subjects = {
            pk: (note_id, meeting_id)
            for pk, note_id, meeting_id in Comment.objects.using(alias)
            .filter(pk__in=[document.object_id for document in batch])
            .values_list("pk", "note_id", "meeting_id")
        }
        notes = titles(Note, {note for note, _meeting in subjects.values() if note}, alias)
        meetings = titles(Meeting, {meeting for _note, meeting in subjects.values() if meeting}, alias)
        changed = []
        for document in batch:
            note, meeting = subjects.get(document.object_id, (None, None))
            title_en = notes.get(note) or meetings.get(meeting) or ""
            subtitle = author_alone(document.subtitle, document.title)
            if (title_en, subtitle) != (document.title_en, document.subtitle):
                document.title_en, document.subtitle = title_en, subtitle
                changed.append(document)
        SearchDocument.objects.using(alias).bulk_update(changed, ["title_en", "subtitle"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0013_english_part_of_the_body"),
        ("notes", "0022_visit_language"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
