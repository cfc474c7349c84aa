"""The change log that clients sync from: every save or delete of a synced record moves
the library version on and notes the record (kind, id, key) at that version.

``?since=<version>`` on the API's lists answers the records changed after that
version; ``/api/v1/sync?since=`` answers, per kind, the keys changed and deleted.
Written by signals (saves, deletes, tag and many-to-many changes, list items and
memberships count as changes of what holds them), so the admin, the site, loaddata
and the API are all recorded; bulk operations that send no signals are not.

A record that not everyone may read (a note, a meeting …) keeps in its row who could
read it at its recorded changes (``audience``: tokens "everyone", "g<group id>",
"u<user id>"), before and after each. Sync names a record it cannot show the caller as
deleted only when one of those tokens is theirs: a record they could have read, not
one they never could (its key, a note's slug, carries its title).
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from notes.models import (
    Comment,
    GlossaryTerm,
    Meeting,
    MeetingSeries,
    Membership,
    Note,
    ReadingGroup,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    TaggedNote,
)
from papers.models import (
    Ability,
    Dataset,
    EvaluationTask,
    LanguageModel,
    ModelDataset,
    Organization,
    Paper,
    TaggedDataset,
    TaggedModel,
    TaggedPaper,
)

from .models import Change, LibraryVersion

# kind → model; the kind names the API's collection.
KINDS = {
    "papers": Paper,
    "organizations": Organization,
    "models": LanguageModel,
    "datasets": Dataset,
    "abilities": Ability,
    "tasks": EvaluationTask,
    "glossary": GlossaryTerm,
    "reading-lists": ReadingList,
    "groups": ReadingGroup,
    "meetings": Meeting,
    "series": MeetingSeries,
    "notes": Note,
    "comments": Comment,
    "reading-status": ReadingStatus,
}
KIND_OF = {model: kind for kind, model in KINDS.items()}
# Rows that belong to a synced record: changing them changes it.
PARTS = {
    TaggedPaper: "content_object",
    TaggedModel: "content_object",
    TaggedDataset: "content_object",
    TaggedNote: "content_object",
    ReadingListItem: "reading_list",
    Membership: "group",
    ModelDataset: "model",
}


def key_of(instance):
    """The key a client names a record by: its slug, or for a meeting its id."""
    return getattr(instance, "slug", "") or ""


# --- Who could read a record ------------------------------------------------------------

EVERYONE = "everyone"


def group_token(pk):
    return f"g{pk}"


def user_token(pk):
    return f"u{pk}"


def _note_readers(visibility, author_id, group_id):
    """Who may read a note in this state, as Note.objects.visible_to() says (superusers
    aside: they read everything)."""
    if visibility == Note.Visibility.EVERYONE:
        return {EVERYONE}
    readers = {user_token(author_id)} if author_id else set()
    if visibility == Note.Visibility.GROUP and group_id:
        readers.add(group_token(group_id))
    return readers


def _comment_readers(comment):
    """A comment is read with what it is on (Comment.objects.visible_to())."""
    if comment.note_id:
        note = Note._base_manager.filter(pk=comment.note_id)
        state = note.values_list("visibility", "author_id", "group_id").first()
        return _note_readers(*state) if state else set()
    if comment.meeting_id:
        meeting = Meeting._base_manager.filter(pk=comment.meeting_id)
        group = meeting.values_list("group_id", flat=True).first()
        return {group_token(group)} if group else set()
    return {group_token(comment.group_id)} if comment.group_id else set()


def _status_readers(status):
    """A reading status is read by its member and the groups they share their reading
    with (ReadingStatus.objects.shared_with())."""
    groups = Membership.objects.filter(user=status.user_id, shares_reading=True).order_by()
    return {user_token(status.user_id)} | {
        group_token(pk) for pk in groups.values_list("group_id", flat=True)
    }


# kind → (the fields its readers depend on, who may read a record in that state), for the
# kinds whose records not everyone may read.
READERS = {
    "groups": ((), lambda group: {group_token(group.pk)}),
    "meetings": (("group_id",), lambda meeting: {group_token(meeting.group_id)}),
    "series": (("group_id",), lambda series: {group_token(series.group_id)}),
    "notes": (
        ("visibility", "author_id", "group_id"),
        lambda note: _note_readers(note.visibility, note.author_id, note.group_id),
    ),
    "comments": (("note_id", "meeting_id", "group_id"), _comment_readers),
    "reading-status": (("user_id",), _status_readers),
}


def _tokens(audience):
    return set(audience.split()) if audience else set()


def _audience(tokens):
    return " ".join(sorted(tokens))


def readers_of(user):
    """The tokens that name the caller in a record's audience (their user, "everyone",
    the groups they are in), or None for a superuser, who could read every record."""
    if user.is_superuser:
        return None
    groups = Membership.objects.filter(user=user).order_by().values_list("group_id", flat=True)
    return {EVERYONE, user_token(user.pk)} | {group_token(pk) for pk in groups}


def could_read(audience, readers):
    """Whether a reader (readers_of()) could read a record with this audience. A row
    written before audiences were kept (empty) names nobody: only a superuser is told."""
    if readers is None:
        return True
    return bool(audience) and not readers.isdisjoint(audience.split())


# --- Recording changes -------------------------------------------------------------------


def record(instance, deleted=False):
    """Note a change to a synced record at the next library version."""
    model = type(instance)
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or instance.pk is None:
        return
    readers = None  # of a kind everyone reads: its audience stays empty
    if kind in READERS:
        # Who may read it now, and who could before this change (pre_save read it).
        readers = READERS[kind][1](instance) | getattr(instance, "_sync_readers_before", set())
    # One transaction with the counter's update: the version and its row commit together
    # (inside a caller's transaction, the counter stays locked until that one commits).
    # One statement each: the record's one row is written whether or not it has one, and
    # says when this change was made (``at``: the API's Last-Modified). A guarded
    # record's audience adds to what its row held (read under the counter's lock).
    with transaction.atomic(savepoint=False):
        version = LibraryVersion.next()
        audience = ""
        if readers is not None:
            held = Change.objects.filter(kind=kind, object_id=instance.pk)
            readers |= _tokens(held.values_list("audience", flat=True).first())
            audience = _audience(readers)
        Change.objects.bulk_create(
            [
                Change(
                    kind=kind,
                    object_id=instance.pk,
                    key=key_of(instance),
                    version=version,
                    deleted=deleted,
                    at=timezone.now(),
                    audience=audience,
                )
            ],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["key", "version", "deleted", "at", "audience"],
        )


def record_pks(model, pks):
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or not pks:
        return
    for instance in model._base_manager.filter(pk__in=pks).only("pk", *_fields(model)):
        record(instance)


def record_readers_lost(querysets, tokens):
    """Note, at one new version, a change to each record of the querysets whose readers
    the tokens named until now (a member who left a group, a group whose member stopped
    sharing their reading): the tokens join their audience, so those readers are told
    the records are gone from their sight at their next sync."""
    found = {}
    for queryset in querysets:
        kind = KIND_OF[queryset.model]
        for pk, *key in queryset.order_by().values_list("pk", *_key_fields(queryset.model)):
            found[kind, pk] = key[0] if key else ""
    if not found:
        return
    kinds = {}
    for kind, pk in found:
        kinds.setdefault(kind, []).append(pk)
    held_rows = Q()
    for kind, pks in kinds.items():
        held_rows |= Q(kind=kind, object_id__in=pks)
    with transaction.atomic(savepoint=False):
        version = LibraryVersion.next()
        held = Change.objects.filter(held_rows).values_list("kind", "object_id", "audience")
        audiences = {(kind, pk): _tokens(audience) for kind, pk, audience in held}
        now = timezone.now()
        Change.objects.bulk_create(
            [
                Change(
                    kind=kind,
                    object_id=pk,
                    key=key,
                    version=version,
                    deleted=False,
                    at=now,
                    audience=_audience(tokens | audiences.get((kind, pk), set())),
                )
                for (kind, pk), key in found.items()
            ],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["key", "version", "deleted", "at", "audience"],
        )


def _group_records(group_id, sharers):
    """What a group's members read through it: the group, its meetings, series, group
    notes and discussions, and the reading statuses of the sharers (user ids)."""
    return [
        ReadingGroup._base_manager.filter(pk=group_id),
        Meeting._base_manager.filter(group=group_id),
        MeetingSeries._base_manager.filter(group=group_id),
        Note._base_manager.filter(group=group_id, visibility=Note.Visibility.GROUP),
        Comment._base_manager.filter(group=group_id),
        ReadingStatus._base_manager.filter(user__in=sharers),
    ]


def _leaving(sender, instance, **kwargs):
    """A member leaves a group (or the group goes): what they read through it is gone
    from their sight, and their reading from the group's. Before the delete, while the
    membership and the group's records are all still there (a group's deletion removes
    its memberships and its records in no set order)."""
    if instance.pk is None or instance.group_id is None:
        return
    sharers = Membership.objects.filter(group=instance.group_id, shares_reading=True)
    record_readers_lost(
        _group_records(instance.group_id, sharers.values("user_id")),
        {user_token(instance.user_id), group_token(instance.group_id)},
    )


def _membership_saved(instance, created):
    """A member who stops sharing their reading with a group takes their statuses out
    of its members' sight."""
    if not created and not instance.shares_reading:
        record_readers_lost(
            [ReadingStatus._base_manager.filter(user=instance.user_id)],
            {group_token(instance.group_id)},
        )


def _before_save(sender, instance, raw=False, **kwargs):
    """Keep who could read a guarded record before this save (its row in the database),
    for record() to add to its audience: a note made private was its group's."""
    kind = KIND_OF.get(sender)
    if kind not in READERS or instance.pk is None or instance._state.adding:
        return
    fields, readers = READERS[kind]
    before = sender._base_manager.filter(pk=instance.pk).only("pk", *fields).first()
    instance._sync_readers_before = readers(before) if before is not None else set()


def _key_fields(model):
    return ["slug"] if any(f.name == "slug" for f in model._meta.fields) else []


def _fields(model):
    """The fields record() reads of a record: its key, and what its readers depend on."""
    kind = KIND_OF.get(model._meta.concrete_model)
    return [*_key_fields(model), *READERS.get(kind, ((), None))[0]]


def _saved(sender, instance, created=False, **kwargs):
    if sender in KIND_OF:
        record(instance)
    elif sender in PARTS:
        _record_holder(sender, instance)
    if sender is Membership:
        _membership_saved(instance, created)


def _deleted(sender, instance, **kwargs):
    if sender in KIND_OF:
        record(instance, deleted=True)
    elif sender in PARTS:
        _record_holder(sender, instance)


def _record_holder(sender, instance):
    field = PARTS[sender]
    holder_id = getattr(instance, f"{field}_id", None)
    holder_model = sender._meta.get_field(field).related_model
    # The holder may be going too (a cascade): its own delete is recorded separately.
    if holder_id is not None:
        record_pks(holder_model, [holder_id])


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if type(instance) in KIND_OF:
        record(instance)
    if model in KIND_OF and pk_set:
        record_pks(model, pk_set)


def connect_signals():
    pre_save.connect(_before_save, dispatch_uid="api-sync-before-save")
    post_save.connect(_saved, dispatch_uid="api-sync-saved")
    pre_delete.connect(_leaving, sender=Membership, dispatch_uid="api-sync-leaving")
    post_delete.connect(_deleted, dispatch_uid="api-sync-deleted")
    m2m_changed.connect(_m2m, dispatch_uid="api-sync-m2m")


def changed_since(kind, since):
    """Return the ids of the kind's records saved after the version (a subquery)."""
    return Change.objects.filter(kind=kind, version__gt=since, deleted=False).values("object_id")


def deleted_since(kind, since):
    return Change.objects.filter(kind=kind, version__gt=since, deleted=True)
