"""Reading together through the API: reading statuses (one's own, and those shared with
one's groups) and comments on papers, notes and meetings. Through the same code as the
pages: ``ReadingStatus.set`` and ``shared_with``, ``Comment.objects.visible_to``,
``notes.discussion`` (``add_comment``, ``same_discussion``, ``changeable``) and
``notes.forms.CommentForm``."""

import datetime
from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from notes import discussion
from notes.forms import COMMENT_LIMIT, CommentForm
from notes.models import Comment, Meeting, Note, ReadingGroup, ReadingStatus
from papers.models import Paper

from . import schemas
from .auth import require_write
from .filters import check_record_filters
from .groups import (
    NEW_ERRORS,
    UNKNOWN_SLUG,
    WRITE_ERRORS,
    ValidationFailed,
    _based_on,
    _etag,
    _field_errors,
    _is_conflict,
    _stale,
    _unless_stale,
)
from .paging import PageQuery, paginate

router = Router(tags=["reading together"])

StatusValue = Literal["to_read", "reading", "read", "not_for_me"]


class ReadingStatusOut(Schema):
    paper: str
    member: str
    status: str
    changed: datetime.datetime

    resolve_paper = schemas.slug_of("paper")

    @staticmethod
    def resolve_member(obj):
        return obj.user.get_username()


class ReadingStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: StatusValue | Literal[""] = Field(description="Empty clears the status.")


class StatusFilters(Schema):
    mine: bool = Field(False, description="Only the caller's own statuses.")
    paper: str | None = Field(None, description="A paper's slug.")
    status: StatusValue | None = None


@router.get(
    "/reading-status",
    response={200: schemas.page_of(ReadingStatusOut), 400: schemas.UnknownValue},
    summary="List reading statuses",
)
def list_statuses(request, filters: Query[StatusFilters], paging: PageQuery):
    """The caller's reading statuses and those their groups' members share with them. A
    ``paper`` that none is called is answered with 400."""
    check_record_filters(filters, request.user)
    statuses = ReadingStatus.objects.shared_with(request.user).select_related("user", "paper")
    if filters.mine:
        statuses = statuses.filter(user=request.user)
    if filters.paper:
        statuses = statuses.filter(paper__slug=filters.paper)
    if filters.status:
        statuses = statuses.filter(status=filters.status)
    return paginate(request, statuses.order_by("-changed", "-id"), paging, "reading-status")


@router.put(
    "/papers/{slug}/status",
    response={200: ReadingStatusIn, **NEW_ERRORS},
    summary="Set my reading status of a paper",
)
def set_status(request, slug: str, payload: ReadingStatusIn):
    """Set (or with "" clear) the caller's reading status of the paper, as the paper
    page's buttons do."""
    require_write(request)
    paper = get_object_or_404(Paper, slug=slug)
    with transaction.atomic():
        ReadingStatus.set(request.user, paper, payload.status)
    return Status(200, {"status": payload.status})


# --- Comments ---------------------------------------------------------------------------


class CommentOut(schemas.Written):
    id: int
    author: str | None
    group: str | None
    paper: str | None
    note: str | None
    meeting: int | None
    parent: int | None
    body: str
    deleted: bool
    revision: int = Field(description="Send it (or the ETag in If-Match) to edit the comment.")
    created: datetime.datetime
    updated: datetime.datetime
    edited: datetime.datetime | None = Field(
        description="When its text last changed after it was posted (the site marks it "
        "“edited”); null if never."
    )
    page: str

    resolve_note = schemas.slug_of("note")
    resolve_parent = schemas.id_of("parent")

    @staticmethod
    def resolve_body(obj):
        return "" if obj.deleted else obj.body

    @staticmethod
    def resolve_deleted(obj):
        return obj.deleted is not None


class CommentFilters(Schema):
    paper: str | None = Field(None, description="A paper's slug (its discussions).")
    group: str | None = Field(None, description="A group's slug.")
    note: str | None = Field(None, description="A note's slug.")
    meeting: int | None = Field(None, ge=1, le=2**62)


@router.get(
    "/comments",
    response={200: schemas.page_of(CommentOut), 400: schemas.UnknownValue},
    summary="List comments",
)
def list_comments(request, filters: Query[CommentFilters], paging: PageQuery):
    """The comments the caller may read (not deleted ones), oldest first as a thread
    reads; each names the comment it replies to. A ``paper`` that none is called, or a
    ``group`` or ``note`` that is none the caller may read, is answered with 400."""
    check_record_filters(filters, request.user, notes=True)
    comments = Comment.objects.visible_to(request.user).live().for_list()
    lookups = {
        "paper__slug": filters.paper,
        "group__slug": filters.group,
        "note__slug": filters.note,
        "meeting": filters.meeting,
    }
    comments = comments.filter(**{k: v for k, v in lookups.items() if v is not None})
    return paginate(request, comments.order_by("created", "id"), paging, "comments")


class CommentIn(Schema):
    """A comment on one thing: a paper (in one of the caller's groups), a note or a
    meeting; ``parent`` answers a comment of the same discussion."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=COMMENT_LIMIT)
    paper: str | None = None
    group: str | None = Field(
        None,
        description="With paper: the discussion of this group of the caller's (may go "
        "unsaid by a member of one group).",
    )
    note: str | None = None
    meeting: int | None = Field(None, ge=1, le=2**62)
    parent: int | None = Field(None, ge=1, le=2**62)


class CommentEdit(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=COMMENT_LIMIT)
    revision: int | None = Field(
        None, ge=0, le=2**31, description="The revision the edit is based on (or send If-Match)."
    )


# A paper's comment without a group, when the caller has none or several.
NO_GROUP_TO_DISCUSS_IN = gettext_lazy("A paper is discussed in a group, and you are in none.")
WHICH_GROUP = gettext_lazy("Say in which of your groups' discussions: %(groups)s.")


def _group_error(message, kind):
    return ValidationFailed([{"loc": ["body", "group"], "msg": str(message), "type": kind}])


def _subject(user, payload):
    """Return (subject, group) the comment is about, as the pages look them up (404 for
    a paper, note or meeting the caller may not read). A paper's group is one of the
    caller's (422 naming ``group`` otherwise, as a note's), which may go unsaid when they
    have one."""
    given = [name for name in ("paper", "note", "meeting") if getattr(payload, name) is not None]
    if len(given) != 1:
        raise ValidationFailed(
            [
                {
                    "loc": ["body"],
                    "msg": _("Comment on one thing: a paper (with a group), a note or a meeting."),
                    "type": "invalid",
                }
            ]
        )
    if payload.note is not None:
        return get_object_or_404(Note.objects.visible_to(user), slug=payload.note), None
    if payload.meeting is not None:
        return get_object_or_404(Meeting.objects.visible_to(user), pk=payload.meeting), None
    paper = get_object_or_404(Paper, slug=payload.paper)
    groups = ReadingGroup.objects.of(user)
    if not payload.group:
        slugs = list(groups.order_by("slug").values_list("slug", flat=True))
        if len(slugs) == 1:
            return paper, groups.get()
        if not slugs:
            raise _group_error(NO_GROUP_TO_DISCUSS_IN, "invalid")
        raise _group_error(WHICH_GROUP % {"groups": ", ".join(slugs)}, "required")
    group = groups.filter(slug=payload.group).first()
    if group is None:
        message = UNKNOWN_SLUG["group"] % {"slug": payload.group[:80]}
        raise _group_error(message, "invalid_choice")
    return paper, group


def _comments(user):
    return Comment.objects.visible_to(user).for_list()


@router.post("/comments", response={201: CommentOut, **NEW_ERRORS}, summary="Write a comment")
def create_comment(request, payload: CommentIn, response: HttpResponse):
    """Its ETag names its revision (as a new note's): send it in If-Match to edit or
    delete the comment."""
    require_write(request)
    subject, group = _subject(request.user, payload)
    form = CommentForm({"body": payload.body, "parent": payload.parent or ""})
    parent = None
    if form.is_valid() and payload.parent:
        parent = discussion.same_discussion(subject, group).live().filter(pk=payload.parent).first()
        if parent is None:
            form.add_error(None, _("The comment you answer is no longer there."))
    if not form.is_valid():
        raise ValidationFailed(_field_errors(form))
    comment = discussion.add_comment(
        request.user, subject, form.cleaned_data["body"], group=group, parent=parent
    )
    comment = _comments(request.user).get(pk=comment.pk)
    response["Location"] = comment.get_absolute_url()
    response["ETag"] = _etag(comment)
    return Status(201, comment)


@router.get("/comments/{comment_id}", response=CommentOut, summary="Get a comment")
def get_comment(request, comment_id: int, response: HttpResponse):
    """A comment the caller may read (not a deleted one). Its ETag names its revision:
    send it back in If-Match to edit or delete the comment."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).live().for_list(), pk=comment_id
    )
    response["ETag"] = _etag(comment)
    return comment


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **WRITE_ERRORS},
    summary="Edit a comment",
)
def edit_comment(request, comment_id: int, payload: CommentEdit, response: HttpResponse):
    """The comment's author, and the organisers of its group, may edit it (404 for others).
    Based on a revision, like a note's edit: 412 when stale. Its ETag names its revision."""
    require_write(request)
    with transaction.atomic():
        comment = get_object_or_404(discussion.changeable(request.user), pk=comment_id)
        revision = _based_on(request, comment, payload)
        form = CommentForm({"body": payload.body, "revision": revision}, instance=comment)
        if not form.is_valid():
            if _is_conflict(form):
                raise _stale(comment, revision, request.user)
            raise ValidationFailed(_field_errors(form))
        if not form.unchanged:  # as it was: nothing to save (RevisionForm.unchanged)
            form.save()
    comment = _comments(request.user).get(pk=comment_id)
    response["ETag"] = _etag(comment)
    return Status(200, comment)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, 403: schemas.Error, 404: schemas.Error, 412: schemas.Error},
    summary="Delete a comment",
)
def delete_comment(request, comment_id: int):
    """With If-Match (the comment's ETag), 412 and nothing deleted if the comment has
    changed since."""
    require_write(request)
    with transaction.atomic():
        comment = get_object_or_404(
            discussion.changeable(request.user).select_for_update(), pk=comment_id
        )
        _unless_stale(request, comment)
        comment.soft_delete()
    return Status(204, None)
