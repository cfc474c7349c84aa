"""Keep a meeting's number in its English title in search (search.index.meeting_titles):
the hit of a meeting and of a comment on one are titled "#7 Group meeting" in English
from ``title_en`` itself. search.query.shown_titles had put the number of the Chinese
title before the English one of every comment whose Chinese title started with one, so a
comment on a note titled "#3 复现" (in English, "Reproduction") showed "#3 Reproduction".

Only the documents with an English title of their own change: a meeting's, and those of
the comments on meetings (read by their keys a batch at a time: PostgreSQL takes at most
65 535 parameters to a query)."""

import re
from itertools import islice

from django.db import migrations

BATCH = 1000
NUMBER = re.compile(r"#\d+ ")


def numbered(documents):
    """The documents whose English title lacks the number their title starts with, given it."""
    changed = []
    for document in documents:
        number = NUMBER.match(document.title)
        if number and not document.title_en.startswith(number.group()):
            document.title_en = (number.group() + document.title_en)[:400]
            changed.append(document)
    return changed


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    Comment = apps.get_model("notes", "Comment")
    documents = SearchDocument.objects.using(alias).exclude(title_en="").only("title", "title_en")
    SearchDocument.objects.using(alias).bulk_update(
        numbered(documents.filter(kind="meetings")), ["title_en"], batch_size=BATCH
    )
    on_meetings = (
        Comment.objects.using(alias)
        .filter(meeting__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=BATCH)
    )
    while batch := list(islice(on_meetings, BATCH)):
        SearchDocument.objects.using(alias).bulk_update(
            numbered(documents.filter(kind="comments", object_id__in=batch)), ["title_en"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0015_note_bylines_in_each_language"),
        ("notes", "0023_note_author_name_zh"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
