from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from core.markdown import extract_toc
from core.markdown import render as render_markdown
from core.wikilinks import Index
from papers.models import LanguageModel, Paper

from . import feeds
from .forms import EditConflict, NoteForm
from .models import GlossaryTerm, Meeting, Note, ReadingGroup, ReadingList
from .permissions import editable_notes


def group_detail(request, slug):
    group = get_object_or_404(ReadingGroup, slug=slug)
    if not (request.user.is_superuser or group.memberships.filter(user=request.user).exists()):
        raise Http404
    meetings = list(group.meetings.select_related("paper").prefetch_related("papers", "presenters"))
    today = timezone.localdate()
    return render(
        request,
        "notes/readinggroup_detail.html",
        {
            "group": group,
            "memberships": group.memberships.select_related("user"),
            "upcoming": sorted((m for m in meetings if m.date >= today), key=lambda m: m.date),
            "past": [m for m in meetings if m.date < today],
            "reading_lists": group.reading_lists.all(),
        },
    )


def meeting_detail(request, group, number):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .select_related("group", "paper")
        .prefetch_related("papers", "presenters", "language_models", "datasets", "sources"),
        group__slug=group,
        number=number,
    )
    return render(
        request,
        "notes/meeting_detail.html",
        {
            "meeting": meeting,
            "toc": extract_toc(meeting.body_zh_html or meeting.body_en_html),
            "toc_en": extract_toc(meeting.body_en_html),
            "notes": Note.objects.visible_to(request.user).filter(meeting=meeting).for_list(),
        },
    )


def note_detail(request, slug):
    note = get_object_or_404(
        Note.objects.visible_to(request.user).for_list().prefetch_related("tags", "sources"),
        slug=slug,
    )
    # The note may be read more widely than the meeting it belongs to.
    meeting_visible = (
        note.meeting_id is not None
        and Meeting.objects.visible_to(request.user).filter(pk=note.meeting_id).exists()
    )
    return render(
        request, "notes/note_detail.html", {"note": note, "meeting_visible": meeting_visible}
    )


class MyNotesView(ListView):
    template_name = "notes/my_notes.html"
    paginate_by = 30

    def get_queryset(self):
        return Note.objects.by(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed_token=feeds.token_for(self.request.user), **kwargs)


def _attach_from_query(request, form):
    """Prefill the paper, model or meeting a new note is about from ?paper=… links."""
    initial = {}
    if slug := request.GET.get("paper"):
        initial["paper"] = get_object_or_404(Paper, slug=slug)
    if slug := request.GET.get("model"):
        initial["language_model"] = get_object_or_404(LanguageModel, slug=slug)
    if pk := request.GET.get("meeting", ""):
        if pk.isascii() and pk.isdecimal():
            initial["meeting"] = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    return initial


def note_edit(request, slug=None):
    note = None
    if slug is not None:
        note = get_object_or_404(editable_notes(request.user), slug=slug)
    initial = {} if note else _attach_from_query(request, None)
    form = NoteForm(request.POST or None, instance=note, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            note = form.save_checked()
        except EditConflict:
            pass
        else:
            messages.success(request, _("Your note was saved."))
            return redirect(note)
    subject = (note.paper or note.language_model or note.meeting) if note else None
    subject = (
        subject or initial.get("paper") or initial.get("language_model") or initial.get("meeting")
    )
    return render(request, "notes/note_form.html", {"form": form, "note": note, "subject": subject})


@require_POST
def note_delete(request, slug):
    note = get_object_or_404(editable_notes(request.user), slug=slug)
    target = note.paper or note.language_model or note.meeting
    note.delete()
    messages.success(request, _("Your note was deleted."))
    return redirect(target or "notes:my_notes")


@require_POST
def markdown_preview(request):
    """Render Markdown as a note would show it, for the editor's preview pane."""
    text = request.POST.get("text", "")[:200_000]
    return JsonResponse({"html": render_markdown(text, resolve_wikilink=Index.for_texts([text]))})


def glossary(request):
    terms = GlossaryTerm.objects.prefetch_related("papers")
    return render(request, "notes/glossary.html", {"terms": terms})


def reading_lists(request):
    lists = ReadingList.objects.select_related("group").prefetch_related("sources")
    return render(request, "notes/readinglist_list.html", {"reading_lists": lists})


def reading_list_detail(request, slug):
    reading_list = get_object_or_404(ReadingList.objects.select_related("group"), slug=slug)
    items = reading_list.items.select_related("paper").prefetch_related("paper__organizations")
    return render(
        request,
        "notes/readinglist_detail.html",
        {"reading_list": reading_list, "items": items},
    )
