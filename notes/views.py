"""Reading the group's pages: groups, meetings, notes, the glossary, reading lists.
Writing them is in edit_views.py, presenting them in present.py."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import ListView

from papers.citations import citation_response

from . import feeds, scheduling
from .models import GlossaryTerm, Meeting, Note, ReadingGroup, ReadingList, SwapRequest
from .permissions import may_schedule
from .schedule_views import own_zone, plan_context


def group_detail(request, slug):
    group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
    scheduling.plan_group(group.pk)
    meetings = list(group.meetings.for_schedule())
    now = timezone.now()
    coming = [m for m in meetings if m.is_coming(now)]
    return render(
        request,
        "notes/readinggroup_detail.html",
        {
            "group": group,
            "memberships": group.memberships.select_related("user"),
            "upcoming": sorted(coming, key=lambda m: (m.date, m.starts_at or now, m.number)),
            "past": [m for m in meetings if not m.is_coming(now) and not m.skipped],
            "swaps": SwapRequest.objects.filter(
                other=request.user, other_meeting__group=group, status=SwapRequest.Status.PENDING
            ).select_related("meeting", "other_meeting", "requester"),
            "organiser": may_schedule(request.user, group.pk),
            # Times in the reader's own zone when they set one, else each meeting's.
            "row_zone": own_zone(request.user),
            "reading_lists": group.reading_lists.all(),
        },
    )


def meeting_detail(request, group, number):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .select_related("group", "paper", "series")
        .prefetch_related("papers", "presenters", "language_models", "datasets", "sources"),
        group__slug=group,
        number=number,
    )
    return render(
        request,
        "notes/meeting_detail.html",
        {
            "meeting": meeting,
            "toc": meeting.toc_of("body_zh_html") or meeting.toc_of("body_en_html"),
            "toc_en": meeting.toc_of("body_en_html"),
            "notes": Note.objects.visible_to(request.user).filter(meeting=meeting).for_list(),
            "plan": plan_context(request, meeting),
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
