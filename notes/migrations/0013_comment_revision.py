"""Comments get the revision notes have, for the same stale-save check (WritingForm).

Every comment there is starts at revision 1, as a new note does.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0012_reading_together")]

    operations = [
        migrations.AddField(
            model_name=model_name,
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        )
        for model_name in ("comment", "historicalcomment")
    ]
