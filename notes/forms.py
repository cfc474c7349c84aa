from django import forms
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Note, ReadingGroup

BODY_LIMIT = 100_000  # characters per language; a long survey write-up is about 40k


class EditConflict(Exception):
    """The record was saved by someone else after this form was opened."""


def limit_length(field, limit=BODY_LIMIT):
    """Cap a text field at the documented limit, in the browser and on the server."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))


TAG_LIMIT = 100  # taggit's Tag.name


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


class RevisionForm(forms.ModelForm):
    """A form that refuses to overwrite a newer revision of its record."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    conflict_message = _(
        "Someone else saved this while you were editing (now revision %(current)s; you "
        "started from %(mine)s). Your text is still below: copy what you need, reload the "
        "page to see theirs, and merge."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Editing: the form must say which revision it started from.
            self.fields["revision"].initial = self.instance.revision
            self.fields["revision"].required = True
            self.fields["revision"].error_messages["required"] = _(
                "This form does not say which version it started from; reload the page."
            )

    def save_checked(self):
        """Save unless the stored revision moved on; raise EditConflict then."""
        obj = self.instance
        with transaction.atomic():
            if obj.pk:
                current = (
                    type(obj)
                    .objects.select_for_update()
                    .values_list("revision", flat=True)
                    .get(pk=obj.pk)
                )
                mine = self.cleaned_data.get("revision")
                if current != mine:
                    self.add_error(None, self.conflict_message % {"current": current, "mine": mine})
                    raise EditConflict
                obj.revision = current + 1
            return self.save()


class NoteForm(RevisionForm):
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
        groups = ReadingGroup.objects.of(user)
        self.fields["group"].queryset = groups
        # A note may only be attached to a meeting its author can see.
        self.fields["meeting"].queryset = Meeting.objects.visible_to(user)
        if not self.instance.pk and groups.count() == 1:
            self.fields["group"].initial = groups.first()
        for name in ("title_zh", "title_en", "body_zh", "body_en"):
            self.fields[name].validators.append(check_text)
        for name in ("body_zh", "body_en"):
            limit_length(self.fields[name])
            self.fields[name].help_text = _(
                "Markdown: tables, $formulas$, > [!info] callouts, [[wiki links]]. "
                "At most %(limit)s characters."
            ) % {"limit": f"{BODY_LIMIT:,}"}

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("title_zh", "title_en", "body_zh", "body_en")):
            raise forms.ValidationError(_("Write a title or a body in at least one language."))
        if data.get("visibility") == Note.Visibility.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the group that may read this note."))
        return data

    def clean_tags(self):
        return check_tags(self.cleaned_data["tags"])

    def save(self, commit=True):
        note = super().save(commit=False)
        if note._state.adding and note.author_id is None:
            note.author = self.user
        if commit:
            note.save()
            self.save_m2m()
        return note


class MeetingWriteupForm(RevisionForm):
    """The parts of a meeting page its organisers and presenters edit on the site."""

    class Meta:
        model = Meeting
        fields = ["title_zh", "title_en", "body_zh", "body_en", "translation", "minutes"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 18, "class": "markdown-source"})
            for name in ("body_zh", "body_en", "minutes")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].validators.append(check_text)
        for name in ("body_zh", "body_en", "minutes"):
            limit_length(self.fields[name])
            self.fields[name].help_text = _(
                "Markdown: tables, $formulas$, > [!info] callouts, [[wiki links]]. "
                "At most %(limit)s characters."
            ) % {"limit": f"{BODY_LIMIT:,}"}
