"""The one stale-save check, for every record people edit: a form opened at one revision
of a record refuses to save over a newer one, with a message, and keeps what was typed.

A record that takes part has a ``revision`` (``core.models.Revised``). ``RevisionForm``
carries the revision it was opened at in a hidden field; when it is validated it reads
the stored one, locked when inside a transaction (the admin's views and the site's edit
views run in one), and refuses the save when the record moved on and the form changes
anything; its message says whose saves came since, as far as the record's history
(django-simple-history) tells: someone else's, or the same member's in another tab or
window. ``RevisionCheck`` puts such a form on a ModelAdmin or an inline. The texts the
group writes (notes, meetings, glossary terms, comments) use ``notes.forms.WritingForm``,
which is this form with their text checks added. Every text of a RevisionForm (a paper's
title in the admin as a note's) is refused when it holds a control character
(core.controls): they show nothing, and an Atom feed cannot carry them.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import connections, router
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.controls import check_controls
from core.history import history_model


class RevisionForm(forms.ModelForm):
    """A ModelForm for a record with a ``revision``: a save over a newer one is refused."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # %(saved)s: a link to the saved version (``_refusal``).
    conflict_message = _(
        "Someone else saved this while you were editing (now revision %(current)s; you "
        "started from %(mine)s). Your changes are still below: note what you need, open "
        "%(saved)s (in a new tab), and make your changes again."
    )
    own_conflict_message = _(
        "You saved this again in another tab or window since you opened it here (now "
        "revision %(current)s; you started from %(mine)s). Your changes are still below: "
        "note what you need, open %(saved)s (in a new tab), and make your changes again."
    )
    # When the history does not say who saved (a record without one, a save by a script).
    unknown_conflict_message = _(
        "This was saved again since you opened it (now revision %(current)s; you started "
        "from %(mine)s). Your changes are still below: note what you need, open "
        "%(saved)s (in a new tab), and make your changes again."
    )
    saved_version = _("the saved version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Free text (a title, a body, topics): not a link, a zone or an address,
            # whose own check (default_validators) refuses one with its own message.
            if isinstance(field, forms.CharField) and not field.default_validators:
                field.validators.append(check_controls)
        if self.instance.pk:
            # A version restored from the history starts from the stored revision.
            current = self._stored_revision(lock=False)
            self.fields["revision"].initial = (
                current if current is not None else self.instance.revision
            )

    def _stored_revision(self, lock):
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if lock and connections[router.db_for_write(model)].in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("revision", flat=True).first()

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        current = self._stored_revision(lock=True)
        if current is None:  # restoring a deleted record
            return data
        mine = data.get("revision")
        if not self.unchanged and mine != current:
            # A form that does not say where it started from is treated as stale.
            raise forms.ValidationError(self._refusal(mine, current), code="edit_conflict")
        if not self.unchanged:
            self.instance.revision = current + 1
        return data

    # Fields whose change the form tells otherwise (ApiNoteForm's topics, given as a list).
    unchanged_apart_from = ("revision",)

    @cached_property
    def unchanged(self):
        """Whether the form of a stored record was sent back as it was opened, and the
        record stored holds what it would save: then there is nothing to save. Saved
        anyway, the record's revision, history and "updated" moved on by nobody's edit,
        and whoever was editing it meanwhile was told someone else had saved it. The
        site's edit views and RevisionCheck save nothing then. A form filled from an
        older version (the history's "Revert", a deleted record restored) changes none of
        its own fields yet changes the record: it is saved."""
        if self.instance.pk is None or any(
            name not in self.unchanged_apart_from for name in self.changed_data
        ):
            return False
        if getattr(self.instance, "_parts_changed", False):
            return False  # its inlines were edited (RevisionCheck._create_formsets)
        model = type(self.instance)
        stored = model._base_manager.filter(pk=self.instance.pk).first()
        if stored is None:
            return False
        return all(
            field.value_from_object(stored) == self.initial.get(field.name)
            for field in model._meta.concrete_fields
            if field.name in self.fields and field.name not in self.unchanged_apart_from
        )

    def _refusal(self, mine, current):
        """The message of a save refused because the record moved on from revision
        ``mine`` to ``current``, with a link that opens the saved version in a new tab.
        The refusal is the answer to the form's POST, so reloading it would only send the
        form again; the link is the page's own address (an empty one), which the edit
        pages and the admin's change page are read at."""
        link = format_html('<a href="" target="_blank" rel="noopener">{}</a>', self.saved_version)
        message = conditional_escape(self._conflict_message(mine))
        return mark_safe(message % {"current": current, "mine": mine or "?", "saved": link})

    def _conflict_message(self, mine):
        """The message of a save refused because the record moved on from revision
        ``mine``: by whom (saved_since), the member saving being the request's."""
        history = history_model(type(self.instance))
        editor = history.get_default_history_user(self.instance) if history else None
        return {
            MINE: self.own_conflict_message,
            OTHERS: self.conflict_message,
        }.get(saved_since(self.instance, mine, editor), self.unknown_conflict_message)


# Who saved a record since a revision (saved_since).
MINE, OTHERS = "mine", "others"


def saved_since(record, mine, editor):
    """Who saved ``record`` after its revision ``mine``, as its history records each
    save: the ``editor`` alone (MINE: their other tab, window or client), someone else
    too (OTHERS), or None where the history does not say (a record without one, a save
    by a script, no revision or no editor known): then nobody is blamed."""
    history = history_model(type(record))
    if history is None or mine is None or editor is None:
        return None
    savers = set(
        history.objects.filter(id=record.pk, revision__gt=mine).values_list(
            "history_user_id", flat=True
        )
    )
    if not savers:
        return None
    if savers == {editor.pk}:
        return MINE
    if savers - {editor.pk, None}:
        return OTHERS
    return None


NOTHING_CHANGED = _("Nothing was changed: “{name}” is as it was.")


class RevisionCheck:
    """Give a ModelAdmin or an inline a RevisionForm (stale saves refused) and render its
    hidden revision field. An admin with a form of its own makes it a RevisionForm."""

    form = RevisionForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        fields = list(options["fields"])
        if "revision" not in fields:
            fields.append("revision")
        return [(name, {**options, "fields": fields}), *rest]

    def _without_revision(self, request, obj, kwargs):
        if "fields" in kwargs and kwargs["fields"] is None:
            return kwargs  # every field of the form (ModelAdmin.get_fields asks so)
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The model field is not editable; the form declares its own hidden one.
        kwargs["fields"] = [name for name in fields if name != "revision"]
        return kwargs

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **self._without_revision(request, obj, kwargs))

    def _create_formsets(self, request, obj, change):
        """An edit of the record's parts alone (inlines marked ``part_of_record``: a
        reading list's papers, a model's datasets, a meeting's papers) is an edit of the
        record: its form, else sent back as it was opened, is held to the stale-save check
        and moves the revision on. A save from a page opened before someone else's put
        their rows back, unseen, and the revision stayed where it was for the next.
        Records of their own shown inline (notes, with their own revision) are not parts:
        a note's edit saved its paper again for every API client to fetch."""
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        if request.method == "POST" and any(
            getattr(inline, "part_of_record", False) and formset.has_changed()
            for formset, inline in zip(formsets, inline_instances, strict=True)
        ):
            obj._parts_changed = True
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        if change and getattr(form, "unchanged", False):
            request.saved_nothing = obj  # for log_change and message_user
            return  # sent back as it was opened (RevisionForm.unchanged)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """A record sent back as it was whose inlines added, changed or deleted a row was
        saved after all: that is logged and said as any change."""
        super().save_related(request, form, formsets, change)
        if any(
            formset.new_objects or formset.changed_objects or formset.deleted_objects
            for formset in formsets
        ):
            request.saved_nothing = None

    def log_change(self, request, obj, message):
        """A save that saved nothing writes no entry in the record's admin history (Django
        wrote "No fields changed." for it)."""
        if getattr(request, "saved_nothing", None) is not None:
            return None
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """After a save that saved nothing, say so, not "…was changed successfully"."""
        unchanged = getattr(request, "saved_nothing", None)
        if unchanged is not None and level == messages.SUCCESS:
            message = format_html(NOTHING_CHANGED, name=str(unchanged))
        super().message_user(request, message, level, *args, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self._without_revision(request, obj, kwargs))
