"""A change row for each guarded record (a group, meeting, series, note, comment or
reading status) made before the API's change log and changed since by nothing: none had
a row, so sync's departed(), which reads who could read a record from its row, never
named it to a member who left its group, whose client kept it for ever. Each gets the
row its first change would have written (api.sync.record(): read by who reads it now,
since always), at version 0: no client is told it changed, and no version moves on.

Read in pages by id (one query each, none per record: the library may hold 300k notes),
each page read whole before its rows are written."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

BATCH = 2000


def _pages(model, Change, kind, fields):
    """The kind's records without a row, ``fields`` of each, BATCH at a time by id."""
    rows = Change.objects.filter(kind=kind, object_id=OuterRef("pk"))
    missing = model._base_manager.filter(~Exists(rows)).order_by("pk")
    last = None
    while True:
        page = missing if last is None else missing.filter(pk__gt=last)
        batch = list(page.values_list("pk", *fields)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def backfill(apps, schema_editor):
    # The live code's readers and audiences: what sync reads from a row is what it wrote.
    from api.sync import _note_readers, audience_since_always, group_token, user_token

    Change = apps.get_model("api", "Change")
    Membership = apps.get_model("notes", "Membership")
    sharing = {}  # member → the groups they share their reading with (a few rows each)
    for user_id, group_id in Membership.objects.filter(shares_reading=True).values_list(
        "user_id", "group_id"
    ):
        sharing.setdefault(user_id, set()).add(group_token(group_id))

    def in_group(group_id):
        return {group_token(group_id)} if group_id else set()

    def comment(pk, note_id, visibility, author_id, note_group, meeting_id, meeting_group, group):
        if note_id:
            return _note_readers(visibility, author_id, note_group)
        return in_group(meeting_group) if meeting_id else in_group(group)

    # kind → (its model, its key's field, its making's field, the fields its readers are
    # read from, who reads a record (its id and those fields)): as api.sync.READERS says.
    kinds = {
        "groups": ("ReadingGroup", "slug", "created", [], in_group),
        "meetings": ("Meeting", None, "created", ["group_id"], lambda pk, g: in_group(g)),
        "series": ("MeetingSeries", None, "created", ["group_id"], lambda pk, g: in_group(g)),
        "notes": (
            "Note",
            "slug",
            "created",
            ["visibility", "author_id", "group_id"],
            lambda pk, *state: _note_readers(*state),
        ),
        "comments": (
            "Comment",
            None,
            "created",
            [
                "note_id",
                "note__visibility",
                "note__author_id",
                "note__group_id",
                "meeting_id",
                "meeting__group_id",
                "group_id",
            ],
            comment,
        ),
        "reading-status": (
            "ReadingStatus",
            None,
            None,
            ["user_id"],
            lambda pk, user_id: {user_token(user_id)} | sharing.get(user_id, set()),
        ),
    }
    now = timezone.now()
    for kind, (name, key, made, fields, readers) in kinds.items():
        named = [field for field in (key, made) if field]
        for batch in _pages(apps.get_model("notes", name), Change, kind, [*named, *fields]):
            rows = []
            for pk, *values in batch:
                known = dict(zip(named, values, strict=False))
                rows.append(
                    Change(
                        kind=kind,
                        object_id=pk,
                        key=known.get(key) or "",
                        version=0,
                        at=now,
                        # When it was made: deleted after a member left, theirs if made before.
                        born=known.get(made),
                        audience=audience_since_always(kind, readers(pk, *values[len(named) :])),
                    )
                )
            Change.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0005_change_born"),
        ("notes", "0026_membership_joined_at"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
