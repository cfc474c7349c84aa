"""Forms for what the group writes, used by the site and the admin alike.

``WritingForm`` is the one stale-save check: a form opened at one revision of a note,
meeting, glossary term or comment refuses to save over a newer one, with a message, and
keeps the text as typed. It also checks every text field (no NUL characters, long texts
capped at BODY_LIMIT, a comment at COMMENT_LIMIT).
"""

from functools import partial

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.language import in_interface_language
from papers.identifiers import normalize_arxiv_id
from papers.models import Paper

from .models import (
    Comment,
    Meeting,
    MeetingSeries,
    MemberSettings,
    Note,
    ReadingGroup,
    validate_time_zone,
    zone_of,
)
from .models.zones import aware

BODY_LIMIT = 100_000  # characters per language; a long survey write-up is about 40k
COMMENT_LIMIT = 20_000  # characters
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
    text_limit = BODY_LIMIT  # of each long text (TextField)
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
                limit_length(field, self.text_limit)
                if name.startswith("body") or name == "minutes":
                    field.help_text = MARKDOWN_HELP % {"limit": f"{self.text_limit:,}"}

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
        # Each group by its name in the interface's language (str() is the English one).
        self.fields["group"].label_from_instance = partial(in_interface_language, name="name")
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


class CommentForm(WritingForm):
    """A comment, or a reply to one (``parent``, checked by the view to be a top-level
    comment of the same discussion). Editing, WritingForm's revision check refuses a
    save over someone else's newer one (the author's and a moderator's) with its
    message, the text kept as typed."""

    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text_limit = COMMENT_LIMIT

    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "class": "markdown-source"})}
        labels = {"body": _("Your comment")}

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write something first."))
        return body


# --- The schedule -------------------------------------------------------------------------

COMMON_ZONES = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
ZONE_INPUT = forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"})


class SeriesForm(forms.ModelForm):
    class Meta:
        model = MeetingSeries
        fields = [
            "weekday",
            "start_time",
            "duration",
            "time_zone",
            "first_date",
            "last_date",
            "place",
            "link",
            "presenter_slots",
            "handback_days",
            "active",
        ]
        widgets = {
            "start_time": TIME_INPUT,
            "first_date": DATE_INPUT,
            "last_date": DATE_INPUT,
            "time_zone": ZONE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(check_text)


class MeetingTimeForm(forms.Form):
    """When and where a meeting takes place: a move, or a one-off meeting."""

    day = forms.DateField(label=_("date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("start time"), widget=TIME_INPUT)
    duration = forms.IntegerField(label=_("duration (minutes)"), min_value=5, max_value=720)
    time_zone = forms.CharField(
        label=_("time zone"), max_length=64, widget=ZONE_INPUT, validators=[validate_time_zone]
    )
    place = forms.CharField(
        label=_("room"), max_length=200, required=False, validators=[check_text]
    )
    link = forms.URLField(label=_("video-call link"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)

    @classmethod
    def initial_for(cls, meeting):
        zone = meeting.zone
        start = timezone.localtime(meeting.starts_at, zone) if meeting.starts_at else None
        minutes = (
            int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
            if meeting.starts_at and meeting.ends_at
            else 90
        )
        return {
            "day": start.date() if start else meeting.date,
            "start_time": start.time() if start else None,
            "duration": minutes,
            "time_zone": zone.key,
            "place": meeting.place,
            "link": meeting.link,
        }

    def start(self):
        data = self.cleaned_data
        return aware(data["day"], data["start_time"], zone_of(data["time_zone"]))


class OneOffForm(MeetingTimeForm):
    title_zh = forms.CharField(
        label=_("Chinese title"), max_length=300, required=False, validators=[check_text]
    )
    title_en = forms.CharField(
        label=_("English title"), max_length=300, required=False, validators=[check_text]
    )
    presenter_slots = forms.IntegerField(
        label=_("presenters wanted"), min_value=1, max_value=5, initial=1
    )


class ProposeForm(forms.Form):
    paper = forms.CharField(
        label=_("paper"),
        max_length=300,
        validators=[check_text],
        help_text=_("An arXiv ID or link, or the paper's title as the site has it."),
    )

    def clean_paper(self):
        text = self.cleaned_data["paper"].strip()
        arxiv = normalize_arxiv_id(text)
        exact = Paper.objects.filter(
            Q(arxiv_id=arxiv) | Q(slug=text) | Q(title_en__iexact=text) | Q(title_zh=text)
        ).first()
        if exact is not None:
            return exact
        papers = Paper.objects.all()
        for word in text.split()[:8]:  # every word, in either title
            papers = papers.filter(Q(title_en__icontains=word) | Q(title_zh__icontains=word))
        found = list(papers.order_by("title_en")[:6])
        if len(found) == 1:
            return found[0]
        if found:
            titles = "; ".join(
                f"{paper.title_en or paper.title_zh}"
                + (f" ({paper.arxiv_id})" if paper.arxiv_id else "")
                for paper in found[:5]
            )
            raise forms.ValidationError(
                _(
                    "Several papers match “%(text)s”: %(titles)s. "
                    "Give the arXiv ID or the full title."
                )
                % {"text": text[:60], "titles": titles + ("…" if len(found) > 5 else "")}
            )
        raise forms.ValidationError(
            _(
                "No paper on the site matches “%(text)s”. Add it to the library first "
                "(“Add papers” on the paper list), then propose it."
            )
            % {"text": text[:60]}
        )


class MemberSettingsForm(forms.ModelForm):
    class Meta:
        model = MemberSettings
        fields = ["email_language", "reminders", "time_zone"]
        widgets = {"time_zone": ZONE_INPUT}

    def clean_time_zone(self):
        value = check_text(self.cleaned_data["time_zone"].strip())
        if value:
            validate_time_zone(value)
        return value
