"""Template filters for the writing rules in notes/permissions.py."""

from django import template

from notes import permissions
from notes.models import display_name as name_of

register = template.Library()


@register.filter
def editable_by(obj, user):
    """Return whether the user may edit the note or meeting: ``{% if note|editable_by:user %}``."""
    return permissions.may_change(user, obj)


@register.filter
def display_name(user):
    """How the site names a member: ``{{ membership.user|display_name }}``."""
    return name_of(user)
