"""What the groups do, through the API: the caller's groups, meetings, notes (read and
written with the site's form and its stale-save check), search and sync. Reads go
through the models' ``visible_to()``, writes through ``notes.permissions`` and
``notes.forms.NoteForm``: the same rules as the pages."""

import re
from typing import Literal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from core.revisions import MINE, OTHERS, saved_since
from notes.forms import MeetingWriteupForm, NoteForm
from notes.models import (
    Comment,
    Meeting,
    MeetingSeries,
    Membership,
    Note,
    ReadingGroup,
    ReadingStatus,
)
from notes.permissions import editable_notes, may_change_meeting
from papers.models import LanguageModel, Paper
from search.models import Kind
from search.query import search as run_search

from . import schemas
from .auth import require_write
from .filters import check_note_filters, check_record_filters
from .forms import ApiNoteForm
from .models import Change, LibraryVersion
from .paging import PageQuery, moves_with_time, paginate
from .sync import KINDS, check_since, could_read, departed, readers_of

router = Router(tags=["groups"])

WRITE_ERRORS = {
    400: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    412: schemas.Error,
    413: schemas.Error,
    422: schemas.ValidationErrors,
    428: schemas.Error,
}
# What a write that edits nothing already there may answer: no revision is asked of it.
NEW_ERRORS = {code: schema for code, schema in WRITE_ERRORS.items() if code not in (412, 428)}

# --- Groups and meetings ----------------------------------------------------------------


def _groups(user):
    role = Membership.objects.filter(group=OuterRef("pk"), user=user).values("role")[:1]
    return ReadingGroup.objects.annotate(role=Subquery(role))


@router.get("/groups", response=list[schemas.GroupOut], summary="List the caller's groups")
def list_groups(request):
    return list(_groups(request.user).filter(pk__in=ReadingGroup.objects.of(request.user)))


@router.get("/groups/{slug}", response=schemas.GroupDetailOut, summary="Get a group")
def get_group(request, slug: str):
    """A group the caller belongs to, with its members and their roles."""
    groups = _groups(request.user).prefetch_related("memberships__user")
    return get_object_or_404(
        groups.filter(pk__in=ReadingGroup.objects.visible_to(request.user)), slug=slug
    )


class MeetingFilters(Schema):
    group: str | None = Field(None, description="A group's slug.")
    when: Literal["upcoming", "past"] | None = Field(
        None, description="Meetings still to come (not yet over), or those over."
    )
    status: Literal["planned", "skipped", "moved", "one-off"] | None = None
    paper: str | None = Field(None, description="Meetings that presented or discussed it.")


def _meetings(user):
    return Meeting.objects.visible_to(user).for_schedule()


@router.get(
    "/meetings",
    response={200: schemas.page_of(schemas.MeetingOut), 400: schemas.UnknownValue},
    summary="List meetings",
)
def list_meetings(request, filters: Query[MeetingFilters], paging: PageQuery):
    """The meetings of the caller's groups, newest first. A ``group`` that is none of
    the caller's, or a ``paper`` that none is called, is answered with 400 (as the
    ``group`` and ``paper`` of notes, comments and reading statuses)."""
    paper = check_record_filters(filters, request.user)
    meetings = _meetings(request.user)
    if filters.group:
        meetings = meetings.filter(group__slug=filters.group)
    if filters.when:
        moves_with_time(request)  # a meeting ends with no change to the library
    if filters.when == "upcoming":
        meetings = meetings.coming()
    elif filters.when == "past":
        meetings = meetings.past()
    if filters.status:
        meetings = meetings.filter(status=filters.status)
    if paper is not None:
        meetings = meetings.about(paper)
    return paginate(request, meetings.order_by("-date", "-number", "-id"), paging, "meetings")


@router.get(
    "/groups/{slug}/series", response=list[schemas.SeriesOut], summary="List a group's series"
)
def list_series(request, slug: str):
    """The group's meeting series (weekday, time, place …) from which meetings are planned
    ahead; the planned meetings themselves are in /meetings?group=…"""
    group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
    return list(MeetingSeries.objects.filter(group=group).select_related("group"))


@router.get("/meetings/{meeting_id}", response=schemas.MeetingDetailOut, summary="Get a meeting")
def get_meeting(request, meeting_id: int, response: HttpResponse):
    """A meeting of the caller's groups. Its ETag names its revision."""
    meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
    response["ETag"] = _etag(meeting)
    return meeting


@router.patch(
    "/meetings/{meeting_id}",
    response={200: schemas.MeetingDetailOut, **WRITE_ERRORS},
    summary="Edit a meeting's write-up",
)
def edit_meeting(request, meeting_id: int, payload: schemas.MeetingIn, response: HttpResponse):
    """Change the write-up, minutes or title, as the meeting's editor on the site does:
    its group's organisers and its presenters (403 for the group's other members, 404
    for anyone else). Based on a revision, like a note's edit: 412 when stale."""
    require_write(request)
    with transaction.atomic():
        meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
        if not may_change_meeting(request.user, meeting):
            raise HttpError(403, _("You may read this meeting but not change it."))
        revision = _based_on(request, meeting, payload)
        data = {name: getattr(meeting, name) for name in MeetingWriteupForm.Meta.fields}
        data.update({k: v or "" for k, v in payload.dict(exclude_unset=True).items()})
        data["revision"] = revision
        form = MeetingWriteupForm(data, instance=meeting)
        if not form.is_valid():
            if _is_conflict(form):
                raise _stale(meeting, revision, request.user)
            raise ValidationFailed(_field_errors(form))
        if not form.unchanged:  # as it was: nothing to save (RevisionForm.unchanged)
            form.save()
    meeting = _meetings(request.user).get(pk=meeting_id)
    response["ETag"] = _etag(meeting)
    return Status(200, meeting)


# --- Notes ------------------------------------------------------------------------------


class NoteFilters(Schema):
    mine: bool = Field(False, description="Only the caller's own notes.")
    author: str | None = Field(None, description="An author's username.")
    group: str | None = Field(None, description="A group's slug.")
    paper: str | None = Field(None, description="A paper's slug.")
    model: str | None = Field(None, description="A language model's slug.")
    meeting: int | None = Field(None, ge=1, le=2**62)
    tag: str | None = Field(None, description="A tag's slug.")
    visibility: Literal["private", "group", "everyone"] | None = None


def _notes(user):
    return Note.objects.visible_to(user).for_list().prefetch_related("tags")


def _etag(record):
    """The ETag of a note, meeting or comment: its kind, id and revision (api.paging adds a
    digest of the answer)."""
    return f'"{record._meta.model_name}-{record.pk}-{record.revision}"'


@router.get(
    "/notes",
    response={200: schemas.page_of(schemas.NoteOut), 400: schemas.UnknownValue},
    summary="List notes",
)
def list_notes(request, filters: Query[NoteFilters], paging: PageQuery):
    """The notes the caller may read, most recently changed first. A ``tag`` or
    ``model`` that nothing is called is answered with 400, naming the parameter, its
    value and the values most like it (``alike``); one with no note, with an empty list.
    So is a ``group`` that is neither the caller's nor one with notes they may read, or a
    ``paper`` that none is called."""
    check_note_filters(filters, request.user)
    check_record_filters(filters, request.user, notes=True)
    notes = _notes(request.user)
    if filters.mine:
        notes = notes.by(request.user)
    lookups = {
        "author__username": filters.author,
        "group__slug": filters.group,
        "paper__slug": filters.paper,
        "language_model__slug": filters.model,
        "meeting": filters.meeting,
        "tags__slug": filters.tag,
        "visibility": filters.visibility,
    }
    notes = notes.filter(**{k: v for k, v in lookups.items() if v is not None})
    return paginate(request, notes.order_by("-updated", "-id"), paging, "notes")


@router.get("/notes/{slug}", response=schemas.NoteOut, summary="Get a note")
def get_note(request, slug: str, response: HttpResponse):
    """A note the caller may read. Its ETag names its revision: send it back in
    If-Match to edit the note."""
    note = get_object_or_404(_notes(request.user), slug=slug)
    response["ETag"] = _etag(note)
    return note


def _pk_of(model, slug):
    """The pk of the record with the slug, or 0 (which no choice has): the form then says
    the choice is not available, whether the record is missing or not the caller's."""
    if slug is None or slug == "":
        return ""
    return model.objects.filter(slug=slug).values_list("pk", flat=True).first() or 0


def _form_data(user, note, payload):
    """The form's data: the note's current values, with the payload's fields over them;
    and the topics, a list (ApiNoteForm)."""
    data, tags = {}, []
    if note is not None:
        current = NoteForm(instance=note, user=user)
        for name in current.fields:
            value = current.initial.get(name)
            if name != "tags":
                data[name] = "" if value is None else value
        tags = sorted(tag.name for tag in note.tags.all())
    sent = payload.dict(exclude_unset=True)
    sent.pop("revision", None)
    lookups = {"group": ReadingGroup, "paper": Paper, "language_model": LanguageModel}
    for name, value in sent.items():
        if name == "tags":
            tags = value or []
            continue
        if name in lookups:
            value = _pk_of(lookups[name], value)
        data[name] = "" if value is None else value
    return data, tags


# What a slug that names no record the caller may choose is called, for the fields a
# payload names records by (the form, given no such record, says only "Select a valid
# choice"). A group the caller is not in is not told apart from one that does not exist.
UNKNOWN_SLUG = {
    "group": gettext_lazy("“%(slug)s” is not one of your groups."),
    "paper": gettext_lazy("No paper has the slug “%(slug)s”."),
    "language_model": gettext_lazy("No model has the slug “%(slug)s”."),
    "meeting": gettext_lazy("No meeting of yours has the id %(slug)s."),
}


def _field_errors(form, sent=None):
    """The form's errors as the API's 422 lists them; ``sent``, the payload's fields, names
    the slugs a refused choice came from."""
    errors, sent = [], sent or {}
    for field, problems in form.errors.as_data().items():
        for problem in problems:
            message = " ".join(problem.messages)
            if problem.code == "invalid_choice" and field in UNKNOWN_SLUG and sent.get(field):
                message = UNKNOWN_SLUG[field] % {"slug": str(sent[field])[:80]}
            loc = ["body"] if field == "__all__" else ["body", field]
            errors.append({"loc": loc, "msg": message, "type": problem.code or "invalid"})
    return errors


def _is_conflict(form):
    return any(e.code == "edit_conflict" for e in form.non_field_errors().as_data())


# A record's ETag: kind, id, revision, and a digest of the answer (api.paging) that an
# edit's check does not read.
IF_MATCH = re.compile(r'^\s*(?:W/)?"([a-z]+)-(\d+)-(\d+)(?:-[0-9a-f]+)?"\s*$')


def _based_on(request, record, payload):
    """The revision an edit is based on: If-Match (the record's ETag), else the payload's
    revision. 428 when neither says; 412 when If-Match names another record."""
    header = request.headers.get("If-Match")
    if header:
        match = IF_MATCH.match(header)
        if not match or (match[1], int(match[2])) != (record._meta.model_name, record.pk):
            raise HttpError(412, _("If-Match does not name a revision of this record."))
        return int(match[3])
    if payload.revision is not None:
        return payload.revision
    raise HttpError(
        428,
        _("Say which revision the edit is based on: If-Match with the ETag, or revision."),
    )


# A stale edit's 412, by whose saves came since (core.revisions.saved_since); nobody is
# blamed where the history does not say.
STALE = {
    OTHERS: gettext_lazy(
        "Someone else saved this since revision %(mine)s (it is now at revision "
        "%(current)s). Nothing was changed: read it again, merge, and send your edit "
        "based on revision %(current)s."
    ),
    MINE: gettext_lazy(
        "You saved this again since revision %(mine)s, from another client or window "
        "(it is now at revision %(current)s). Nothing was changed: read it again, "
        "merge, and send your edit based on revision %(current)s."
    ),
    None: gettext_lazy(
        "This was saved again since revision %(mine)s (it is now at revision "
        "%(current)s). Nothing was changed: read it again, merge, and send your edit "
        "based on revision %(current)s."
    ),
}


# An edit that names a revision the record never had (a client's slip, or a number typed).
NO_SUCH_REVISION = gettext_lazy(
    "This has no revision %(mine)s: it is at revision %(current)s. Nothing was changed: "
    "read it again and send your edit based on revision %(current)s."
)


def _unless_stale(request, record):
    """A delete sent with If-Match: 412 when it names another record or a revision not
    the record's now (as an edit's), so that nothing is deleted that was changed after
    the caller read it. Without If-Match (or with ``*``) the delete goes ahead."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    match = IF_MATCH.match(header)
    if not match or (match[1], int(match[2])) != (record._meta.model_name, record.pk):
        raise HttpError(412, _("If-Match does not name a revision of this record."))
    if int(match[3]) != record.revision:
        raise _stale(record, int(match[3]), request.user)


def _stale(record, mine, caller):
    """The 412 of an edit based on an old revision (WritingForm found it stale), or on one
    the record has not reached."""
    current = type(record).objects.filter(pk=record.pk).values_list("revision", flat=True).first()
    if mine is not None and current is not None and mine > current:
        message = NO_SUCH_REVISION
    else:
        message = STALE[saved_since(record, mine, caller)]
    return HttpError(412, message % {"mine": mine, "current": current})


def _save_note(request, note, payload, revision=None):
    data, tags = _form_data(request.user, note, payload)
    if note is None and "group" not in data:
        groups = ReadingGroup.objects.of(request.user)
        if groups.count() == 1:
            data["group"] = groups.get().pk
    if note is None and not data.get("visibility"):  # not sent, or sent as null
        # As the schema says: read by its group, or by its author alone without one.
        data["visibility"] = Note.Visibility.GROUP if data.get("group") else Note.Visibility.PRIVATE
    if revision is not None:
        data["revision"] = revision
    form = ApiNoteForm(data, instance=note, user=request.user, tags=tags)
    if form.is_valid():
        return form.instance if form.unchanged else form.save()
    if _is_conflict(form):
        raise _stale(note, revision, request.user)
    raise ValidationFailed(_field_errors(form, payload.dict(exclude_unset=True)))


class ValidationFailed(Exception):
    def __init__(self, errors):
        self.errors = errors


@router.post(
    "/notes",
    response={201: schemas.NoteOut, **{k: v for k, v in NEW_ERRORS.items() if k != 404}},
    summary="Write a note",
)
def create_note(request, payload: schemas.NoteIn, response: HttpResponse):
    """Write a note, as the site's "New note" form does (the same checks and messages)."""
    require_write(request)
    with transaction.atomic():
        note = _save_note(request, None, payload)
    note = _notes(request.user).get(pk=note.pk)
    response["Location"] = note.get_absolute_url()
    response["ETag"] = _etag(note)
    return Status(201, note)


@router.patch(
    "/notes/{slug}",
    response={200: schemas.NoteOut, 204: None, **WRITE_ERRORS},
    summary="Edit a note",
)
def edit_note(request, slug: str, payload: schemas.NoteIn, response: HttpResponse):
    """Change the fields sent. The edit names the revision it is based on (If-Match with
    the note's ETag, or ``revision``); if the note has changed since, 412 and nothing
    changes. Only the note's author and its group's organisers may edit it (404 for
    anyone else, as on the site). 204, with no body, when the edit was saved and leaves
    the editor unable to read the note (an organiser made a member's note private)."""
    require_write(request)
    with transaction.atomic():
        note = get_object_or_404(editable_notes(request.user), slug=slug)
        revision = _based_on(request, note, payload)
        note = _save_note(request, note, payload, revision)
    # As the note now is; an editor the edit leaves unable to read it (an organiser who
    # made a member's note private) is told so, rather than of a failure after the save.
    saved = _notes(request.user).filter(pk=note.pk).first()
    if saved is None:
        return Status(204, None)
    response["ETag"] = _etag(saved)
    return Status(200, saved)


@router.delete(
    "/notes/{slug}",
    response={204: None, 403: schemas.Error, 404: schemas.Error, 412: schemas.Error},
    summary="Delete a note",
)
def delete_note(request, slug: str):
    """Only the note's author and its group's organisers may delete it (404 for anyone
    else). With If-Match (the note's ETag), 412 and nothing deleted if the note has
    changed since."""
    require_write(request)
    with transaction.atomic():
        note = get_object_or_404(editable_notes(request.user).select_for_update(), slug=slug)
        _unless_stale(request, note)
        note.delete()
    return Status(204, None)


# --- Search and sync --------------------------------------------------------------------


class SearchParams(Schema):
    q: str = Field(..., max_length=200, description="Words, Chinese terms, an arXiv ID …")
    # Every kind search answers a group of (comments too): each may be paged through.
    kind: Literal[tuple(Kind.values)] | None = None
    page: int = Field(1, ge=1, le=10_000)


@router.get("/search", response=schemas.SearchOut, summary="Search everything")
def search(request, params: Query[SearchParams]):
    """Search what the caller may see, as the site's search does: grouped by kind; with
    ``kind``, that kind's results a page at a time."""
    results = run_search(request.user, params.q, kind=params.kind, page=params.page)
    page = results.page
    return {
        "query": results.query,
        "kind": results.kind,
        "corrected": results.corrected,
        "total": results.total,
        "groups": [
            {
                "kind": group.kind,
                "label": str(group.label),
                "count": group.count,
                "capped": group.capped,
                "hits": [vars(hit) for hit in group.hits],
            }
            for group in results.groups
        ],
        "page": page.number if page else None,
        "pages": page.paginator.num_pages if page else None,
    }


# Kinds whose records not everyone may read: the caller sees a change only to what
# visible_to() gives them; a record changed out of their sight, or deleted, is named to
# them as deleted only if they could read it once (its change's audience, api.sync).
GUARDED = {
    "notes": lambda user: Note.objects.visible_to(user),
    "meetings": lambda user: Meeting.objects.visible_to(user),
    "groups": lambda user: ReadingGroup.objects.visible_to(user),
    "series": lambda user: MeetingSeries.objects.filter(
        group__in=ReadingGroup.objects.visible_to(user)
    ),
    "comments": lambda user: Comment.objects.visible_to(user).live(),
    "reading-status": lambda user: ReadingStatus.objects.shared_with(user),
}


@router.get("/sync", response=schemas.SyncOut, summary="What changed since a version")
def sync(request, since: int = Query(0, ge=0, le=2**62)):
    """Per kind, the keys of the records changed and deleted after library version
    ``since``, and the version now: keep it and send it as the next ``since``. Fetch
    what changed from the lists with the same ``since``. A note, meeting, group, series,
    comment or reading status the caller may no longer read counts as deleted, if they
    could read it before (a note made private, a group they left); one they never could
    read is not named at all."""
    version = LibraryVersion.current()
    check_since(since, version)
    lost, left = departed(request.user, since, version)
    readers = readers_of(request.user, left)
    rows = Change.objects.filter(version__gt=since, version__lte=version).values_list(
        "kind", "object_id", "key", "deleted", "audience", "at"
    )
    changed = {kind: {} for kind in KINDS}
    deleted = {kind: [] for kind in KINDS}
    for kind, object_id, key, gone, audience, at in rows:
        if kind not in changed:
            continue
        key = key or str(object_id)
        # Whether the caller may be told the record is gone (or out of their sight).
        told = kind not in GUARDED or could_read(audience, readers, at)
        if gone:
            if told:
                deleted[kind].append(key)
        else:
            changed[kind][object_id] = (key, told)
    for kind, readable in GUARDED.items():
        ids = changed[kind]
        if ids:
            allowed = set(readable(request.user).filter(pk__in=ids).values_list("pk", flat=True))
            deleted[kind] += [key for pk, (key, told) in ids.items() if told and pk not in allowed]
            changed[kind] = {pk: (key, True) for pk, (key, _told) in ids.items() if pk in allowed}
    for kind, keys in lost.items():  # what they read through a group they left
        deleted[kind] = list({*deleted[kind], *keys})
    return {
        "version": version,
        "since": since,
        "changed": {
            kind: sorted(key for key, _told in keys.values())
            for kind, keys in changed.items()
            if keys
        },
        "deleted": {kind: sorted(keys) for kind, keys in deleted.items() if keys},
    }
