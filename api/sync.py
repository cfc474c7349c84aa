"""The change log that clients sync from: every save or delete of a synced record moves
the library version on and notes the record (kind, id, key) at that version.

``?since=<version>`` on the API's lists answers the records changed after that
version; ``/api/v1/sync?since=`` answers, per kind, the keys changed and deleted.
Written by signals (saves, deletes, tag and many-to-many changes, list items and
memberships count as changes of what holds them), so the admin, the site, loaddata
and the API are all recorded, and so are the records the database changes for them: those
whose reference a deletion sets to null, and the models a family's move re-roots
(papers' ``family_moved``). Bulk operations that send no signals are not.

A record that not everyone may read (a note, a meeting …) keeps in its row who could
read it and when (``audience``: tokens "everyone", "g<group id>", "u<user id>", each
with the spans of time in which it named the record's readers: "g3@<from>~<until>",
microseconds, no "until" while it still does). Sync names a record it cannot show the
caller as deleted only when one of those tokens named them while it named the record's
readers: a record they could have read, not one they never could, nor one gone before
they joined, nor one that came into their group's sight after they left. A member's
leaving a group (or a group's member no longer sharing their reading) is one
``Departure``: sync then names, once, what the member read through the group.
"""

import functools
import time

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from core.backup import restored
from notes.models import (
    Comment,
    GlossaryTerm,
    Meeting,
    MeetingSeries,
    Membership,
    Note,
    PaperProposal,
    ReadingGroup,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    TaggedNote,
    Vote,
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
from papers.models.language_models import family_moved

from .models import Change, Departure, LibraryVersion, Restore

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
# Rows that belong to a synced record: changing them changes it. A path through another
# row ("proposal__meeting") for a part of a part: a vote is its proposal's, which is its
# meeting's (a meeting shows its proposals and their votes).
PARTS = {
    PaperProposal: "meeting",
    Vote: "proposal__meeting",
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
    with (ReadingStatus.objects.shared_with()); "not for me" by its member alone."""
    if status.status == ReadingStatus.Status.NOT_FOR_ME:
        return {user_token(status.user_id)}
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


def _micros(moment):
    """A time as the whole microseconds since the epoch an audience writes it in."""
    return round(moment.timestamp() * 1_000_000)


def _named(audience):
    """An audience's tokens, each with its spans [(from, until)] in microseconds (None
    for open), or None for a token written before the spans were kept (only its name),
    and for one whose spans cannot be read (a row edited by hand): never a failure of
    sync for everyone whose changes hold it."""
    named = {}
    for token in audience.split() if audience else ():
        name, *spans = token.split("@")
        try:
            named[name] = [_span(span) for span in spans] or None
        except ValueError:
            named[name] = None
    return named


def _span(text):
    start, tilde, end = text.partition("~")
    if not tilde:
        raise ValueError(text)
    return (int(start) if start else None, int(end) if end else None)


def _audience(named):
    """Write an audience (``_named()``'s form) as its row keeps it: "g3@<from>~<until>"
    ("~": a time before 1970 is a negative number)."""
    return " ".join(
        name
        if spans is None
        else "@".join(
            [name, *(f"{'' if a is None else a}~{'' if b is None else b}" for a, b in spans)]
        )
        for name, spans in sorted(named.items())
    )


def _renamed(held, before, now_readers, now):
    """The audience ``held`` (``_named()``'s form) after a change at ``now`` (a time)
    whose record was read by ``before`` (None when unknown) and is read by ``now_readers``
    (tokens; empty for a record deleted): a token that starts naming its readers opens a
    span, one that stops closes its open span."""
    at = _micros(now)
    named = {name: None if spans is None else list(spans) for name, spans in held.items()}
    for name in before or ():
        if name not in named:  # its readers before any change was logged: since always
            named[name] = [(None, None)]
    for name, spans in named.items():
        if name in now_readers:
            continue
        spans = [(None, None)] if spans is None else spans
        named[name] = [*spans[:-1], (spans[-1][0], at)] if spans[-1][1] is None else spans
    for name in now_readers:
        spans = named.get(name)
        if spans is None and name in named:
            continue  # written before spans were kept, and naming it still: as it was
        if not spans or spans[-1][1] is not None:
            named[name] = [*(spans or ()), (at, None)]
    return named


def audience_since_always(kind, readers):
    """The audience of a record of the kind read by ``readers`` (tokens) since before its
    changes were logged, as record() writes it at the first change of such a record that
    leaves its readers as they were: each token since always ("g3@~"), a reading
    status's without spans. The rows api.0006 wrote for the records that had none."""
    if kind == "reading-status":
        return _audience(dict.fromkeys(readers))
    return _audience(_renamed({}, readers, readers, timezone.now()))


def readers_of(user, left=None):
    """Who the caller is in an audience: each token with the spans of time in which it
    named them, (from, until) with None for "still": "everyone" and their user from
    their account's making, each group of theirs from when they joined it, and each
    group they left from then until they left it (``left``: {group id: spans},
    departed()). None for a superuser, who could read every record."""
    if user.is_superuser:
        return None
    joined = user.date_joined
    readers = {EVERYONE: [(joined, None)], user_token(user.pk): [(joined, None)]}
    for group_id, spans in (left or {}).items():
        readers.setdefault(group_token(group_id), []).extend(spans)
    memberships = Membership.objects.filter(user=user).order_by()
    for group_id, joined_at in memberships.values_list("group_id", "joined_at"):
        readers.setdefault(group_token(group_id), []).append((joined_at, None))
    return readers


def could_read(audience, readers, at):
    """Whether a reader (readers_of()) was ever named by this audience while it named
    the record's readers: one of its tokens' spans meets one of the reader's for that
    token. A token kept without its spans (written before they were) is taken to name
    its readers when the change of ``at`` was made. A row written before audiences were
    kept (empty) names nobody: only a superuser is told."""
    if readers is None:
        return True
    return any(
        _within(readers.get(name, ()), at) if spans is None else _meet(spans, readers.get(name, ()))
        for name, spans in _named(audience).items()
    )


def _within(spans, at):
    """Whether ``at`` falls in one of the spans, (from, until) with None for open."""
    return any(
        (start is None or start <= at) and (end is None or at <= end) for start, end in spans
    )


def _meet(named, spans):
    """Whether a token's spans (microseconds, ``_named()``) meet one of these spans of
    time ((from, until) datetimes, None for open)."""
    for start, end in spans:
        a = None if start is None else _micros(start)
        b = None if end is None else _micros(end)
        for named_from, named_until in named:
            if (named_until is None or a is None or a <= named_until) and (
                b is None or named_from is None or named_from <= b
            ):
                return True
    return False


# --- Recording changes -------------------------------------------------------------------


def record(instance, deleted=False, created=False):
    """Note a change to a synced record at the next library version (``created``: its
    making, which starts its row anew, as a record whose id was used before must)."""
    model = type(instance)
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or instance.pk is None:
        return
    readers = now_readers = None  # of a kind everyone reads: its audience stays empty
    before = getattr(instance, "_sync_readers_before", None)
    if kind in READERS:
        # Who may read it now, and who could before this change (pre_save read it).
        now_readers = READERS[kind][1](instance)
        readers = now_readers | (before or set())
    # One transaction with the counter's update: the version and its row commit together
    # (inside a caller's transaction, the counter stays locked until that one commits).
    # One statement each: the record's one row is written whether or not it has one, and
    # says when this change was made (``at``: the API's Last-Modified). A guarded
    # record's audience adds to what its row held (read under the counter's lock).
    with transaction.atomic(savepoint=False):
        version = LibraryVersion.next()
        now = timezone.now()
        audience = ""
        if readers is not None:
            held = {}
            if not created:
                row = Change.objects.filter(kind=kind, object_id=instance.pk)
                held = _named(row.values_list("audience", flat=True).first())
                if not held and before is None:
                    # A record made before its changes were logged (no row, or one from
                    # before audiences were kept): read by who reads it now since always.
                    before = now_readers
            if kind == "reading-status":
                # A status leaves a group's sight when its member stops sharing or leaves,
                # which changes no status (a Departure says it): its tokens keep no spans
                # and are read at its changes' times, as they were before spans were kept.
                audience = _audience(dict.fromkeys({*held, *readers}))
            else:
                # A deleted record names nobody from now: each open span closes.
                reading = set() if deleted else now_readers
                audience = _audience(_renamed(held, before, reading, now))
        _write(kind, [instance], version, now, deleted=deleted, audience=audience, created=created)
    if kind in ("notes", "meetings") and before is not None and not deleted:
        if before != now_readers:
            # Its comments are read with it: they leave the sight of those it leaves.
            on = {"note": instance.pk} if kind == "notes" else {"meeting": instance.pk}
            record_pks(Comment, Comment._base_manager.filter(**on).values_list("pk", flat=True))


def _write(kind, instances, version, now, deleted=False, audience="", created=False):
    """Write each record's one row at the version, in one statement, whether or not it
    has one."""
    Change.objects.bulk_create(
        [
            Change(
                kind=kind,
                object_id=instance.pk,
                key=key_of(instance),
                version=version,
                deleted=deleted,
                at=now,
                born=now,  # kept by a later change, but for a making
                audience=audience,
            )
            for instance in instances
        ],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["key", "version", "deleted", "at", "audience"]
        + (["born"] if created else []),
    )


def record_pks(model, pks):
    """Note a change to each of these records of a synced model. Those of a kind everyone
    reads (a model whose organisation went, a paper's models, a family that moved) at one
    version, in one statement: each of the others with who could read it (record())."""
    kind = KIND_OF.get(model._meta.concrete_model)
    if kind is None or not pks:
        return
    instances = list(model._base_manager.filter(pk__in=pks).only("pk", *_fields(model)))
    if kind in READERS:
        for instance in instances:
            record(instance)
    elif instances:
        with transaction.atomic(savepoint=False):
            _write(kind, instances, LibraryVersion.next(), timezone.now())


def _depart(kind, membership, group_gone=False):
    """Keep a Departure of the membership's member from its group (LEFT), or of the
    group from the member's reading (UNSHARED), at the next version."""
    with transaction.atomic(savepoint=False):
        Departure.objects.create(
            kind=kind,
            user_id=membership.user_id,
            group_id=membership.group_id,
            version=LibraryVersion.next(),
            joined=membership.joined_at,
            group_gone=group_gone,
        )


def _leaving(sender, instance, **kwargs):
    """A member leaves a group (or the group goes, or their account): sync tells them
    what they read through it is gone, and the group what it read of their reading
    (departed())."""
    if instance.pk is None or instance.group_id is None:
        return
    # Deleted with its group (the deletion's origin): the group's records go after it.
    origin = kwargs.get("origin")
    gone = getattr(origin, "model", type(origin)) is ReadingGroup
    _depart(Departure.Kind.LEFT, instance, group_gone=gone)
    if instance.shares_reading and not gone:
        _depart(Departure.Kind.UNSHARED, instance)


def _before_save(sender, instance, raw=False, **kwargs):
    """Keep who could read a guarded record before this save (its row in the database),
    for record() to add to its audience: a note made private was its group's. Of a
    membership, whether it shared its member's reading. A reading status is read by
    whom its member shares with, whatever the save: nothing to keep."""
    if instance.pk is None or instance._state.adding:
        return
    if sender is Membership:
        before = sender._base_manager.filter(pk=instance.pk).values_list("shares_reading")
        instance._sync_shared_before = bool((before.first() or (False,))[0])
        return
    kind = KIND_OF.get(sender)
    if kind not in READERS or kind == "reading-status":
        return
    fields, readers = READERS[kind]
    before = sender._base_manager.filter(pk=instance.pk).only("pk", *fields).first()
    instance._sync_readers_before = readers(before) if before is not None else set()
    if sender is Note and before is not None:
        instance._sync_group_before = before.group_id


def _membership_saved(instance):
    """A member who stops sharing their reading with a group takes their statuses out
    of its members' sight: one Departure, when sharing turns off."""
    if getattr(instance, "_sync_shared_before", False) and not instance.shares_reading:
        _depart(Departure.Kind.UNSHARED, instance)


# --- What a caller lost with a group ------------------------------------------------------


def departed(user, since, version):
    """Per kind, the keys of the records the caller read through a group they left (or
    that went) after ``since``, or through a fellow member's reading that was unshared
    with a group of theirs, and may not read now: deleted, for sync. Each such record
    still in the library whose audience named that group; a deleted one is named by its
    own change's audience (could_read). A constant number of queries: none without a
    departure, one per kind with."""
    if user.is_superuser:  # who reads everything loses nothing
        return {}, {}
    current = dict(Membership.objects.filter(user=user).values_list("group_id", "joined_at"))
    after = Departure.objects.filter(version__gt=since, version__lte=version)
    left_since = after.filter(kind=Departure.Kind.LEFT, user_id=user.pk).values("group_id")
    departures = list(
        after.filter(
            Q(kind=Departure.Kind.LEFT, user_id=user.pk)
            | Q(kind=Departure.Kind.UNSHARED, group_id__in=list(current))
            | Q(kind=Departure.Kind.UNSHARED, group_id__in=left_since)
        )
    )
    mine = [d for d in departures if d.kind == Departure.Kind.LEFT]
    # Each span of a membership that ended: from its day to its leaving, or to the end
    # of a group that went (its records went after the membership, in its deletion).
    spans = {}
    for d in mine:
        spans.setdefault(d.group_id, []).append((d.joined, None if d.group_gone else d.at))
    # Each group's spans of the caller's membership: those that ended, and theirs now.
    membership = {pk: [*spans.get(pk, ())] for pk in {*spans, *current}}
    for pk, joined_at in current.items():
        membership[pk].append((joined_at, None))
    # A fellow member's reading unshared (or gone with them) while the caller was there.
    unshared = [
        d
        for d in departures
        if d.kind == Departure.Kind.UNSHARED
        and d.user_id != user.pk
        and _within(membership.get(d.group_id, ()), d.at)
    ]
    left = set(spans) - set(current)
    left_at = {d.group_id: d.at for d in mine}
    # A group's records made before they left it (one made since they never saw), and
    # the reading of those who were in it by then.
    there, sharers, gone_since = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for pk in left:
        there |= Q(group=pk, created__lte=left_at[pk])
        sharers |= Q(group=pk, joined_at__lte=left_at[pk])
        # …and of those there then who have left since.
        gone_since |= Q(group_id=pk, at__gt=left_at[pk], joined__lte=left_at[pk])
    lost = {}
    if left:
        statuses_there = ReadingStatus._base_manager.filter(
            Q(user__in=Membership.objects.filter(sharers).values("user_id"))
            | Q(
                user__in=Departure.objects.filter(gone_since, kind=Departure.Kind.LEFT).values(
                    "user_id"
                )
            )
        )
        lost = {
            "groups": (list(left), left),  # gone or not: named by its change's key
            "meetings": (Meeting._base_manager.filter(there), left),
            "series": (MeetingSeries._base_manager.filter(there), left),
            "notes": (
                Note._base_manager.filter(there).exclude(
                    pk__in=Note.objects.visible_to(user).values("pk")
                ),
                left,
            ),
            "comments": (
                Comment._base_manager.filter(there).exclude(
                    pk__in=Comment.objects.visible_to(user).values("pk")
                ),
                left,
            ),
            "reading-status": (
                statuses_there.exclude(pk__in=ReadingStatus.objects.shared_with(user).values("pk")),
                left,
            ),
        }
    if unshared:
        theirs = ReadingStatus._base_manager.filter(user__in={d.user_id for d in unshared})
        theirs = theirs.exclude(pk__in=ReadingStatus.objects.shared_with(user).values("pk"))
        groups = {d.group_id for d in unshared}
        if "reading-status" in lost:
            records, named = lost["reading-status"]
            lost["reading-status"] = (records | theirs, named | groups)
        else:
            lost["reading-status"] = (theirs, groups)
    found = {}
    if left:
        # Records of the group deleted since, made before they left: theirs to be told of
        # (a deletion after they left is outside what readers_of() gives them).
        went = Change.objects.filter(
            kind__in=["meetings", "series", "notes", "comments"],
            deleted=True,
            version__gt=since,
            at__gt=min(left_at[pk] for pk in left),
        ).filter(Q(born=None) | Q(born__lte=max(left_at[pk] for pk in left)))
        for kind, object_id, key, audience, born, at in went.values_list(
            "kind", "object_id", "key", "audience", "born", "at"
        ):
            named = _named(audience)
            if any(
                _named_while(named, pk, membership[pk])
                and at > left_at[pk]
                and (born is None or born <= left_at[pk])
                for pk in left
            ):
                found.setdefault(kind, []).append(key or str(object_id))
    # A group's note out of its sight now, whose last change (which hid it) came before
    # they first joined the group: hidden before they were there, never theirs.
    hidden_before = {}
    if "notes" in lost:
        first = {}
        for d in mine:
            if d.joined is not None and (d.group_id not in first or d.joined < first[d.group_id]):
                first[d.group_id] = d.joined
        notes = lost["notes"][0].values_list("pk", "group_id", "visibility")
        hidden_before = {
            pk: first.get(group_id)
            for pk, group_id, visibility in notes
            if visibility != Note.Visibility.GROUP
        }
    for kind, (records, groups) in lost.items():
        ids = records if isinstance(records, list) else records.values("pk")
        rows = Change.objects.filter(kind=kind, object_id__in=ids)
        for object_id, key, audience, at in rows.values_list("object_id", "key", "audience", "at"):
            joined = hidden_before.get(object_id) if kind == "notes" else None
            named = _named(audience)
            if not any(_named_while(named, pk, membership.get(pk, ())) for pk in groups) or (
                joined is not None and at < joined
            ):
                continue
            found.setdefault(kind, []).append(key or str(object_id))
    return found, spans


def _named_while(named, group_id, spans):
    """Whether an audience (``_named()``) named the group's members in one of these spans
    of the caller's membership (a token kept without its spans: whenever)."""
    token = group_token(group_id)
    return token in named and (named[token] is None or _meet(named[token], spans))


def _key_fields(model):
    return ["slug"] if any(f.name == "slug" for f in model._meta.fields) else []


def _fields(model):
    """The fields record() reads of a record: its key, and what its readers depend on."""
    kind = KIND_OF.get(model._meta.concrete_model)
    return [*_key_fields(model), *READERS.get(kind, ((), None))[0]]


def _saved(sender, instance, created=False, **kwargs):
    if sender in KIND_OF:
        record(instance, created=created)
    if sender is Note and hasattr(instance, "_sync_group_before"):
        moved = instance._sync_group_before != instance.group_id
        del instance._sync_group_before
        if moved:
            # A note moved to another group takes its comments along (their group, which
            # the API shows, is the note's: Note.moderate_comments_by_its_group), by an
            # update that no signal sees; its readers may stay (a note read by everyone).
            comments = Comment._base_manager.filter(note=instance).values_list("pk", flat=True)
            if ids := list(comments):
                record_pks(Comment, ids)
    elif sender in PARTS:
        _record_holder(sender, instance)
    if sender is Membership:
        _membership_saved(instance)


# References that no answer of the API shows: deleting what they name changes nothing a
# client holds (a user who added papers: thousands of papers listed again, for nothing).
UNSHOWN = {
    (Paper, "added_by"),
    (Meeting, "datasets"),
    (Meeting, "language_models"),
    *((model, "sources") for model in KINDS.values()),
}


@functools.cache
def _left_behind(model):
    """The (synced model, lookup) of each reference to ``model`` that deleting one of its
    records changes without a signal: a foreign key set to null (``on_delete=SET_NULL``,
    written by an UPDATE) and a many-to-many link in Django's own table (its rows
    deleted with no signal). A record whose organisation, paper or base model went has
    changed; so has a paper whose organisation went, a meeting one of whose papers or
    presenters went. (The other side of a link, such as an organisation's papers, is
    in no answer.)"""
    found = []
    for relation in model._meta.related_objects:
        other, lookup = relation.related_model, relation.field.name
        if other._meta.concrete_model not in KIND_OF or (other, lookup) in UNSHOWN:
            continue
        if relation.many_to_many:
            if relation.through._meta.auto_created:
                found.append((other, lookup))
        elif relation.on_delete is models.SET_NULL:
            found.append((other, lookup))
    return tuple(found)


def _before_delete(sender, instance, **kwargs):
    """Keep which synced records the deletion of this one changes without a signal
    (_left_behind), for _deleted() to record once it is gone."""
    if instance.pk is not None and (references := _left_behind(sender)):
        instance._sync_left = [
            (
                model,
                list(
                    model._base_manager.filter(**{lookup: instance.pk}).values_list("pk", flat=True)
                ),
            )
            for model, lookup in references
        ]


def _deleted(sender, instance, **kwargs):
    if sender in KIND_OF:
        record(instance, deleted=True)
    elif sender in PARTS:
        _record_holder(sender, instance)
    # What referred to it (a cascade's records, deleted too, are not read again).
    for model, pks in getattr(instance, "_sync_left", ()):
        record_pks(model, pks)


def _family_moved(sender, pks, **kwargs):
    record_pks(sender, pks)


def _record_holder(sender, instance):
    field, _, further = PARTS[sender].partition("__")
    holder_id = getattr(instance, f"{field}_id", None)
    holder_model = sender._meta.get_field(field).related_model
    if further and holder_id is not None:  # the holder's own holder (a vote's meeting)
        rows = holder_model._base_manager.filter(pk=holder_id)
        holder_id = rows.values_list(f"{further}_id", flat=True).first()
        holder_model = holder_model._meta.get_field(further).related_model
    # The holder may be going too (a cascade): its own delete is recorded separately.
    if holder_id is not None:
        record_pks(holder_model, [holder_id])


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return  # nothing added or removed (the admin sets a record's topics as they were)
    if type(instance) in KIND_OF:
        record(instance)
    if model in KIND_OF and pk_set:
        record_pks(model, pk_set)


def connect_signals():
    pre_save.connect(_before_save, dispatch_uid="api-sync-before-save")
    post_save.connect(_saved, dispatch_uid="api-sync-saved")
    pre_delete.connect(_leaving, sender=Membership, dispatch_uid="api-sync-leaving")
    pre_delete.connect(_before_delete, dispatch_uid="api-sync-before-delete")
    post_delete.connect(_deleted, dispatch_uid="api-sync-deleted")
    family_moved.connect(_family_moved, dispatch_uid="api-sync-family-moved")
    m2m_changed.connect(_m2m, dispatch_uid="api-sync-m2m")
    restored.connect(_restored, dispatch_uid="api-sync-restored")


def check_since(since, version):
    """Refuse (410) a ``since`` that names no state of this library: one past its version,
    or one of the library a restore replaced (``Restore``). Answered with what changed
    after it, the client missed what the restore took back, and every change whose number
    it had passed."""
    if not since:
        return
    if since > version or Restore.objects.filter(restored__lt=since, resumed__gt=since).exists():
        raise HttpError(
            410,
            _(
                "Version %(since)s is not one of this library's: it was restored from a "
                "backup. Fetch everything again, then sync from %(version)s."
            )
            % {"since": since, "version": version},
        )


def _restored(log_kept=True, **kwargs):
    """After a restore (core.backup.restored): go on counting from past any version the
    library it replaced could have reached, and keep the span for check_since. Without
    the backup's log (a backup made before it held it) no version before is this
    library's: the span starts at 0."""
    current = LibraryVersion.current()
    restored = current if log_kept else 0
    resumed = max(current + 1, time.time_ns() // 1_000_000)
    LibraryVersion.objects.update_or_create(pk=1, defaults={"value": resumed})
    Restore.objects.create(restored=restored, resumed=resumed)


def changed_since(kind, since):
    """Return the ids of the kind's records saved after the version (a subquery)."""
    return Change.objects.filter(kind=kind, version__gt=since, deleted=False).values("object_id")


def deleted_since(kind, since):
    return Change.objects.filter(kind=kind, version__gt=since, deleted=True)
