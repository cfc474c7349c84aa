"""Who may read each guarded record now, written into the change rows logged before
audiences were kept (0002): else sync named such a record's later deletion, or its
leaving a reader's sight, to superusers alone. A record already deleted keeps an empty
audience (who read it is not known): see README, "Sync"."""

from django.db import migrations

BATCH = 1000


def _note_readers(visibility, author_id, group_id):
    if visibility == "everyone":
        return {"everyone"}
    readers = {f"u{author_id}"} if author_id else set()
    if visibility == "group" and group_id:
        readers.add(f"g{group_id}")
    return readers


def backfill(apps, schema_editor):
    Change = apps.get_model("api", "Change")
    Note = apps.get_model("notes", "Note")
    Meeting = apps.get_model("notes", "Meeting")
    MeetingSeries = apps.get_model("notes", "MeetingSeries")
    Comment = apps.get_model("notes", "Comment")
    Membership = apps.get_model("notes", "Membership")
    ReadingGroup = apps.get_model("notes", "ReadingGroup")
    ReadingStatus = apps.get_model("notes", "ReadingStatus")

    def ids(kind):
        """The ids of the kind's records with rows to fill (a subquery: there may be more
        than a statement takes parameters)."""
        return Change.objects.filter(kind=kind, audience="").values("object_id")

    notes = {
        pk: _note_readers(*state)
        for pk, *state in Note.objects.filter(pk__in=ids("notes")).values_list(
            "pk", "visibility", "author_id", "group_id"
        )
    }
    meeting_groups = dict(Meeting.objects.values_list("pk", "group_id"))  # a few per week
    sharing = {}
    for user_id, group_id in Membership.objects.filter(shares_reading=True).values_list(
        "user_id", "group_id"
    ):
        sharing.setdefault(user_id, set()).add(f"g{group_id}")
    readers = {
        "groups": {pk: {f"g{pk}"} for pk in ReadingGroup.objects.values_list("pk", flat=True)},
        "meetings": {pk: {f"g{meeting_groups[pk]}"} for pk in meeting_groups},
        "series": {
            pk: {f"g{group_id}"}
            for pk, group_id in MeetingSeries.objects.filter(pk__in=ids("series")).values_list(
                "pk", "group_id"
            )
        },
        "notes": notes,
        "reading-status": {
            pk: {f"u{user_id}"} | sharing.get(user_id, set())
            for pk, user_id in ReadingStatus.objects.filter(
                pk__in=ids("reading-status")
            ).values_list("pk", "user_id")
        },
    }
    comments = {}
    commented = Comment.objects.filter(pk__in=ids("comments")).values("note_id")
    comment_notes = Note.objects.filter(pk__in=commented).values_list(
        "pk", "visibility", "author_id", "group_id"
    )
    note_state = {pk: _note_readers(*state) for pk, *state in comment_notes}
    for pk, note_id, meeting_id, group_id in Comment.objects.filter(
        pk__in=ids("comments")
    ).values_list("pk", "note_id", "meeting_id", "group_id"):
        if note_id:
            comments[pk] = note_state.get(note_id, set())
        elif meeting_id:
            comments[pk] = (
                {f"g{meeting_groups[meeting_id]}"} if meeting_id in meeting_groups else set()
            )
        elif group_id:
            comments[pk] = {f"g{group_id}"}
    readers["comments"] = comments
    for kind, found in readers.items():
        # Read first, then written: not while a cursor reads the same rows.
        rows = Change.objects.filter(kind=kind, audience="").values_list("pk", "object_id")
        filled = [
            Change(pk=pk, audience=" ".join(sorted(found[object_id])))
            for pk, object_id in list(rows)
            if object_id in found
        ]
        Change.objects.bulk_update(filled, ["audience"], batch_size=BATCH)

class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_departures"),
        ("notes", "0025_meeting_days_in_range"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
