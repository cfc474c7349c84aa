"""What changed: recent papers, notes, comments, shared reading statuses and planned
meetings, as one list of events for the home page, a group's page and the member's
feed.

Computed from the records themselves (one query per kind, each limited), never
stored: every event is read through the same ``visible_to`` rules as the record it
is about, so an event can never show more than its record would.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.language import in_interface_language
from papers.models import Paper

from .models import Comment, Meeting, Membership, Note, ReadingStatus, display_name

FEED_SIZE = 15


@dataclass
class Event:
    kind: str  # paper, note, comment, status, meeting
    when: datetime
    who: str
    what: str  # the title of what it is about
    url: str
    detail: str = ""
    group: object = None
    new: bool = False
    pk: int | None = None  # of the record it is about (a feed's lasting entry id)

    @property
    def verb(self):
        return VERBS[self.kind]


VERBS = {
    "paper": _("added a paper"),
    "note": _("wrote a note"),
    "comment": _("commented on"),
    "status": _("marked"),
    "meeting": _("planned a meeting"),
}


def recent(user, group=None, since=None, size=FEED_SIZE):
    """Return the latest events the user may see, newest first (``size`` at most):
    of one group when ``group`` is given, else of everything the user may read.
    Events after ``since`` are marked ``new``. Five queries, whatever the size of
    the library."""
    notes = Note.objects.visible_to(user).for_list()
    comments = Comment.objects.visible_to(user).live().for_list()
    # Meetings planned: those still to come (a past one is no news).
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(date__gte=timezone.localdate())
        .select_related("group", "paper")
    )
    statuses = ReadingStatus.objects.shared_with(user).exclude(user=user)
    if group is not None:
        notes = notes.filter(group=group)
        comments = comments.filter(group=group)
        meetings = meetings.filter(group=group)
        statuses = statuses.filter(
            user__in=Membership.objects.filter(group=group, shares_reading=True).values("user_id")
        )
    statuses = statuses.exclude(status=ReadingStatus.Status.NOT_FOR_ME).select_related(
        "user", "paper"
    )
    events = [
        Event("paper", p.created, "", p.title, p.get_absolute_url(), pk=p.pk)
        for p in Paper.objects.order_by("-created", "-pk")[:size]
    ]
    events += [
        Event(
            "note",
            n.created,
            n.byline,
            in_interface_language(n),
            n.get_absolute_url(),
            group=n.group,
            pk=n.pk,
        )
        for n in notes.order_by("-created", "-pk")[:size]
    ]
    events += [
        Event(
            "comment",
            c.created,
            display_name(c.author) if c.author else "—",
            f"#{c.meeting.number} {in_interface_language(c.meeting)}"
            if c.meeting_id
            else str(c.subject),
            c.get_absolute_url(),
            group=c.group,
            pk=c.pk,
        )
        for c in comments.order_by("-created", "-pk")[:size]
    ]
    events += [
        Event(
            "status",
            s.changed,
            display_name(s.user),
            s.paper.title,
            s.paper.get_absolute_url(),
            detail=s.get_status_display(),
            pk=s.pk,
        )
        for s in statuses.order_by("-changed", "-pk")[:size]
    ]
    events += [
        Event(
            "meeting",
            m.created,
            "",
            " ".join(filter(None, [f"#{m.number}", in_interface_language(m)])),
            m.get_absolute_url(),
            detail=m.dated(),
            group=m.group,
            pk=m.pk,
        )
        for m in meetings.order_by("-created", "-pk")[:size]
    ]
    events.sort(key=lambda e: e.when, reverse=True)
    events = events[:size]
    if since is not None:
        for event in events:
            event.new = event.when > since
    return events
