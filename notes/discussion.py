"""Discussion threads: comments on papers (per group), notes and meetings, one level of
replies. Writing goes through ``add_comment``; pages show ``threads()``."""

from dataclasses import dataclass, field

from django.db import transaction

from . import audience
from .models import Comment, Meeting, Membership, Note
from .permissions import editable_comments


@dataclass
class Thread:
    comment: Comment
    replies: list = field(default_factory=list)


def changer(user):
    """Return a test ``may(comment)`` equal to permissions.may_change_comment, from the
    groups the user organises (their roles, kept per member: no query per page)."""
    if not user.is_authenticated:
        return lambda comment: False
    if user.is_superuser:
        return lambda comment: True
    organised = []  # read on the first comment that is not the user's own

    def may(c):
        if c.author_id is not None and c.author_id == user.pk:
            return True
        if not organised:
            roles = audience.roles(user).items()
            organised.append({pk for pk, role in roles if role == Membership.Role.ORGANISER})
        return c.group_id in organised[0]

    return may


def threads(comments, user):
    """Return the comments (one discussion, any order) as threads, oldest first: each
    top-level comment with its replies. A deleted comment is left out, unless it has
    replies that are not deleted (it shows as deleted). Each comment gets ``can_change``."""
    may = changer(user)
    comments = sorted(comments, key=lambda c: (c.created, c.pk))
    found, replies = {}, []
    for c in comments:
        c.can_change = may(c)
        if c.parent_id is None:
            found[c.pk] = Thread(c)
        else:
            replies.append(c)
    for reply in replies:
        if not reply.is_deleted and reply.parent_id in found:
            found[reply.parent_id].replies.append(reply)
    return [t for t in found.values() if not t.comment.is_deleted or t.replies]


def count(thread_list):
    """Return how many comments the threads show (a deleted one is not counted)."""
    return sum(len(t.replies) + (not t.comment.is_deleted) for t in thread_list)


@transaction.atomic
def add_comment(user, subject, body, group=None, parent=None):
    """Save a comment by the user on the paper (in the group's discussion), note or
    meeting; a reply joins its parent's thread (a reply to a reply answers its parent)."""
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    comment = Comment(author=user, body=body, parent=parent, group=Comment.group_of(subject, group))
    if isinstance(subject, Note):
        comment.note = subject
    elif isinstance(subject, Meeting):
        comment.meeting = subject
    else:
        comment.paper = subject
    comment.save()
    return comment


def same_discussion(subject, group=None):
    """Return the comments of the discussion of the note or meeting, or of the paper in
    the group: a reply must answer one of these."""
    if isinstance(subject, Note):
        return Comment.objects.filter(note=subject)
    if isinstance(subject, Meeting):
        return Comment.objects.filter(meeting=subject)
    return Comment.objects.filter(paper=subject, group=group)


def changeable(user):
    """Return the comments (not deleted) the user may both read and change."""
    visible = Comment.objects.visible_to(user).live().values("pk")
    return editable_comments(user).filter(pk__in=visible)
