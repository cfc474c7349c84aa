"""Keep the search index current as records are saved, tagged and deleted.

Fixture loads (raw saves) are skipped: loaddemo rebuilds the index at its end, and
after a plain ``loaddata`` run ``manage.py rebuild_search_index``.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
)
from django.dispatch import receiver

from notes.models import Meeting, ReadingGroup
from papers.models import TopicName

from .backends import install
from .index import SOURCES, index_object, index_records, index_topic_records, remove_object


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


# A group's names, in its meetings' subtitles (search.index.meeting_fields).
GROUP_NAMES = ("name", "name_zh")


def _group_names(group):
    """The group's names as the instance holds them (None for one a query deferred)."""
    return {name: group.__dict__.get(name) for name in GROUP_NAMES}


@receiver(post_init, sender=ReadingGroup)
def remember_group_names(sender, instance, **kwargs):
    """The names a group was read with (or made with), to tell a rename from other saves
    without asking the database again."""
    instance._saved_names = _group_names(instance)


@receiver(post_save, sender=ReadingGroup)
def index_renamed_group(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """Index a group's meetings again when it is renamed: not on every save of the group
    (its description, its settings)."""
    saved, now = getattr(instance, "_saved_names", {}), _group_names(instance)
    written = GROUP_NAMES if update_fields is None else set(GROUP_NAMES) & set(update_fields)
    # A name not known as read (an instance kept in a cache from before) counts as changed.
    renamed = any(name not in saved or now[name] != saved[name] for name in written)
    instance._saved_names = {**saved, **{name: now[name] for name in written}}
    if renamed and not (created or raw):
        index_records(Meeting, Q(group=instance.pk))


@receiver(post_migrate)
def ensure_search_indexes(sender, using="default", plan=None, **kwargs):
    """A migration that remakes the table on SQLite drops its triggers: put them back.

    Not after unapplying migrations: the indexes of the newest schema would come back.
    """
    if sender.name == "search" and not any(backwards for _migration, backwards in plan or []):
        install(connections[using])
