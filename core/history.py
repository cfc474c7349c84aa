"""The change history (django-simple-history): a first version for loaded records, and
the admin's history pages as their readers read them.

Fixture loads save records raw, which the history does not see; without a first
version, the first edit of such a record has nothing to compare with and cannot be
undone. These functions write that first version, dated when the record was.
"""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# Kept in the history as written here (in English, whatever the language of the load),
# shown in the reader's language (shown_reason).
LOADED_REASON = gettext_noop("Loaded from the group's documents")
# A paper as an import gave it, and as a refresh from arXiv made it: what a later refresh
# may write over (papers.importing.plan.refresh), where the organisers' edits it keeps.
IMPORTED_REASON = gettext_noop("Added by an import")
REFRESHED_REASON = gettext_noop("Refreshed from arXiv")
# A paper an organiser typed in the admin, whatever they set it was "added from" (arXiv,
# a DOI): a refresh writes over none of it.
ADDED_IN_ADMIN_REASON = gettext_noop("Added in the admin")
REASONS = {LOADED_REASON, IMPORTED_REASON, REFRESHED_REASON, ADDED_IN_ADMIN_REASON}


def shown_reason(reason):
    """A version's reason for the change as the reader reads it: the site's own reasons
    translated, one an editor typed as it is."""
    return gettext(reason) if reason in REASONS else reason


def history_models():
    """Return the models that keep a history."""
    return [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]


def history_model(model):
    """Return the model of the model's history (its saves, each with who saved), None
    for a model that keeps none."""
    if not hasattr(model._meta, "simple_history_manager_attribute"):
        return None
    return _history_manager(model).model


def _history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def record_initial_history(objects, reason=LOADED_REASON):
    """Write a first history version ("created") for each of the objects that keeps one."""
    by_model = {}
    for obj in objects:
        if hasattr(obj._meta, "simple_history_manager_attribute"):
            by_model.setdefault(type(obj), []).append(obj)
    for model, objs in by_model.items():
        for obj in objs:
            if getattr(obj, "updated", None):
                obj._history_date = obj.updated
        _history_manager(model).bulk_history_create(
            objs, batch_size=500, default_change_reason=reason
        )
    return sum(len(objs) for objs in by_model.values())


def record_missing_initial_history(reason=LOADED_REASON):
    """Give every record that has no history yet its first version; return how many."""
    written = 0
    for model in history_models():
        history = _history_manager(model).model
        without = model._default_manager.filter(~Exists(history.objects.filter(id=OuterRef("pk"))))
        while batch := list(without[:500]):
            written += record_initial_history(batch, reason)
    return written


class ReadableChanges(HistoricalRecordContextHelper):
    """A version's changes as the admin shows its fields: a choice by its label (状态:
    已安排 → 已改期, not planned → moved), a time in the reader's time zone as the admin
    writes times (not 2026-12-09 11:00:00+00:00)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool) or (value is None and isinstance(field, models.BooleanField)):
            # As the form's yes / no / unknown: not True, False and None.
            return {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
        if value is None or value == "":
            return "—"  # as the admin shows an empty value
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return formats.localize(local)
        if isinstance(value, datetime.date):
            if getattr(field, "month_precision", False):
                return value.strftime("%Y-%m")
            return formats.localize(value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, its changes shown as ReadableChanges."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)
