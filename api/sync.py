"""The change log that clients sync from: every save or delete of a synced record moves
the library version on and notes the record (kind, id, key) at that version.

``?since=<version>`` on the API's lists answers the records changed after that
version; ``/api/v1/sync?since=`` answers, per kind, the keys changed and deleted.
Written by signals (saves, deletes, tag and many-to-many changes, list items and
memberships count as changes of what holds them), so the admin, the site, loaddata
and the API are all recorded; bulk operations that send no signals are not.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
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


def record(instance, deleted=False):
    """Note a change to a synced record at the next library version."""
    model = type(instance)
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or instance.pk is None:
        return
    # One transaction with the counter's update: the version and its row commit together
    # (inside a caller's transaction, the counter stays locked until that one commits).
    # One statement each: the record's one row is written whether or not it has one, and
    # says when this change was made (``at``: the API's Last-Modified).
    with transaction.atomic(savepoint=False):
        version = LibraryVersion.next()
        Change.objects.bulk_create(
            [
                Change(
                    kind=kind,
                    object_id=instance.pk,
                    key=key_of(instance),
                    version=version,
                    deleted=deleted,
                    at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["key", "version", "deleted", "at"],
        )


def record_pks(model, pks):
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or not pks:
        return
    for instance in model._base_manager.filter(pk__in=pks).only("pk", *_key_fields(model)):
        record(instance)


def _key_fields(model):
    return ["slug"] if any(f.name == "slug" for f in model._meta.fields) else []


def _saved(sender, instance, **kwargs):
    if sender in KIND_OF:
        record(instance)
    elif sender in PARTS:
        _record_holder(sender, instance)


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
    post_save.connect(_saved, dispatch_uid="api-sync-saved")
    post_delete.connect(_deleted, dispatch_uid="api-sync-deleted")
    m2m_changed.connect(_m2m, dispatch_uid="api-sync-m2m")


def changed_since(kind, since):
    """Return the ids of the kind's records saved after the version (a subquery)."""
    return Change.objects.filter(kind=kind, version__gt=since, deleted=False).values("object_id")


def deleted_since(kind, since):
    return Change.objects.filter(kind=kind, version__gt=since, deleted=True)
