"""How far a group has read: per paper and per member, from the statuses members share
with the group. Shown only to the group's members (callers check membership)."""

from collections import Counter
from dataclasses import dataclass, field

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
    paper_ids = list(dict.fromkeys(paper_ids))
    memberships = list(
        Membership.objects.filter(group=group).select_related("user").order_by("user__username")
    )
    sharing = [m.user_id for m in memberships if m.shares_reading]
    rows = ReadingStatus.objects.filter(
        user_id__in=sharing, paper_id__in=paper_ids, status=READ
    ).values_list("user_id", "paper_id")
    per_member, per_paper = Counter(), Counter()
    for user_id, paper_id in rows:
        per_member[user_id] += 1
        per_paper[paper_id] += 1
    return Progress(
        member_count=len(memberships),
        papers_read=per_paper,
        members=[
            MemberProgress(display_name(m.user), m.shares_reading, per_member[m.user_id])
            for m in memberships
        ],
        paper_count=len(paper_ids),
    )


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
