"""A note's comments are moderated by its group (Comment.group_of, and Note.save since
2c6775c): those on notes moved to another group, or made private, before then kept the
group the note had when they were written. Its organisers moderated them still, and the
comments went with that group if it was deleted (Comment.group cascades)."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def regroup(apps, schema_editor):
    Comment = apps.get_model("notes", "Comment")
    Note = apps.get_model("notes", "Note")
    on_notes = Comment._base_manager.filter(note__isnull=False)
    on_notes.filter(note__visibility="private").exclude(group=None).update(group=None)
    shared = on_notes.exclude(note__visibility="private").exclude(group_id=F("note__group_id"))
    shared.update(
        group_id=Subquery(Note._base_manager.filter(pk=OuterRef("note_id")).values("group_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("notes", "0027_series_revision")]

    operations = [migrations.RunPython(regroup, migrations.RunPython.noop)]
