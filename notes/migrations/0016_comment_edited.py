"""A comment says when its text was edited after it was posted (``edited``), where the
page guessed it from ``updated`` being in another minute than ``created``: an edit within
the first minute went unmarked, and a save that changed nothing was marked.

A comment already there counts as edited when its history holds a text other than the
one it has now (as of its last change).
"""

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def mark_edited(apps, schema_editor):
    Comment = apps.get_model("notes", "Comment")
    HistoricalComment = apps.get_model("notes", "HistoricalComment")
    other_text = HistoricalComment.objects.filter(id=OuterRef("pk")).exclude(body=OuterRef("body"))
    Comment.objects.filter(Exists(other_text)).update(edited=F("updated"))


class Migration(migrations.Migration):
    dependencies = [("notes", "0015_mention_labels")]

    operations = [
        *(
            migrations.AddField(
                model_name=model_name,
                name="edited",
                field=models.DateTimeField(
                    blank=True, editable=False, null=True, verbose_name="edited"
                ),
            )
            for model_name in ("comment", "historicalcomment")
        ),
        migrations.RunPython(mark_edited, migrations.RunPython.noop, elidable=True),
    ]
