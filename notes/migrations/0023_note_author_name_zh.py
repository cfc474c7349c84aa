"""A note's author name in Chinese, beside the free-text one: the notes imported from the
group's documents name their source as author ("Obsidian note “Large language model”"),
which the Chinese interface showed in English while the page's footer named the same
source in Chinese.

The name of a note already imported is derived from its sources: a source whose English
title, without its closing remark in brackets ("(Markdown source)"), begins the note's
author name gives its Chinese title, without its remark, as the Chinese name; what
follows in the author name, a remark in brackets, follows it in full-width brackets.
Notes read and written in batches, by primary key, never by a long ``IN (…)``."""

import re

from django.db import migrations, models

BATCH = 500
REMARK = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
TRAILING = re.compile(r"^\s*\((?P<remark>[^()]*)\)$")


def chinese_name(author_name, sources):
    """Return the Chinese author name the (title_en, title_zh) of a note's sources give
    its author name, or "" if none does."""
    for title_en, title_zh in sources:
        english, chinese = REMARK.sub("", title_en), REMARK.sub("", title_zh)
        if not (english and chinese) or english == chinese:
            continue
        if not author_name.startswith(english):
            continue
        rest = author_name[len(english) :]
        if not rest.strip():
            return chinese
        if remark := TRAILING.match(rest):
            return f"{chinese}（{remark['remark']}）"
    return ""


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    Note = apps.get_model("notes", "Note")
    Through = Note.sources.through
    named = (
        Note.objects.using(alias)
        .filter(author=None, author_name_zh="")
        .exclude(author_name="")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(named.filter(pk__gt=last).only("pk", "author_name")[:BATCH])
        if not batch:
            break
        # The batch's links, by a subquery of its notes (not a list of their keys).
        in_batch = named.filter(pk__gt=last, pk__lte=batch[-1].pk).values("pk")
        last = batch[-1].pk
        sources = {}
        links = (
            Through.objects.using(alias)
            .filter(note_id__in=in_batch)
            .order_by("source__slug")
            .values_list("note_id", "source__title_en", "source__title_zh")
        )
        for note_id, title_en, title_zh in links:
            sources.setdefault(note_id, []).append((title_en, title_zh))
        changed = []
        for note in batch:
            note.author_name_zh = chinese_name(note.author_name, sources.get(note.pk, []))
            if note.author_name_zh:
                changed.append(note)
        Note.objects.using(alias).bulk_update(changed, ["author_name_zh"])


class Migration(migrations.Migration):
    dependencies = [("notes", "0022_visit_language")]

    operations = [
        migrations.AddField(
            model_name="historicalnote",
            name="author_name_zh",
            field=models.CharField(
                blank=True,
                help_text="The author's name as the Chinese interface shows it, if it differs.",
                max_length=200,
                verbose_name="author (Chinese name)",
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="author_name_zh",
            field=models.CharField(
                blank=True,
                help_text="The author's name as the Chinese interface shows it, if it differs.",
                max_length=200,
                verbose_name="author (Chinese name)",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
