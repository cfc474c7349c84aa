"""Template filters for the writing rules in notes/permissions.py."""

from django import template

from notes import permissions
from notes.models import Meeting, Note

register = template.Library()


@register.filter
def editable_by(obj, user):
    """Return whether the user may edit the note or meeting: ``{% if note|editable_by:user %}``."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if isinstance(obj, Note):
        return obj.author_id == user.pk or permissions.can_edit_note(user, obj)
    if isinstance(obj, Meeting):
        return permissions.can_edit_meeting(user, obj)
    return False
