"""Who may change what in a reading group: the one place these rules are written.

Roles per group: an **organiser** edits the group, its meetings and reading lists
and moderates the notes written for it; a **member** reads the group's content,
writes and edits their own notes, and edits a meeting they present. A superuser
may do everything. Reading rules live on the querysets (``visible_to``).

The schedule follows the same roles: organisers manage the series, skip, move and add
meetings, assign and swap presenters and pick papers; members sign up for an open
slot, hand back or swap their own slot, propose papers and vote; a presenter picks
papers for their meeting.

Each rule comes in two forms that say the same: ``editable_*(user)`` is the queryset
of records the user may change (views look records up in it, the admin lists it),
``may_change(user, obj)`` decides for one record from its own fields (the admin's
object checks, a version from the history, templates). Tests hold the two together.
"""

from django.db.models import Q

from .models import (
    Comment,
    Meeting,
    MeetingSeries,
    Membership,
    Note,
    ReadingGroup,
    ReadingList,
)


def organised_group_ids(user):
    """Return the ids of the groups the user organises (a subquery)."""
    return Membership.objects.filter(user=user, role=Membership.Role.ORGANISER).values("group_id")


def organises(user, group_id):
    if not user.is_authenticated or group_id is None:
        return False
    return Membership.objects.filter(
        user=user, group_id=group_id, role=Membership.Role.ORGANISER
    ).exists()


def belongs(user, group_id):
    """Whether the user is a member of the group (any role)."""
    if not user.is_authenticated or group_id is None:
        return False
    return Membership.objects.filter(user=user, group_id=group_id).exists()


def organises_any(user):
    return user.is_authenticated and organised_group_ids(user).exists()


# --- Querysets: what the user may change -----------------------------------------------


def editable_groups(user):
    """Return the groups whose page, members and reading lists the user may edit."""
    if user.is_superuser:
        return ReadingGroup.objects.all()
    return ReadingGroup.objects.filter(pk__in=organised_group_ids(user))


def editable_meetings(user):
    """Return meetings the user may edit: their groups' as organiser, or ones they present."""
    if user.is_superuser:
        return Meeting.objects.all()
    if not user.is_authenticated:
        return Meeting.objects.none()
    presented = Q(presenters=user, group__in=ReadingGroup.objects.of(user))
    return Meeting.objects.filter(Q(group__in=organised_group_ids(user)) | presented).distinct()


def editable_notes(user):
    """Return notes the user may edit: their own, and as organiser the group's shared ones.

    Moderation covers notes written for the organiser's group that its members can
    read; a private note stays its author's alone.
    """
    if user.is_superuser:
        return Note.objects.all()
    if not user.is_authenticated:
        return Note.objects.none()
    moderated = Q(group__in=organised_group_ids(user)) & ~Q(visibility=Note.Visibility.PRIVATE)
    return Note.objects.filter(Q(author=user) | moderated)


def editable_reading_lists(user):
    if user.is_superuser:
        return ReadingList.objects.all()
    return ReadingList.objects.filter(group__in=organised_group_ids(user))


def editable_comments(user):
    """Return comments the user may edit or delete: their own, and as organiser those of
    their group's discussions (moderation). Views look comments up in this and in
    ``Comment.objects.visible_to(user)`` alike."""
    if user.is_superuser:
        return Comment.objects.all()
    if not user.is_authenticated:
        return Comment.objects.none()
    return Comment.objects.filter(Q(author=user) | Q(group__in=organised_group_ids(user)))


def editable_series(user):
    """Return the meeting series the user may set: their organised groups'."""
    if user.is_superuser:
        return MeetingSeries.objects.all()
    return MeetingSeries.objects.filter(group__in=organised_group_ids(user))


def schedulable_meetings(user):
    """Return meetings whose time, place and presenters the user may change (organisers)."""
    if user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(group__in=organised_group_ids(user))


# --- One record: may the user change it? ------------------------------------------------


def may_change_note(user, note):
    if not user.is_authenticated:
        return False
    if user.is_superuser or (note.author_id is not None and note.author_id == user.pk):
        return True
    return note.visibility != Note.Visibility.PRIVATE and organises(user, note.group_id)


UNKNOWN = object()


def may_change_meeting(user, meeting, role=UNKNOWN):
    """``role``: the user's role in the meeting's group (None: not a member) when the
    page has read it already, else read here."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if role is UNKNOWN:
        role = (
            Membership.objects.filter(user=user, group_id=meeting.group_id)
            .values_list("role", flat=True)
            .first()
        )
    if role is None:
        return False
    # Presenters: from the page's prefetched list when there is one.
    return role == Membership.Role.ORGANISER or (
        meeting.pk is not None and any(p.pk == user.pk for p in meeting.presenters.all())
    )


def may_change_comment(user, comment):
    if not user.is_authenticated:
        return False
    if user.is_superuser or (comment.author_id is not None and comment.author_id == user.pk):
        return True
    return organises(user, comment.group_id)


def may_schedule(user, group_id):
    """Whether the user manages the group's schedule (series, slots, assignments)."""
    return user.is_authenticated and (user.is_superuser or organises(user, group_id))


def may_take_part(user, group_id):
    """Whether the user may sign up, propose and vote in the group: its members."""
    return belongs(user, group_id)


def may_pick_papers(user, meeting):
    """Whether the user picks the meeting's papers: its presenters and the organisers."""
    if may_schedule(user, meeting.group_id):
        return True
    return belongs(user, meeting.group_id) and any(
        p.pk == user.pk for p in meeting.presenters.all()
    )


def may_add_figures(user):
    """Whether the user may upload figures: a member of a reading group, or staff.

    Anyone logged in may write a note (a private one needs no group), but a figure is
    readable by every logged-in member and kept in the database: an account outside
    every group adds none.
    """
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or Membership.objects.filter(user=user).exists()


def may_change(user, obj):
    """Return whether the user may change the note, meeting or comment (False for anything
    else)."""
    if isinstance(obj, Comment):
        return may_change_comment(user, obj)
    if isinstance(obj, Note):
        return may_change_note(user, obj)
    if isinstance(obj, Meeting):
        return may_change_meeting(user, obj)
    return False
