"""A reminder keeps the meeting's start it gave (Reminder.starts_at): a meeting moved
after its reminders went out is reminded of again at its new time. Those sent before
gave the meeting's start as it is now, or, for a meeting with no time any more, are
dated by when they were sent."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def told_starts(apps, schema_editor):
    Reminder, Meeting = apps.get_model("notes", "Reminder"), apps.get_model("notes", "Meeting")
    start = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("starts_at")
    Reminder.objects.update(starts_at=Coalesce(Subquery(start), F("sent")))


class Migration(migrations.Migration):
    dependencies = [("notes", "0030_figure_other_names")]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="starts_at",
            field=models.DateTimeField(null=True, verbose_name="meeting's start told"),
        ),
        migrations.RunPython(told_starts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reminder",
            name="starts_at",
            field=models.DateTimeField(verbose_name="meeting's start told"),
        ),
        migrations.RemoveConstraint(model_name="reminder", name="unique_reminder"),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("meeting", "user", "kind", "starts_at"), name="unique_reminder_of_a_start"
            ),
        ),
    ]
