"""Writing on the site: notes, the write-up and minutes of a meeting, one's feed addresses.

Each view runs in one transaction (ATOMIC_REQUESTS is off, so atomic() says it
here): WritingForm locks the record while it checks the revision, and a save over
someone else's newer save is refused with the text kept in the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.controls import check_controls
from core.language import field_language
from core.markdown import render as render_markdown
from core.nesting import too_deep
from core.templatetags.notices import at
from core.wikilinks import Index
from papers.models import LanguageModel, Paper

from .forms import BODY_LIMIT, MeetingWriteupForm, NoteForm
from .models import FeedKey, Meeting, Note, ReadingGroup
from .models.groups import member_ids
from .permissions import editable_notes, may_change_meeting


def _attach_from_query(request):
    """Prefill the paper, model or meeting a new note is about from ?paper=… links."""
    initial = {}
    if slug := request.GET.get("paper"):
        initial["paper"] = get_object_or_404(Paper, slug=slug)
    if slug := request.GET.get("model"):
        initial["language_model"] = get_object_or_404(LanguageModel, slug=slug)
    if pk := request.GET.get("meeting", ""):
        if pk.isascii() and pk.isdecimal() and len(pk) <= 18:  # an id; a longer one none is
            initial["meeting"] = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    return initial


def _subject_from_query(request):
    """What a new note is about, from the address (``_attach_from_query``). Sent, the
    form holds it: one taken away while the member wrote (a meeting deleted, a group
    left) is the form's to refuse, the text kept, not a page not found that lost it."""
    if request.method != "POST":
        return _attach_from_query(request)
    try:
        return _attach_from_query(request)
    except Http404:
        return {}


@transaction.atomic
def note_edit(request, slug=None):
    note = None
    if slug is not None:
        note = editable_notes(request.user).filter(slug=slug).first()
        if note is None:
            if request.method == "POST":
                return _note_gone(request)
            raise Http404
    initial = {} if note else _subject_from_query(request)
    form = NoteForm(request.POST or None, instance=note, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():  # in the view's transaction
        if form.unchanged:
            messages.info(request, _("Nothing was changed: the note is as it was."))
            return redirect(note)
        note = form.save()
        if not Note.objects.visible_to(request.user).filter(pk=note.pk).exists():
            # A moderator who made a member's note private: its page is its author's now.
            messages.success(
                request,
                _("The note was saved. It is private to its author now: you no longer see it."),
            )
            return redirect(note.paper or note.language_model or note.meeting or "notes:my_notes")
        messages.success(request, _("Your note was saved."))
        return redirect(note)
    subject = (note.paper or note.language_model or note.meeting) if note else None
    subject = (
        subject or initial.get("paper") or initial.get("language_model") or initial.get("meeting")
    )
    return render(request, "notes/note_form.html", {"form": form, "note": note, "subject": subject})


def given_back(request, form_class, message, template, context, status=200, **form_kwargs):
    """Refuse a text sent to what was taken away while its writer wrote (deleted, or no
    longer theirs to change or see), and give it back: the form again, filled with what
    was sent (all but its revision, which was that of what is gone), the message said
    above it, and ``refused`` set, so that leaving the page asks first, as a form that
    was not saved does (static/js/note-form.js). Such a save was a page not found or a
    403, and the text was lost. Nothing is saved here: it was taken away by someone who
    could, and the writer decides what becomes of their text."""
    posted = {name: request.POST.get(name) for name in form_class.base_fields if name != "revision"}
    messages.error(request, message)
    form = form_class(initial=posted, **form_kwargs)
    return render(request, template, {**context, "form": form, "refused": True}, status=status)


def _note_gone(request):
    """A note's edit sent after the note was deleted, or made one the member may no
    longer edit (its author made it private), while they wrote: their text is shown
    again in a new note's form, to save as a note of their own or copy."""
    message = _(
        "This note was deleted, or you may no longer edit it, while you were writing. "
        "Your text is below: save it as a new note, or copy what you need."
    )
    context = {"note": None, "action": reverse("notes:note_create")}
    return given_back(
        request, NoteForm, message, "notes/note_form.html", context, user=request.user
    )


@require_POST
def note_delete(request, slug):
    note = get_object_or_404(editable_notes(request.user), slug=slug)
    target = note.paper or note.language_model or note.meeting
    note.delete()
    messages.success(request, _("Your note was deleted."))
    return redirect(target or "notes:my_notes")


@require_POST
def markdown_preview(request):
    """Render Markdown as a note would show it, for the editor's preview pane: in the
    language of the field it is written in (``field``, e.g. "body_zh"). A text the form
    would refuse, longer than the fields previewed may be (a note's texts, a meeting's
    write-up and minutes: BODY_LIMIT), holding a NUL or other control character or
    nested too deeply, gets 422 and the form's message (``error``), unrendered."""
    text = request.POST.get("text", "")
    try:
        MaxLengthValidator(BODY_LIMIT)(text)
        ProhibitNullCharactersValidator()(text)  # shown without it, refused when saved
        check_controls(text)
    except ValidationError as refused:
        return JsonResponse({"error": refused.messages[0]}, status=422)
    if found := too_deep(text):  # what saving it would say; the editor shows the message
        return JsonResponse({"error": found.text()}, status=422)
    language = field_language(request.POST.get("field", ""))

    # As the text will show when its writer saves it: their own figures of a name first,
    # then their groups' members' (Writing.figure_owners).
    def owners():
        groups = ReadingGroup.objects.of(request.user).values_list("pk", flat=True)
        return [{request.user.pk}, member_ids(*groups)]

    resolver = Index.for_texts([text]).preferring(owners)
    html = render_markdown(text, resolve_wikilink=resolver, language=language)
    return JsonResponse({"html": html})


@transaction.atomic
def meeting_edit(request, group, number):
    """Organisers of the group and the meeting's presenters edit its write-up and minutes.

    A member who may read the meeting but not edit it gets 403; anyone else 404.
    """
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("group"),
        group__slug=group,
        number=number,
    )
    if not may_change_meeting(request.user, meeting):
        if request.method == "POST":
            return _writeup_refused(request, meeting)
        raise PermissionDenied(
            _("A meeting page is edited by the group's organisers and the meeting's presenters.")
        )
    form = MeetingWriteupForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        if form.unchanged:
            messages.info(request, _("Nothing was changed: the meeting page is as it was."))
            return redirect(meeting)
        meeting = form.save()
        messages.success(request, _("The meeting page was saved."))
        return redirect(meeting)
    return render(request, "notes/meeting_form.html", {"form": form, "meeting": meeting})


def _writeup_refused(request, meeting):
    """A write-up sent by a member who may no longer edit it (no longer a presenter,
    no longer an organiser) while they wrote: refused, their text shown again to copy."""
    message = _(
        "You may no longer edit this meeting page: it is edited by the group's organisers "
        "and the meeting's presenters. Your text is below: copy what you need."
    )
    template, context = "notes/meeting_form.html", {"meeting": meeting}
    return given_back(
        request, MeetingWriteupForm, message, template, context, status=403, instance=meeting
    )


@require_POST
def feed_renew(request):
    """Give the member new feed addresses; the old ones stop working (feeds that were
    turned off are turned on: there were no old ones to stop)."""
    feed_key, _made = FeedKey.objects.get_or_create(user=request.user)
    was_on = bool(feed_key.key)
    feed_key.renew()
    if not was_on:
        return _back_to_feeds(request, _("Your feeds are on again, at new addresses."))
    return _back_to_feeds(request, _("Your feeds have new addresses; the old ones no longer work."))


@require_POST
def feed_revoke(request):
    """Turn the member's feeds off: every address stops working."""
    FeedKey.objects.get_or_create(user=request.user)[0].turn_off()
    return _back_to_feeds(request, _("Your feeds are turned off."))


def _back_to_feeds(request, said):
    """Back to the feed buttons' section of the page they were on (My notes, or the
    calendars' settings), with the message there (notices.at)."""
    if request.POST.get("back") == "settings":
        url, section = reverse("notes:member_settings"), "calendars"
    else:
        url, section = reverse("notes:my_notes"), "feeds"
    messages.success(request, said, extra_tags=at(section))
    return redirect(f"{url}#{section}")
