"""When each member joined, to the second (``Membership.joined_at``, for api.sync). A
membership made before it was kept says only its day: it is taken to have begun at the
start of that day, in the site's zone."""

import datetime
import zoneinfo

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def from_the_day(apps, schema_editor):
    Membership = apps.get_model("notes", "Membership")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    days = Membership.objects.values_list("pk", "joined")
    Membership.objects.bulk_update(
        [
            Membership(pk=pk, joined_at=datetime.datetime.combine(day, datetime.time.min, zone))
            for pk, day in list(days)
        ],
        ["joined_at"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0025_meeting_days_in_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="joined_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="joined at"
            ),
        ),
        migrations.RunPython(from_the_day, migrations.RunPython.noop),
    ]
