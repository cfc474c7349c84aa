"""Reading the group's pages: groups, meetings, notes, the glossary, reading lists.
Writing them is in edit_views.py, presenting them in present.py."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

from core.fragments import lazy_query, refs
from papers.citations import citation_response

from . import feeds
from .models import GlossaryTerm, Meeting, Note, ReadingGroup, ReadingList


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
    # Papers, models, datasets and sources are read inside the shared
    # fragments that show them (templates/notes/meeting_detail.html).
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .select_related("group", "paper")
        .prefetch_related("presenters"),  # who may edit it, for every reader
        group__slug=group,
        number=number,
    )
    visible_notes = Note.objects.visible_to(request.user).filter(meeting=meeting)
    return render(
        request,
        "notes/meeting_detail.html",
        {
            "meeting": meeting,
            "toc": SimpleLazyObject(
                lambda: meeting.toc_of("body_zh_html") or meeting.toc_of("body_en_html")
            ),
            "toc_en": SimpleLazyObject(lambda: meeting.toc_of("body_en_html")),
            # What this member may read, as primary keys; the notes are read only when
            # their shared fragment is missing.
            "note_refs": refs(Note, visible_notes.values_list("pk", flat=True)),
            "notes": lazy_query(
                lambda: Note.objects.filter(pk__in=visible_notes.values("pk")).for_list()
            ),
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


def glossary(request):
    terms = GlossaryTerm.objects.prefetch_related("papers")
    return render(request, "notes/glossary.html", {"terms": terms})


def reading_lists(request):
    lists = ReadingList.objects.select_related("group").prefetch_related("sources")
    return render(request, "notes/readinglist_list.html", {"reading_lists": lists})


def reading_list_detail(request, slug):
    reading_list = get_object_or_404(ReadingList.objects.select_related("group"), slug=slug)
    items = reading_list.items.select_related("paper").prefetch_related("paper__organizations")
    if export_format := request.GET.get("format"):
        papers = [item.paper for item in items]
        if exported := citation_response(papers, export_format, reading_list.slug):
            return exported
    return render(
        request,
        "notes/readinglist_detail.html",
        {"reading_list": reading_list, "items": items},
    )
