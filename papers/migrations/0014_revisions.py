"""Papers, models, datasets and organisations get a revision, for the stale-save check
every edited record has (core.revisions): two organisers editing one paper in the admin no
longer undo each other's save. Every record there is starts at revision 1.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0013_harvest_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="historicallanguagemodel",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="historicalpaper",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="languagemodel",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="organization",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="paper",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
    ]
