"""Forms for what the group writes, used by the site and the admin alike.

``WritingForm`` is the one stale-save check: a form opened at one revision of a note,
meeting or glossary term refuses to save over a newer one, with a message, and keeps
the text as typed. It also checks every text field (no NUL characters, long texts
capped at BODY_LIMIT).
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import connections, models, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Comment, Meeting, Note, ReadingGroup

BODY_LIMIT = 100_000  # characters per language; a long survey write-up is about 40k
TAG_LIMIT = 100  # taggit's Tag.name
MARKDOWN_HELP = _(
    "Markdown: tables, $formulas$, > [!info] callouts, [[wiki links]]. "
    "At most %(limit)s characters."
)


def limit_length(field, limit=BODY_LIMIT):
    """Cap a text field at the documented limit, in the browser and on the server."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))


def check_tags(names):
    """Refuse tag names longer than a tag can be, with a message rather than a crash."""
    too_long = [name for name in names if len(name) > TAG_LIMIT]
    if too_long:
        raise forms.ValidationError(
            _("A tag can be at most %(limit)s characters: %(tag)s…")
            % {"limit": TAG_LIMIT, "tag": too_long[0][:30]}
        )
    return names


def check_text(value):
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a NUL character; remove it."))
    return value


class WritingForm(forms.ModelForm):
    """A form for a record with a ``revision``: a save over a newer one is refused.

    The form carries the revision it was opened at in a hidden field. When it is
    validated the stored revision is read, and locked when inside a transaction (the
    admin's views, and the site's edit views, run in one); if it moved on and the form
    changes anything, the form comes back with a clear error and the text as typed.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    conflict_message = _(
        "Someone else saved this while you were editing (now revision %(current)s; you "
        "started from %(mine)s). Your text is still below: copy what you need, reload the "
        "page to see theirs, and merge."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A version restored from the history starts from the stored revision.
            current = self._stored_revision(lock=False)
            self.fields["revision"].initial = (
                current if current is not None else self.instance.revision
            )
        for name, field in self.fields.items():
            model_field = self._model_field(name)
            if isinstance(model_field, models.CharField | models.TextField):
                field.validators.append(check_text)
            if isinstance(model_field, models.TextField):
                limit_length(field)
                if name.startswith("body_") or name == "minutes":
                    field.help_text = MARKDOWN_HELP % {"limit": f"{BODY_LIMIT:,}"}

    def _model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:  # a form field of its own (revision)
            return None

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
        touched = [name for name in self.changed_data if name != "revision"]
        if touched and mine != current:
            # A form that does not say where it started from is treated as stale.
            raise forms.ValidationError(
                self.conflict_message % {"current": current, "mine": mine or "?"},
                code="edit_conflict",
            )
        self.instance.revision = current + 1
        return data


class NoteForm(WritingForm):
    class Meta:
        model = Note
        fields = [
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "translation",
            "paper",
            "language_model",
            "meeting",
            "group",
            "visibility",
            "tags",
        ]
        widgets = {
            "paper": forms.HiddenInput,
            "language_model": forms.HiddenInput,
            "meeting": forms.HiddenInput,
            "body_zh": forms.Textarea(attrs={"rows": 14, "class": "markdown-source"}),
            "body_en": forms.Textarea(attrs={"rows": 14, "class": "markdown-source"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        groups = self.choosable_groups()
        current = self.instance.group_id
        # The note's own group stays on offer to an editor outside it (a moderator, a
        # superuser, an author who left the group), so that saving never drops it.
        self.fields["group"].queryset = (
            ReadingGroup.objects.filter(Q(pk__in=groups.values("pk")) | Q(pk=current))
            if current
            else groups
        )
        # A note may only be attached to a meeting its author can see.
        self.fields["meeting"].queryset = Meeting.objects.visible_to(user)
        if not self.instance.pk and groups.count() == 1:
            self.fields["group"].initial = groups.first()

    def choosable_groups(self):
        """Return the groups the editor may give a note: their own (any, for a superuser)."""
        if self.user.is_superuser:
            return ReadingGroup.objects.all()
        return ReadingGroup.objects.of(self.user)

    def clean_group(self):
        group = self.cleaned_data.get("group")
        if group is not None and group.pk != self.instance.group_id:
            if not self.choosable_groups().filter(pk=group.pk).exists():
                raise forms.ValidationError(_("You can only move a note to one of your groups."))
        return group

    def clean_tags(self):
        return check_tags(self.cleaned_data["tags"])

    def save(self, commit=True):
        note = super().save(commit=False)
        if note._state.adding:
            note.stamp_author(self.user)
        if commit:
            note.save()
            self.save_m2m()
        return note


class MeetingWriteupForm(WritingForm):
    """The parts of a meeting page its organisers and presenters edit on the site."""

    class Meta:
        model = Meeting
        fields = ["title_zh", "title_en", "body_zh", "body_en", "translation", "minutes"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 18, "class": "markdown-source"})
            for name in ("body_zh", "body_en", "minutes")
        }


COMMENT_LIMIT = 20_000  # characters


class CommentForm(forms.ModelForm):
    """A comment, or a reply to one (``parent``, checked by the view to be a top-level
    comment of the same discussion). Editing, the form carries when the comment was last
    saved (``seen``): a save over someone else's newer one (the author's and a
    moderator's) is refused with a message, the text kept as typed."""

    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    conflict_message = _(
        "Someone else changed this comment while you were editing. Your text is still "
        "below: copy what you need, reload the page to see theirs, and merge."
    )

    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "class": "markdown-source"})}
        labels = {"body": _("Your comment")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = self.instance.updated.isoformat()
        body = self.fields["body"]
        body.validators.append(check_text)
        limit_length(body, COMMENT_LIMIT)
        body.help_text = MARKDOWN_HELP % {"limit": f"{COMMENT_LIMIT:,}"}

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write something first."))
        return body

    def clean(self):
        data = super().clean()
        if self.instance.pk and "body" in self.changed_data:
            stored = (
                Comment.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated", flat=True)
                .first()
            )
            if stored is not None and data.get("seen") != stored.isoformat():
                raise forms.ValidationError(self.conflict_message, code="edit_conflict")
        return data
