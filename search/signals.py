"""Keep the search index current as records are saved, tagged and deleted.

Fixture loads (raw saves) are skipped: loaddemo rebuilds the index at its end, and
after a plain ``loaddata`` run ``manage.py rebuild_search_index``.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import SET_NULL, Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from taggit.models import Tag

from notes.models import Comment, Meeting, Note, ReadingGroup
from papers.models import Dataset, LanguageModel, Organization, Paper, TopicName

from .backends import install
from .index import (
    SOURCES,
    TOPICAL,
    index_object,
    index_records,
    index_topic_records,
    remove_object,
)


@receiver(post_save)
def index_saved(sender, instance, raw=False, **kwargs):
    if sender in SOURCES and not raw:
        index_object(instance)


@receiver(post_delete)
def unindex_deleted(sender, instance, **kwargs):
    if sender in SOURCES:
        remove_object(instance)


@receiver(m2m_changed)
def index_relinked(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Organisations and topics are part of a record's text: index again when they change."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if type(instance) in SOURCES:
        index_object(instance)
    elif model in SOURCES and pk_set:
        index_records(model, Q(pk__in=pk_set))


@receiver([post_save, post_delete], sender=TopicName)
def index_renamed_topic(sender, instance, raw=False, **kwargs):
    """A topic's Chinese name is part of its records' text: index them again."""
    if not raw:
        index_topic_records(instance.tag_id)


@receiver(pre_save, sender=Tag)
def remember_topic_name(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and not instance._state.adding:
        rows = sender._base_manager.filter(pk=instance.pk).values_list("name", flat=True)
        instance._search_name_before = rows.first()


@receiver(post_save, sender=Tag)
def index_renamed_tag(sender, instance, raw=False, **kwargs):
    """A topic's name is part of its records' text: renamed (in the admin), they are
    indexed again. Search went on finding them by the old name, and not by the new."""
    before = getattr(instance, "_search_name_before", None)
    if before is not None:
        del instance._search_name_before
        if before != instance.name:
            index_topic_records(instance.pk)


@receiver(pre_delete, sender=Tag)
def remember_topic_records(sender, instance, **kwargs):
    instance._search_records = {
        model: list(model._base_manager.filter(tags=instance.pk).values_list("pk", flat=True))
        for model in TOPICAL
    }


@receiver(post_delete, sender=Tag)
def index_untagged_records(sender, instance, **kwargs):
    """A topic deleted (or merged into another) leaves its records' text: index them
    again, once its links are gone."""
    for model, pks in getattr(instance, "_search_records", {}).items():
        if pks:
            index_records(model, Q(pk__in=pks))


# What other records' documents show of a record: for each kind of record that shows it
# (a model its organisation, a note its paper, a meeting its group …), how those are
# found from it and the fields of it they show (a meeting's address holds its group's
# slug, its subtitle the group's names; a comment's address its meeting's group's slug).
SHOWN_IN = {
    Organization: [
        (Paper, "organizations", ("name", "name_zh")),
        (LanguageModel, "organization", ("name", "name_zh")),
        (Dataset, "organization", ("name", "name_zh")),
    ],
    LanguageModel: [(LanguageModel, "base_model", ("name",)), (Note, "language_model", ("name",))],
    Paper: [
        (Note, "paper", ("title_zh", "title_en")),
        (Comment, "paper", ("slug", "title_zh", "title_en")),
    ],
    ReadingGroup: [
        (Meeting, "group", ("slug", "name", "name_zh")),
        (Comment, "meeting__group", ("slug",)),
    ],
    # A meeting's comments: titled by it, addressed and read by its group.
    Meeting: [(Comment, "meeting", ("group", "number", "title_zh", "title_en"))],
    get_user_model(): [
        (Note, "author", ("username", "first_name", "last_name")),
        (Comment, "author", ("username", "first_name", "last_name")),
    ],
}


def _written(sender, update_fields):
    """The fields of SHOWN_IN[sender] a save writes (by name: a foreign key's is its id)."""
    shown = dict.fromkeys(field for _model, _lookup, fields in SHOWN_IN[sender] for field in fields)
    if update_fields is None:
        return list(shown)
    return [
        field
        for field in shown
        if field in update_fields or sender._meta.get_field(field).attname in update_fields
    ]


def _value(instance, name):
    """The field's value as values_list() reads it: a foreign key's id."""
    return getattr(instance, instance._meta.get_field(name).attname)


@receiver(pre_save)
def remember_shown_fields(sender, instance, raw=False, update_fields=None, **kwargs):
    """Read, before a save writes them, the fields other records' documents show of the
    record (a group's name in its meetings' hits): a save that changes one indexes the
    records that show it again (index_dependents); other saves (a description, a login)
    index nothing."""
    if sender not in SHOWN_IN or raw or instance._state.adding:
        return
    if written := _written(sender, update_fields):
        before = sender._base_manager.filter(pk=instance.pk).values_list(*written).first()
        instance._search_shown_before = dict(zip(written, before or (), strict=False))


@receiver(post_save)
def index_dependents(sender, instance, **kwargs):
    before = getattr(instance, "_search_shown_before", None)
    if before is None:
        return
    del instance._search_shown_before
    changed = {field for field, value in before.items() if _value(instance, field) != value}
    for model, lookup, fields in SHOWN_IN[sender]:
        if changed.intersection(fields):
            index_records(model, Q(**{lookup: instance.pk}))


@functools.cache
def _left_behind(sender):
    """The (model, lookup) of SHOWN_IN[sender] whose records a deletion of one of the
    sender's leaves in place (a reference set to null, a many-to-many link dropped): a
    cascade deletes the others, and their own deletions take them out of the index
    (indexed again before the cascade reached them, a comment whose paper was gone
    could not be)."""
    left = []
    for model, lookup, _fields in SHOWN_IN[sender]:
        field = model._meta.get_field(lookup.split("__")[0])
        if field.many_to_many or field.remote_field.on_delete is SET_NULL:
            left.append((model, lookup))
    return tuple(left)


@receiver(pre_delete)
def remember_dependents(sender, instance, **kwargs):
    """The records whose documents show a record being deleted and that stay, to index
    again once it is gone (a model whose organisation goes)."""
    if sender in SHOWN_IN and instance.pk is not None:
        instance._search_dependents = [
            (
                model,
                list(
                    model._base_manager.filter(**{lookup: instance.pk}).values_list("pk", flat=True)
                ),
            )
            for model, lookup in _left_behind(sender)
        ]


@receiver(post_delete)
def index_dependents_of_deleted(sender, instance, **kwargs):
    for model, pks in getattr(instance, "_search_dependents", ()):
        if pks:
            index_records(model, Q(pk__in=pks))


@receiver(post_migrate)
def ensure_search_indexes(sender, using="default", plan=None, **kwargs):
    """A migration that remakes the table on SQLite drops its triggers: put them back.

    Not after unapplying migrations: the indexes of the newest schema would come back.
    """
    if sender.name == "search" and not any(backwards for _migration, backwards in plan or []):
        install(connections[using])
