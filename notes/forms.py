"""Forms for what the group writes, used by the site and the admin alike.

``WritingForm`` is the stale-save check of core.revisions for what the group writes: a
form opened at one revision of a note, meeting, glossary term or comment refuses to save
over a newer one, with a message, and keeps the text as typed. It also checks every text
field (long texts capped at BODY_LIMIT, a comment at COMMENT_LIMIT; NUL characters are
refused by Django's text fields, the other control characters by core.controls), and
refuses Markdown that nests too deeply to be shown (core.nesting).
"""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from core.auth import confirms_password
from core.controls import check_controls
from core.language import LANG_ATTRIBUTE, PlainTitles, in_interface_language, items_separator
from core.markdown import shows_something_rendered
from core.models import Language
from core.nesting import check_nesting
from core.revisions import RevisionForm
from papers.identifiers import arxiv_id_problem, normalize_arxiv_id
from papers.models import Paper

from .models import (
    Comment,
    Meeting,
    MeetingSeries,
    MemberSettings,
    Note,
    ReadingGroup,
    not_members,
    zone_of,
)
from .models.zones import TimeZoneFormField, aware, gap_message, validate_meeting_day
from .scheduling import check_clash, placed

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
    """Refuse topic names longer than a topic can be, with a message rather than a crash,
    and names with a control character (core.controls)."""
    check_controls(names)
    too_long = [name for name in names if len(name) > TAG_LIMIT]
    if too_long:
        raise forms.ValidationError(
            _("A topic can be at most %(limit)s characters: %(tag)s…")
            % {"limit": TAG_LIMIT, "tag": too_long[0][:30]}
        )
    return names


# Django's own message of a text field with a NUL character, named here so that
# makemessages keeps the project's Chinese for it (locale/): Django's catalogue has
# "不允许是用空字符串", "empty strings are not allowed".
gettext_noop("Null characters are not allowed.")


class WritingForm(PlainTitles, RevisionForm):
    """A form for what the group writes: the stale-save check of core.revisions, with the
    text checks (long texts capped, Markdown not nested too deeply, the Markdown help; a
    NUL character is refused by Django's own text fields, with one message, and the
    other control characters by core.controls; titles without what shows nothing or
    turns the text round: PlainTitles)."""

    text_limit = BODY_LIMIT  # of each long text (TextField)
    conflict_message = _(
        "Someone else saved this while you were editing (now revision %(current)s; you "
        "started from %(mine)s). Your text is still below: copy what you need, open "
        "%(saved)s (in a new tab), and merge."
    )
    own_conflict_message = _(
        "You saved this again in another tab or window since you opened it here (now "
        "revision %(current)s; you started from %(mine)s). Your text is still below: copy "
        "what you need, open %(saved)s (in a new tab), and merge."
    )
    unknown_conflict_message = _(
        "This was saved again since you opened it (now revision %(current)s; you started "
        "from %(mine)s). Your text is still below: copy what you need, open %(saved)s (in "
        "a new tab), and merge."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "translation" in self.fields:
            # The empty choice says what it means, not "---------".
            self.fields["translation"].choices = [
                ("", _("Neither: both are originals")),
                *Language.choices,
            ]
        rendered = getattr(self._meta.model, "rendered_fields", dict)()
        for name, field in self.fields.items():
            model_field = self._model_field(name)
            if isinstance(model_field, models.CharField | models.TextField):
                side = name.rpartition("_")[2]
                if side in LANG_ATTRIBUTE:  # title_zh: a screen reader's voice, the spelling
                    field.widget.attrs["lang"] = LANG_ATTRIBUTE[side]
            if name in rendered:  # refused here with a message, not shown as written
                field.validators.append(check_nesting)
            if isinstance(model_field, models.TextField):
                limit_length(field, self.text_limit)
                if name.startswith("body") or name == "minutes":
                    field.help_text = MARKDOWN_HELP % {"limit": f"{self.text_limit:,}"}

    def _model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:  # a form field of its own (revision)
            return None


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
        self.fields["group"].empty_label = _("No group")
        # A note may only be attached to a meeting its editor can see, or keep the one it
        # is attached to (an author who left its group, a moderator from another group):
        # the field is hidden, and the note could not be saved at all.
        meetings = Meeting.objects.visible_to(user)
        if current_meeting := self.instance.meeting_id:
            meetings = Meeting.objects.filter(
                Q(pk__in=meetings.values("pk")) | Q(pk=current_meeting)
            )
        self.fields["meeting"].queryset = meetings
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
        moved = (group.pk if group else None) != self.instance.group_id
        if moved and self.instance.pk and not self._by_its_author():
            # A moderator edits the group's notes, not where they go: an organiser of one
            # group put a member's note into another of theirs, which they do not
            # organise and the author may not be in, to be read by its members.
            raise forms.ValidationError(
                _("Only its author may move a note to another group, or out of its group."),
                code="not_author",
            )
        return group

    # Who may read a note, from the fewest readers to the most.
    AUDIENCES = [Note.Visibility.PRIVATE, Note.Visibility.GROUP, Note.Visibility.EVERYONE]

    def clean_visibility(self):
        """A moderator may show a member's note to fewer readers (take it off the public
        list), not to more: an organiser set a member's note for their group to
        "everyone", to be read by every member of the site."""
        visibility = self.cleaned_data["visibility"]
        before = self.instance.visibility
        if (
            self.instance.pk
            and before in self.AUDIENCES
            and self.AUDIENCES.index(visibility) > self.AUDIENCES.index(before)
            and not self._by_its_author()
        ):
            raise forms.ValidationError(
                _("Only its author may show a note to more readers than it has."),
                code="not_author",
            )
        return visibility

    def _by_its_author(self):
        author = self.instance.author_id
        return self.user.is_superuser or (author is not None and author == self.user.pk)

    def clean_tags(self):
        return check_tags(self.cleaned_data["tags"])

    # What a note is about: hidden fields, filled from the page it was begun on (ApiNoteForm
    # names them in its answer instead).
    SUBJECTS = ("paper", "language_model", "meeting")

    def clean(self):
        """A paper, model or meeting the note is about, deleted or out of the writer's
        sight while they wrote: said in words (a hidden field's error read "(Hidden field
        meeting) Select a valid choice"), and let go, so that sending the form again
        saves the note without it."""
        data = super().clean()
        gone = [name for name in self.SUBJECTS if name in self._errors]
        if gone:
            self.data = self.data.copy()
            for name in gone:
                del self._errors[name]
                self.data[self.add_prefix(name)] = ""
            raise forms.ValidationError(
                _(
                    "What this note is about was deleted, or is no longer yours to see, "
                    "while you wrote. Your text is below: save it again to keep it as a "
                    "note on its own."
                ),
                code="subject_gone",
            )
        self._check_meetings_group(data)
        return data

    def _check_meetings_group(self, data):
        """A note for a group to read, on a meeting, is the meeting's group's: one of
        another group was listed on the meeting's page for that other group's members,
        where the meeting's organisers could not moderate it. Asked of a new note and of
        a change of its group, meeting or readers (a note whose meeting moved to another
        group since is saved as it is)."""
        group, meeting = data.get("group"), data.get("meeting")
        changed = {"group", "meeting", "visibility"} & set(self.changed_data)
        if (
            (self.instance.pk is None or changed)
            and data.get("visibility") == Note.Visibility.GROUP
            and group is not None
            and meeting is not None
            and group.pk != meeting.group_id
        ):
            self.add_error(
                "group",
                forms.ValidationError(
                    _(
                        "A note on a meeting of %(group)s is for that group to read (or "
                        "for you alone, or for everyone)."
                    ),
                    code="not_the_meetings_group",
                    params={"group": in_interface_language(meeting.group, "name")},
                ),
            )

    def _post_clean(self):
        # A text refused (a NUL character in it) is left out of cleaned_data, and the
        # model then said too that the note had no title or body at all. It gets the text
        # as sent for that check; the form has errors, so nothing is saved.
        for name in ("title_zh", "title_en", "body_zh", "body_en"):
            if name in self.errors:
                setattr(self.instance, name, self.data.get(self.add_prefix(name), ""))
        super()._post_clean()

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


class MeetingAdminForm(WritingForm):
    """The admin's meeting form: the checks the site's schedule applies (notes.scheduling),
    so that the admin cannot save what the site would refuse, and a date that moves the
    meeting's time with it."""

    def clean(self):
        data = super().clean()
        self._follow_the_date(data)
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        group, status = data.get("group"), data.get("status")
        held = status not in (Meeting.Status.SKIPPED, None)
        if group and start and end and end > start and held:
            try:
                check_clash(group.pk, start, end, exclude=self.instance.pk)
            except forms.ValidationError as error:
                self.add_error("starts_at", error)
        self._check_presenters(data, group)
        return data

    def _follow_the_date(self, data):
        """A new date with the old start: the meeting moves to that day at the same time
        (the date is otherwise the start's day, and the edit would be lost)."""
        date, start, end = data.get("date"), data.get("starts_at"), data.get("ends_at")
        if not (date and start) or "date" not in self.changed_data:
            return
        zone_name = data.get("time_zone") or self.instance.zone.key
        zone = zone_of(zone_name)
        local = timezone.localtime(start, zone)
        if local.date() == date:
            return
        if "starts_at" in self.changed_data:
            self.add_error(
                "date",
                _("The date is the day the meeting starts: change the start, or the date alone."),
            )
            return
        if gap := gap_message(date, local.time(), zone_name):
            self.add_error("date", gap)  # the start would move an hour on, unseen
            return
        moved = aware(date, local.time(), zone)
        data["starts_at"] = moved
        if end:
            data["ends_at"] = moved + (end - start)

    def _check_presenters(self, data, group):
        presenters, slots = data.get("presenters"), data.get("presenter_slots")
        if presenters is None or group is None:
            return
        for error in not_members(group.pk, dict(enumerate(presenters))).values():
            self.add_error("presenters", error)
        if slots and len(presenters) > slots:
            self.add_error(
                "presenters",
                ngettext(
                    "%(count)s presenters for %(slots)s slot: add slots or remove a presenter.",
                    "%(count)s presenters for %(slots)s slots: add slots or remove a presenter.",
                    slots,
                )
                % {"count": len(presenters), "slots": slots},
            )


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
        # A comment of spaces alone is stripped to nothing before clean_body() sees it.
        error_messages = {"body": {"required": _("Write something first.")}}

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not shows_something_rendered(body):  # spaces, "<!-- … -->", "&#8203;" alone
            raise forms.ValidationError(_("Write something first."))
        return body

    def save(self, commit=True):
        comment = super().save(commit=False)
        if not comment._state.adding and "body" in self.changed_data:
            comment.edited = timezone.now()  # shown as "edited", however soon after posting
        if commit:
            comment.save()
        return comment


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


class SeriesForm(RevisionForm):
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
        weekday = self.fields["weekday"]
        # The empty choice asks for a day, not "---------".
        weekday.choices = [("", _("Choose a day")), *(c for c in weekday.choices if c[0] != "")]


class MeetingTimeForm(forms.Form):
    """When and where a meeting takes place: a move, or a one-off meeting."""

    day = forms.DateField(label=_("date"), widget=DATE_INPUT, validators=[validate_meeting_day])
    start_time = forms.TimeField(label=_("start time"), widget=TIME_INPUT)
    duration = forms.IntegerField(label=_("duration (minutes)"), min_value=5, max_value=720)
    time_zone = TimeZoneFormField(label=_("time zone"), max_length=64, widget=ZONE_INPUT)
    place = forms.CharField(label=_("room"), max_length=200, required=False)
    link = forms.URLField(label=_("video-call link"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        # The texts shown as typed (a zone or a link with a control character is none).
        for name in ("place", "title_zh", "title_en"):
            if name in self.fields:
                self.fields[name].validators.append(check_controls)

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

    def clean(self):
        data = super().clean()
        day, time, zone = data.get("day"), data.get("start_time"), data.get("time_zone")
        # It was moved an hour on without a word.
        if day and time and zone and (gap := gap_message(day, time, zone)):
            self.add_error("start_time", gap)
        return data

    def start(self):
        data = self.cleaned_data
        return aware(data["day"], data["start_time"], zone_of(data["time_zone"]))


class MeetingMoveForm(MeetingTimeForm):
    """A coming meeting's move: with where and when it was as the form was opened
    (``scheduling.placed``), for a move made meanwhile to be told, not undone."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, meeting):
        return {**super().initial_for(meeting), "opened": placed(meeting)}


class OneOffForm(MeetingTimeForm):
    title_zh = forms.CharField(label=_("Chinese title"), max_length=300, required=False)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    presenter_slots = forms.IntegerField(
        label=_("presenters wanted"), min_value=1, max_value=5, initial=1
    )


class ProposeForm(forms.Form):
    paper = forms.CharField(
        label=_("paper"),
        max_length=300,
        help_text=_("An arXiv ID or link, or the paper's title as the site has it."),
    )

    def clean_paper(self):
        text = self.cleaned_data["paper"].strip()
        if problem := arxiv_id_problem(text):  # told it is not an ID, not to add it first
            raise forms.ValidationError(problem)
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
            titles = items_separator().join(
                f"{paper.title_en or paper.title_zh}"
                + (f" ({paper.arxiv_id})" if paper.arxiv_id else "")
                for paper in found[:5]
            )
            raise forms.ValidationError(
                _(
                    "Several papers match “%(text)s”: %(titles)s. "
                    "Give the arXiv ID or the full title."
                )
                % {"text": quoted(text), "titles": titles + ("…" if len(found) > 5 else "")}
            )
        raise forms.ValidationError(
            _(
                "No paper on the site matches “%(text)s”. Add it to the library first "
                "(“Add papers” on the paper list), then propose it."
            )
            % {"text": quoted(text)}
        )


def quoted(text, length=60):
    """What a member typed, as a message quotes it: where it is longer than ``length``, cut
    at the last space before (Chinese, with none, where it must) and "…" put after, where it
    ended mid-word ("… in Large Langua")."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if not text[length - 1].isspace() and " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


class MemberSettingsForm(forms.ModelForm):
    """A member's settings and the e-mail address of their account, saved together.

    The address is where reminders go and where "Forgot your password?" sends its link:
    whoever can change it can take the account over from an open session, so changing
    it asks for the current password, as changing the password does (Django's
    PasswordChangeForm checks it the same way). The address is refused when another account
    has it in any case, as the password reset finds accounts by it."""

    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,  # the User model's
        error_messages={"invalid": _("Enter a valid e-mail address, such as name@example.org.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Reminders go here, and the link to set a new password (“Forgot your password?”)."
        ),
    )
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your e-mail address."),
    )

    class Meta:
        model = MemberSettings
        fields = ["email", "current_password", "reminders", "email_language", "time_zone"]
        widgets = {"time_zone": ZONE_INPUT}

    def __init__(self, *args, user, request=None, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = user.email
        # The zone shows every time on the site, not meetings' alone (notes.auth).
        self.fields["time_zone"].help_text = _(
            "Every time on the site is shown in it. Empty: meetings in each group's own "
            "zone, other times in the site's (%(zone)s). An IANA name such as Europe/London."
        ) % {"zone": settings.TIME_ZONE}

    def clean(self):
        data = super().clean()
        # Only another mailbox asks for the password: the same address in other capitals
        # reaches the same one (and the password reset finds the account by it in any case).
        email = data.get("email")
        moves = email is not None and email.casefold() != self.user.email.casefold()
        if not moves:
            return data
        password = data.get("current_password", "")
        # Checked as a login is (a wrong one counts toward the lockout), and before
        # whether another account has the address: that told anyone at a logged-in
        # laptop which addresses have accounts, without a password.
        if not confirms_password(self.request, self.user, password):
            message = (
                _("That is not your current password. Enter it again to change your address.")
                if password
                else _("Give your current password to change your e-mail address.")
            )
            self.add_error("current_password", message)
        elif email and self._taken(email):
            self.add_error("email", _("Another account already uses this e-mail address."))
        return data

    def _taken(self, email):
        accounts = get_user_model().objects.filter(email__iexact=email)
        return accounts.exclude(pk=self.user.pk).exists()

    def save(self, commit=True):
        """Save the settings and, when it changed, the account's address (in the caller's
        transaction)."""
        if commit and self.cleaned_data["email"] != self.user.email:
            self.user.email = self.cleaned_data["email"]
            self.user.save(update_fields=["email"])
        return super().save(commit)
