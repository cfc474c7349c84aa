"""What the group writes: groups, meetings, notes, the glossary, reading lists, mentions."""

from .glossary import GlossaryTerm, ReadingList, ReadingListItem
from .groups import Membership, ReadingGroup, ReadingGroupQuerySet, group_ids_of
from .meetings import Meeting, MeetingQuerySet
from .mentions import MENTIONABLE, Mention, MentionQuerySet
from .notes import Note, NoteQuerySet, TaggedNote
from .writing import MentionSource

__all__ = [
    "MENTIONABLE",
    "GlossaryTerm",
    "Meeting",
    "MeetingQuerySet",
    "Membership",
    "Mention",
    "MentionQuerySet",
    "MentionSource",
    "Note",
    "NoteQuerySet",
    "ReadingGroup",
    "ReadingGroupQuerySet",
    "ReadingList",
    "ReadingListItem",
    "TaggedNote",
    "group_ids_of",
]
