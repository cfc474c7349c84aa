"""Reading groups and reading lists get a revision, for the stale-save check every edited
record has (core.revisions). Every one there is starts at revision 1.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0013_comment_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="readinggroup",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="readinglist",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
    ]
