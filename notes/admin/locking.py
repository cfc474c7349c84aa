"""Admin side of the stale-save check for what the group writes: core.revisions'
RevisionCheck with notes.forms.WritingForm (its text checks too), the same form as the
site's."""

from core.revisions import RevisionCheck as RecordRevisionCheck
from notes.forms import WritingForm


class RevisionCheck(RecordRevisionCheck):
    """Use WritingForm (stale saves refused, text checked) and render its hidden revision
    field; works for a ModelAdmin and for an inline."""

    form = WritingForm
