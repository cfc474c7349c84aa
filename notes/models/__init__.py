"""What the group writes: groups, meetings, notes, the glossary, reading lists, mentions,
reading statuses, comments and the figures notes show."""

from .figures import Figure, FigureName
from .glossary import GlossaryTerm, ReadingList, ReadingListItem
from .groups import (
    Membership,
    ReadingGroup,
    ReadingGroupQuerySet,
    by_member_name,
    group_ids_of,
)
from .meetings import Meeting, MeetingQuerySet
from .members import FeedKey, MemberSettings, Visit
from .mentions import MENTIONABLE, Mention, MentionQuerySet
from .notes import Note, NoteQuerySet, TaggedNote
from .schedule import (
    PLAN_WEEKS,
    MeetingSeries,
    PaperProposal,
    Reminder,
    SwapRequest,
    Vote,
    Weekday,
    not_members,
)
from .together import Comment, CommentQuerySet, ReadingStatus, ReadingStatusQuerySet
from .writing import Writing, display_name
from .zones import validate_time_zone, zone_of

__all__ = [
    "MENTIONABLE",
    "Comment",
    "CommentQuerySet",
    "PLAN_WEEKS",
    "MeetingSeries",
    "MemberSettings",
    "PaperProposal",
    "Reminder",
    "SwapRequest",
    "Vote",
    "Weekday",
    "validate_time_zone",
    "zone_of",
    "FeedKey",
    "Figure",
    "FigureName",
    "GlossaryTerm",
    "Meeting",
    "MeetingQuerySet",
    "Membership",
    "Mention",
    "MentionQuerySet",
    "Note",
    "NoteQuerySet",
    "ReadingGroup",
    "ReadingGroupQuerySet",
    "ReadingList",
    "ReadingStatus",
    "ReadingStatusQuerySet",
    "ReadingListItem",
    "TaggedNote",
    "Visit",
    "Writing",
    "by_member_name",
    "display_name",
    "group_ids_of",
    "not_members",
]
