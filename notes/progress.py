"""How far a group has read: per paper and per member, from the statuses members share
with the group. Shown only to the group's members (callers check membership)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Membership, ReadingStatus, display_name

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

    @property
    def finished(self):
        """How many members have read every paper."""
        return sum(1 for m in self.members if self.paper_count and m.read == self.paper_count)


def group_progress(group, paper_ids):
    """Return the group's Progress over the papers: two queries."""
    progress, _own, _member = group_progress_and_own(group, paper_ids, None)
    return progress


def group_progress_and_own(group, paper_ids, user):
    """Return the group's Progress over the papers, the user's own statuses of them
    ({paper id: status}) and the user's role in the group (None when not a member,
    for permissions.may_change_meeting): two queries (the
    group's memberships; the statuses of the papers read by members who share their
    reading with it, and the user's own, together)."""
    paper_ids = list(dict.fromkeys(paper_ids))
    memberships = list(
        Membership.objects.filter(group=group).select_related("user").order_by("user__username")
    )
    sharing = [m.user_id for m in memberships if m.shares_reading]
    wanted = Q(user_id__in=sharing, status=READ)
    own_id = user.pk if user is not None and user.is_authenticated else None
    if own_id is not None:
        wanted |= Q(user_id=own_id)
    rows = ReadingStatus.objects.filter(wanted, paper_id__in=paper_ids).values_list(
        "user_id", "paper_id", "status"
    )
    per_member, per_paper, own = Counter(), Counter(), {}
    shares = set(sharing)
    for user_id, paper_id, status in rows:
        if user_id == own_id:
            own[paper_id] = status
        if status == READ and user_id in shares:
            per_member[user_id] += 1
            per_paper[paper_id] += 1
    progress = Progress(
        member_count=len(memberships),
        papers_read=per_paper,
        members=[
            MemberProgress(display_name(m.user), m.shares_reading, per_member[m.user_id])
            for m in memberships
        ],
        paper_count=len(paper_ids),
    )
    role = next((m.role for m in memberships if m.user_id == own_id), None)
    return progress, own, role


def readers(user, paper):
    """Return the user's own status of the paper (None when none) and the statuses of it
    that the user may see of others, as (member's name, status label, status) rows, read
    first ("not for me" stays its member's own). One query."""
    order = {READ: 0, ReadingStatus.Status.READING: 1, ReadingStatus.Status.TO_READ: 2}
    rows = ReadingStatus.objects.shared_with(user).filter(paper=paper).select_related("user")
    mine, others = None, []
    for status in rows:
        if status.user_id == user.pk:
            mine = status
        elif status.status != ReadingStatus.Status.NOT_FOR_ME:
            others.append(status)
    others.sort(key=lambda s: (order.get(s.status, 9), display_name(s.user)))
    return mine, [(display_name(s.user), s.get_status_display(), s.status) for s in others]
