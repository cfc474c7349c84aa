"""Name an imported note's source in its search hit in the reader's language: in Chinese
in the subtitle, in English in ``subtitle_en`` (search.index.subtitles). The index kept
the byline in the language that was active when the note was saved last (English for
the notes that notes.0023 gave a Chinese name), so readers of the other language saw it.

Only the notes with no account as their author and a name in each language (imported
from a source: a few) change: read a batch at a time, their documents by their keys
(PostgreSQL takes at most 65 535 parameters to a query)."""

from itertools import islice

from django.db import migrations
from django.db.models import F

BATCH = 1000
SEPARATOR = " · "


def bylined(subtitle, name, name_zh):
    """(Chinese subtitle, English subtitle) of a subtitle that starts with either name
    (search.index made it so: the byline, then what the note is about), else None."""
    for shown in sorted({name, name_zh}, key=len, reverse=True):
        if subtitle == shown or subtitle.startswith(shown + SEPARATOR):
            rest = subtitle[len(shown) :]
            return name_zh + rest, name + rest
    return None


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    Note = apps.get_model("notes", "Note")
    notes = (
        Note.objects.using(alias)
        .filter(author__isnull=True)
        .exclude(author_name="")
        .exclude(author_name_zh="")
        .exclude(author_name=F("author_name_zh"))
        .order_by("pk")
        .values_list("pk", "author_name", "author_name_zh")
        .iterator(chunk_size=BATCH)
    )
    while batch := list(islice(notes, BATCH)):
        names = {pk: (name, name_zh) for pk, name, name_zh in batch}
        documents = list(
            SearchDocument.objects.using(alias)
            .filter(kind="notes", object_id__in=list(names))
            .only("object_id", "subtitle", "subtitle_en")
        )
        for document in documents:  # a subtitle with neither name is written as it was
            shown = (document.subtitle, document.subtitle_en)
            document.subtitle, document.subtitle_en = (
                bylined(document.subtitle, *names[document.object_id]) or shown
            )
        SearchDocument.objects.using(alias).bulk_update(documents, ["subtitle", "subtitle_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0014_comment_titles_in_each_language"),
        ("notes", "0023_note_author_name_zh"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
