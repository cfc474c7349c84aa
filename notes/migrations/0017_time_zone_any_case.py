"""Time zone names are taken in any case and stored as IANA spells them (TimeZoneField).
No change to the tables: the names stored were already checked as spelled.
"""

from django.db import migrations

import notes.models.zones


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0016_comment_edited"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalmeeting",
            name="time_zone",
            field=notes.models.zones.TimeZoneField(
                blank=True, max_length=64, verbose_name="time zone"
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="time_zone",
            field=notes.models.zones.TimeZoneField(
                blank=True, max_length=64, verbose_name="time zone"
            ),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="time_zone",
            field=notes.models.zones.TimeZoneField(
                default="Asia/Shanghai",
                help_text="An IANA name such as Asia/Shanghai or Europe/London.",
                max_length=64,
                verbose_name="time zone",
            ),
        ),
        migrations.AlterField(
            model_name="membersettings",
            name="time_zone",
            field=notes.models.zones.TimeZoneField(
                blank=True,
                help_text="Empty: each group's own. An IANA name such as Europe/London.",
                max_length=64,
                verbose_name="time zone",
            ),
        ),
    ]
