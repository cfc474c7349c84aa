"""Template filters for the writing rules in notes/permissions.py."""

from django import template

from notes import permissions

register = template.Library()


@register.filter
def editable_by(obj, user):
    """Return whether the user may edit the note or meeting: ``{% if note|editable_by:user %}``."""
    return permissions.may_change(user, obj)
