"""What the group writes: groups, meetings, notes, the glossary, reading lists, mentions,
reading statuses and comments."""

from .glossary import GlossaryTerm, ReadingList, ReadingListItem
from .groups import Membership, ReadingGroup, ReadingGroupQuerySet, group_ids_of
from .meetings import Meeting, MeetingQuerySet
from .members import FeedKey, Visit
from .mentions import MENTIONABLE, Mention, MentionQuerySet
from .notes import Note, NoteQuerySet, TaggedNote
from .together import Comment, CommentQuerySet, ReadingStatus, ReadingStatusQuerySet
from .writing import Writing, display_name

__all__ = [
    "MENTIONABLE",
    "Comment",
    "CommentQuerySet",
    "FeedKey",
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
    "display_name",
    "group_ids_of",
]
