"""``{{ reason|change_reason }}``: a version's reason for the change in the reader's
language (core.history.shown_reason)."""

from django import template

from core.history import shown_reason

register = template.Library()
register.filter("change_reason", shown_reason)
