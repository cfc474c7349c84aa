"""How far a group has read: per paper and per member, from the statuses members share
with the group. Shown only to the group's members (callers check membership)."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import ngettext

from core.compiled import compiled_records, compiled_rows
from core.fragments import kept
from core.language import sort_key
from papers.models import Paper

from . import audience
from .models import Meeting, Membership, ReadingStatus, by_member_name, display_name

READ = ReadingStatus.Status.READ


@dataclass
class MemberProgress:
    name: str
    shares: bool
    read: int = 0


@dataclass
class Progress:
    member_count: int
    papers_read: Counter = field(default_factory=Counter)  # paper id -> members who read it
    members: list = field(default_factory=list)
    paper_count: int = 0

    def read_by(self, paper_id):
        return self.papers_read.get(paper_id, 0)

    def read_note(self, paper_id):
        """How many of the group have read the paper, as a page says it beside the paper
        ("2 of 5 members have read it")."""
        n = self.member_count
        return ngettext(
            "%(read)s of %(n)s member has read it", "%(read)s of %(n)s members have read it", n
        ) % {"read": self.read_by(paper_id), "n": n}

    @property
    def finished(self):
        """How many members have read every paper."""
        return sum(1 for m in self.members if self.paper_count and m.read == self.paper_count)


def group_progress_and_own(group, paper_ids, user, names=False):
    """Return the group's Progress over the papers, the user's own statuses of them
    ({paper id: status}) and the user's role in the group (None when not a member,
    for permissions.may_change_meeting). Each member's name and count
    (``Progress.members``) only with ``names``: a page that shows counts alone does not
    read the members' users.

    The Progress is the same for every member: it is kept for the group until a
    membership or a status changes, and a member's view reads only their own statuses
    (one query; their role is kept per member). With the page cache off, two queries
    read all three (``_read_together``)."""
    paper_ids = list(dict.fromkeys(paper_ids))
    if not settings.PAGECACHE_ENABLED or user is None or not user.is_authenticated:
        return _read_together(group, paper_ids, user, names)
    sources = ["notes.membership", "notes.readingstatus", *(["auth.user"] if names else [])]
    progress, _own, _role = kept(
        "group-progress",
        [group, tuple(paper_ids), names],
        sources,
        lambda: _read_together(group, paper_ids, None, names),
    )
    return progress, audience.statuses_of(user, paper_ids), audience.roles(user).get(group.pk)


def _read_together(group, paper_ids, user, names):
    """Return (Progress, the user's statuses, the user's role) in two queries: the
    group's memberships; the statuses of the papers read by members who share their
    reading with it, and the user's own, together."""
    memberships = Membership.objects.filter(group=group)
    if names:
        members = [
            (m.user_id, m.shares_reading, m.role, display_name(m.user))
            for m in by_member_name(memberships.select_related("user").order_by())
        ]
    else:
        # In no order: only counted, so the group and user joins of the default
        # ordering are not needed.
        members = [
            (*row, "")
            for row in memberships.order_by().values_list("user_id", "shares_reading", "role")
        ]
    own_id = user.pk if user is not None and user.is_authenticated else None
    # One status per member and paper: counted, in no order.
    rows = (
        ReadingStatus.objects.filter(_wanted(group.pk, own_id), paper_id__in=paper_ids)
        .order_by()
        .values_list("user_id", "paper_id", "status")
    )
    return _tally(members, rows, own_id, len(paper_ids), names)


def _wanted(group_pk, own_id):
    """Which statuses count: those of READ by members who share their reading with the
    group, and the user's own (own_id, None for nobody's)."""
    # A subquery, not the ids: a group of hundreds would make a query of hundreds of
    # parameters.
    sharing = Membership.objects.filter(group_id=group_pk, shares_reading=True)
    wanted = Q(user_id__in=sharing.values("user_id"), status=READ)
    if own_id is not None:
        wanted |= Q(user_id=own_id)
    return wanted


def _tally(members, rows, own_id, paper_count, names):
    """Return (Progress, own statuses, own role) of the members' (user id, shares,
    role, name) and the (user id, paper id, status) rows of _wanted()'s statuses."""
    per_member, per_paper, own = Counter(), Counter(), {}
    shares = {user_id for user_id, sharing, _role, _name in members if sharing}
    for user_id, paper_id, status in rows:
        if user_id == own_id:
            own[paper_id] = status
        if status == READ and user_id in shares:
            per_member[user_id] += 1
            per_paper[paper_id] += 1
    progress = Progress(
        member_count=len(members),
        papers_read=per_paper,
        members=[
            MemberProgress(name, sharing, per_member[user_id])
            for user_id, sharing, _role, name in members
        ]
        if names
        else [],
        paper_count=paper_count,
    )
    role = next((role for user_id, _shares, role, _name in members if user_id == own_id), None)
    return progress, own, role


# A meeting's progress with the page cache off: the group's memberships, and the statuses
# of the meeting's papers to read (its presented paper and those it discusses) by the
# group's id, the member's and the meeting's, their SQL compiled once per process
# (core.compiled), not a query of the papers' ids built and compiled on every page.
_group_members = compiled_rows(
    lambda group_pk: (
        Membership.objects.filter(group_id=group_pk)
        .order_by()
        .values_list("user_id", "shares_reading", "role")
    )
)
_meeting_statuses = compiled_rows(
    lambda group_pk, user_pk, meeting_pk: (
        ReadingStatus.objects.filter(
            _wanted(group_pk, user_pk),
            Q(paper_id__in=Meeting.objects.filter(pk=meeting_pk).values("paper_id"))
            | Q(
                paper_id__in=Meeting.papers.through.objects.filter(meeting_id=meeting_pk).values(
                    "paper_id"
                )
            ),
        )
        .order_by()
        .values_list("user_id", "paper_id", "status")
    )
)


def meeting_progress_statements(meeting, user):
    """The statements meeting_progress_and_own() reads for the meeting and member, for
    ``core.compiled.read_ahead``."""
    if settings.PAGECACHE_ENABLED or not user.is_authenticated:
        return []
    return [
        _group_members.statement(meeting.group_id),
        _meeting_statuses.statement(meeting.group_id, user.pk, meeting.pk),
    ]


def meeting_progress_and_own(meeting, paper_ids, user):
    """Return group_progress_and_own() of the meeting's group over its papers to read
    (paper_ids: ``Meeting.papers_to_read``). With the page cache off, for a member, its
    two queries are asked by the meeting's id with SQL compiled once per process."""
    if settings.PAGECACHE_ENABLED or not user.is_authenticated:
        return group_progress_and_own(meeting.group, paper_ids, user)
    members = [(*row, "") for row in _group_members(meeting.group_id)]
    rows = _meeting_statuses(meeting.group_id, user.pk, meeting.pk)
    return _tally(members, rows, user.pk, len(set(paper_ids)), names=False)


# The statuses of a paper (of an id) that a member (of an id) may see, with their members:
# SQL compiled once per process, not a queryset with the read rule's subquery built and
# compiled on every cold paper page.
_shared_statuses = compiled_records(
    lambda user_pk, paper_pk: (
        ReadingStatus.objects.shared_with(get_user_model()(pk=user_pk))
        .filter(paper=Paper(pk=paper_pk))
        .select_related("user")
    )
)


def readers_statements(user, paper):
    """The statements readers() reads for the member and paper, for
    ``core.compiled.read_ahead``."""
    if settings.PAGECACHE_ENABLED or not user.is_authenticated:
        return []
    return [_shared_statuses.statement(user.pk, paper.pk)]


def readers(user, paper):
    """Return the user's own status of the paper ((status, changed), None when none) and
    the statuses of it that the user may see of others, as (member's name, status label,
    status) rows, read first ("not for me" stays its member's own). The others' are kept
    for the user's audience (members of the same groups see the same), the user's own
    with their other statuses (``audience.own_statuses``); with the page cache off, one
    query reads both."""
    order = {READ: 0, ReadingStatus.Status.READING: 1, ReadingStatus.Status.TO_READ: 2}
    not_for_me = ReadingStatus.Status.NOT_FOR_ME

    def read(statuses):
        return list(statuses.filter(paper=paper).select_related("user"))

    def rows_of(statuses):
        return [(s.user_id, display_name(s.user), s.status) for s in statuses]

    if settings.PAGECACHE_ENABLED and user.is_authenticated:
        mine = audience.own_statuses(user).get(paper.pk)
        sources = ["notes.readingstatus", "notes.membership", "auth.user"]
        rows = audience.for_audience(
            "readers",
            user,
            [paper],
            sources,
            lambda: rows_of(read(ReadingStatus.objects.shared_in_groups_of(user))),
        )
    else:
        statuses = (
            _shared_statuses(user.pk, paper.pk)
            if user.is_authenticated
            else read(ReadingStatus.objects.shared_with(user))
        )
        mine = next(((s.status, s.changed) for s in statuses if s.user_id == user.pk), None)
        rows = rows_of(statuses)
    labels = dict(ReadingStatus.Status.choices)
    others = sorted(
        (row for row in rows if row[0] != user.pk and row[2] != not_for_me),
        key=lambda row: (order.get(row[2], 9), sort_key(row[1])),
    )
    return mine, [(name, labels[status], status) for _pk, name, status in others]
