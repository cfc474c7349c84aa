"""Time zone names are taken in any case and stored as IANA spells them (TimeZoneField).
The columns stay as they are (the names stored were already checked as spelled): the
new field class is recorded in the migration state only, where an AlterField made
SQLite rebuild four tables for nothing.
"""

from django.db import migrations

import notes.models.zones


FIELD_CLASS = [
    migrations.AlterField(
        model_name="historicalmeeting",
        name="time_zone",
        field=notes.models.zones.TimeZoneField(blank=True, max_length=64, verbose_name="time zone"),
    ),
    migrations.AlterField(
        model_name="meeting",
        name="time_zone",
        field=notes.models.zones.TimeZoneField(blank=True, max_length=64, verbose_name="time zone"),
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


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0016_comment_edited"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=FIELD_CLASS)]
