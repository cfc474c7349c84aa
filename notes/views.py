"""Reading the group's pages: groups, meetings, notes, the glossary, reading lists.
Writing them is in edit_views.py, presenting them in present.py."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.messages import get_messages
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import ListView

from core.compiled import compiled_for_reader, compiled_once, compiled_records, fetch, read_ahead
from core.context_processors import reading
from core.fragments import kept, lazy_records, refs, remembered, shared_fragment, uncached_reads
from core.language import Name
from core.models import as_read
from core.pagination import ForgivingPaginationMixin
from core.templatetags.notices import placed
from papers.citations import EXPORT_TYPES, citation_response
from papers.filters import EXPORT_FORMAT, unknown_choices
from papers.models import Paper, TaggedPaper, topics_prefetch
from papers.tables import ShownOrganizations

from . import activity, audience, discussion, feeds, progress, scheduling
from .models import (
    Comment,
    GlossaryTerm,
    Meeting,
    Note,
    ReadingGroup,
    ReadingList,
    ReadingListItem,
    SwapRequest,
    Visit,
    by_member_name,
)
from .permissions import may_change_meeting, may_schedule
from .schedule_views import plan_of
from .templatetags.reading_status import row_reading_slots


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
            "memberships": by_member_name(
                group.memberships.select_related("user"), organisers_first=True
            ),
            "upcoming": sorted(coming, key=lambda m: (m.date, m.starts_at or now, m.number)),
            "past": [m for m in meetings if not m.is_coming(now) and not m.skipped],
            "swaps": SwapRequest.objects.waiting_for(request.user).filter(
                other_meeting__group=group
            ),
            "organiser": may_schedule(request.user, group.pk),
            "reading_lists": group.reading_lists.all(),
            "activity": activity.recent(
                request.user,
                group=group,
                since=Visit.objects.filter(user=request.user)
                .values_list("since", flat=True)
                .first(),
            ),
        },
    )


def meeting_detail(request, group, number):
    user = request.user

    def page_reads(meeting):
        """What the page reads of the meeting, named ahead: read in one round trip with
        the meeting's papers and presenters (or, the meeting kept, when the first is)."""
        return uncached_reads(
            *progress.meeting_progress_statements(meeting, user),
            *([_meeting_notes_sql(user, meeting.pk)] if user.is_authenticated else []),
            _meeting_comments.statement(meeting.pk),
            meeting.linked_statement(),
        )

    meeting = audience.meeting(user, group, number, also=page_reads)
    note_keys = audience.for_audience(
        "meeting-notes",
        user,
        [meeting],
        ["notes.note"],
        lambda: _meeting_note_keys(user, meeting.pk),
    )
    # The member's own, outside the shared fragments: their status of each paper to read,
    # the group's progress, the discussion they may read, what they may do in the plan.
    to_read = meeting.papers_to_read()
    discussed = list(meeting.papers.all())
    plan = plan_of(request, meeting)
    group_progress, statuses, role = progress.meeting_progress_and_own(
        meeting, [p.pk for p in to_read], user
    )
    remembered(_role_key(user, meeting), lambda: role)  # for meeting_edit_part
    for paper in [*to_read, *discussed]:
        paper.my_status = statuses.get(paper.pk, "")
    return render(
        request,
        "notes/meeting_detail.html",
        {
            "meeting": meeting,
            # Models, datasets and sources in one query, read only when a shared fragment
            # that shows them is missing (templates/notes/meeting_detail.html).
            "linked": SimpleLazyObject(meeting.linked_records),
            "contents": SimpleLazyObject(meeting.contents),
            # What this member may read, as primary keys; the notes are read only when
            # their shared fragment is missing, and their query not even built for none.
            "note_refs": refs(Note, note_keys),
            "notes": lazy_records(
                note_keys, lambda pks: Note.objects.filter(pk__in=pks).for_list()
            ),
            "progress": group_progress,
            "to_read": to_read,
            "discussed": discussed,
            **_discussion(user, lambda: _meeting_comments(meeting.pk), [meeting]),
            # What the meeting's plan and its "Edit" button show are the member's own
            # parts of the page (meeting_plan_part, meeting_edit_part); a past meeting's
            # plan is shared (_plan_is_own).
            "plan": plan,
            "plan_is_own": _plan_is_own(request, plan),
        },
    )


def _meeting_notes(reader, meeting_pk):
    return Note.objects.visible_to(reader).filter(meeting_id=meeting_pk).values_list("pk")


# _meeting_notes()'s SQL compiled once per process: the read rule's subquery made
# building and compiling it cost more than reading the keys.
_meeting_notes_sql = compiled_for_reader(_meeting_notes)


def _meeting_note_keys(user, meeting_pk):
    """The keys of the meeting's notes the user may read, newest first."""
    if not user.is_authenticated:
        return [pk for (pk,) in _meeting_notes(user, meeting_pk)]  # none (visible_to)
    return [pk for (pk,) in fetch(*_meeting_notes_sql(user, meeting_pk))]


# The meeting's discussion, all of it to who may read the meeting
# (Comment.objects.on_readable_meeting), its SQL compiled once per process.
_meeting_comments = compiled_records(
    lambda pk: Comment.objects.on_readable_meeting(pk).for_thread()
)


def _role_key(user, meeting):
    return ("role", user.pk, meeting.group_id)


def _meeting_of(request):
    """The meeting of the page being served (its group and number in the address)."""
    kwargs = request.resolver_match.kwargs
    return audience.meeting(request.user, kwargs["group"], kwargs["number"])


def meeting_plan_part(request, keys):
    """The member's own part "meeting-plan" of a meeting page (PAGECACHE_MEMBER_PARTS):
    when and where in their time zone, and what they may do before the meeting
    ({meeting id: HTML}). Once the meeting has begun, it is the same for everyone who
    reads it in the same time zone on the same day: kept for them all."""
    meeting = _meeting_of(request)
    plan = plan_of(request, meeting)

    def render():
        return render_to_string(
            "includes/_meeting_plan.html", {"meeting": meeting, "plan": plan}, request=request
        )

    if _plan_is_own(request, plan):
        html = render()
    else:  # a page kept before the meeting began: the fragment its page now shows
        html = shared_fragment(
            "meeting-plan-past", [meeting], PAST_PLAN_SOURCES, reading(request)["reading"], render
        )
    return {key: html for key in keys if key == str(meeting.pk)}


# What a past meeting's plan shows besides the meeting: its presenters' names, its papers'
# titles, its group's address (templates/notes/meeting_detail.html names the same).
PAST_PLAN_SOURCES = ["auth.user", "papers.paper", "notes.readinggroup"]


def _plan_is_own(request, plan):
    """Whether the meeting's plan is the member's own part of its page: before the
    meeting (what they may do), or with a message of their action in it. A past
    meeting's plan is the same for every member who reads it in the same time zone and
    language (its times are in the member's zone; it offers nothing to do): a shared
    fragment of the page, kept with it for the member's audience (their zone is in its
    key), not a part filled for each view."""
    return plan["coming"] or _told_in_plan(request)


def _told_in_plan(request):
    """Whether a message of an action stands in the plan or its proposed papers: a past
    meeting's plan kept for its readers holds none, and "Meeting #1 has already taken
    place." (a vote cast as the meeting began) was never shown."""
    messages = get_messages(request)
    return any(placed(messages, place) for place in ("plan", "proposals"))


def meeting_edit_part(request, keys):
    """The member's own part "meeting-edit" of a meeting page: its "Edit" button, for
    the group's organisers and the meeting's presenters ({meeting id: HTML})."""
    meeting, user = _meeting_of(request), request.user
    role = remembered(_role_key(user, meeting), lambda: audience.roles(user).get(meeting.group_id))
    html = ""
    if may_change_meeting(user, meeting, role=role):
        html = format_html(
            ' <a class="button" href="{}">{}</a>',
            reverse("notes:meeting_edit", args=[meeting.group.slug, meeting.number]),
            _("Edit the meeting page"),
        )
    return {key: html for key in keys if key == str(meeting.pk)}


def _discussion(user, comments, subject):
    """The threads of the comments the user may read, kept for their audience; subject:
    the vary values of the discussion (the record it is about); comments: a queryset of
    which the user reads those visible to them, or a function that returns those the
    user may read, ``for_thread()``."""
    found = audience.for_audience(
        "discussion",
        user,
        subject,
        ["notes.comment", "auth.user"],
        comments if callable(comments) else lambda: list(comments.visible_to(user).for_thread()),
    )
    threads = discussion.threads(found, user)
    return {"threads": threads, "comment_count": discussion.count(threads)}


def note_detail(request, slug):
    note = get_object_or_404(
        Note.objects.visible_to(request.user)
        .for_list()
        .prefetch_related(topics_prefetch(Note), "sources"),
        slug=slug,
    )
    # The note may be read more widely than the meeting it belongs to.
    meeting_visible = (
        note.meeting_id is not None
        and Meeting.objects.visible_to(request.user).filter(pk=note.meeting_id).exists()
    )
    return render(
        request,
        "notes/note_detail.html",
        {
            "note": note,
            "meeting_visible": meeting_visible,
            "contents": note.contents(),
            # A tag links to the paper list's topic only if papers carry it: else the
            # list it leads to is empty. One query, and only for a note with tags.
            "paper_topics": SimpleLazyObject(lambda: topics_with_papers(note.topics)),
            **_discussion(request.user, Comment.objects.filter(note=note), [note]),
        },
    )


def topics_with_papers(topics):
    """Return the slugs of the topics (Topic) that some paper carries."""
    slugs = [topic.slug for topic in topics]
    if not slugs:
        return set()
    carried = TaggedPaper.objects.filter(tag__slug__in=slugs).values_list("tag__slug", flat=True)
    return set(carried.distinct())


class MyNotesView(ForgivingPaginationMixin, ListView):
    template_name = "notes/my_notes.html"
    paginate_by = 30

    def get_queryset(self):
        return Note.objects.by(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed_token=feeds.token_for(self.request.user), **kwargs)


class TermPaper(NamedTuple):
    """A paper about a glossary term, as the glossary links it."""

    slug: str
    title_en: str
    title_zh: str

    title = Paper.title  # the same pair, read in the same order as a Paper's


class GlossaryEntry(NamedTuple):
    """A glossary term as the glossary shows it (notes.templatetags.glossary), read as
    values: two hundred GlossaryTerm instances cost the page ~2 ms."""

    slug: str
    title_en: str
    title_zh: str
    abbreviation: str
    translation: str
    body_zh_html: str
    body_en_html: str
    listed_papers: list  # a TermPaper of each paper about the term

    title = GlossaryTerm.title  # the same pair, read in the same order as a term's


# The terms and, by term, their papers (in a Paper's order): the SQL of each compiled once
# per process (core.compiled), as it is the same on every page.
_terms_sql = compiled_once(
    lambda: GlossaryTerm.objects.values_list("pk", *GlossaryEntry._fields[:-1])
)
_term_papers_sql = compiled_once(
    lambda: (
        Paper.objects.filter(glossary_terms__isnull=False)
        .annotate(term=F("glossary_terms"))
        .values_list("term", "slug", "title_en", "title_zh")
    )
)


def glossary_entries():
    """Return the GlossaryEntry of each term, with its papers (TermPaper): two
    queries, read only when the page is drawn. Not prefetch_related(), which makes a
    related manager for each of the two hundred terms even when none has a paper (5 ms)."""
    listed = defaultdict(list)
    read_ahead(_term_papers_sql(), _terms_sql())  # both in one round trip
    for term, *paper in fetch(*_term_papers_sql()):
        listed[term].append(TermPaper(*paper))
    return [GlossaryEntry(*values, listed[pk]) for pk, *values in fetch(*_terms_sql())]


def glossary(request):
    terms = SimpleLazyObject(glossary_entries)  # a page from the shared cache reads none
    return render(request, "notes/glossary.html", {"terms": terms})


def reading_lists(request):
    lists = ReadingList.objects.select_related("group").prefetch_related("sources")
    return render(request, "notes/readinglist_list.html", {"reading_lists": lists})


@dataclass
class ListedPaper(ShownOrganizations):
    """A reading list's paper as its row shows it (notes.templatetags.reading_lists), read
    as values: a Paper instance of every field cost the page of thirty rows ~3 ms."""

    pk: int
    slug: str
    title_zh: str
    title_en: str
    year: int | None
    arxiv_id: str | None
    organizations: list = field(default_factory=list)  # core.language.Name
    month = None  # a list row shows the year alone (papers.tables.paper_facts)

    title = Paper.title  # the same pair, read in the same order as a Paper's


@dataclass
class ListItem:
    """A reading list's item as its page shows it: its place, section, comment and paper."""

    position: int
    section: str
    comment_zh: str
    comment_en: str
    paper: ListedPaper

    @property
    def paper_id(self):
        return self.paper.pk


# The items of a list (by its id) in order, and their papers' organisations: the SQL of
# each compiled once per process (core.compiled), in the order a list and a Paper's
# organisations are read (a list's position, then the item's id where two share one).
_items_sql = compiled_once(
    lambda pk: (
        ReadingListItem.objects.filter(reading_list_id=pk)
        .order_by("position", "pk")
        .values_list(
            "position",
            "section",
            "comment_zh",
            "comment_en",
            "paper_id",
            "paper__slug",
            "paper__title_zh",
            "paper__title_en",
            "paper__year",
            "paper__arxiv_id",
        )
    )
)
_organizations_sql = compiled_once(
    lambda pk: (
        Paper.organizations.through.objects.filter(paper__reading_list_items__reading_list_id=pk)
        .order_by(as_read("organization__name"))
        .values_list("paper_id", "organization__name", "organization__name_zh")
    )
)


def list_items(reading_list_id):
    """Return the list's ListItems, their papers' organisations read: two queries."""
    read_ahead(_items_sql(reading_list_id), _organizations_sql(reading_list_id))  # one trip
    items = [
        ListItem(position, section, comment_zh, comment_en, ListedPaper(*paper))
        for position, section, comment_zh, comment_en, *paper in fetch(*_items_sql(reading_list_id))
    ]
    by_pk = {item.paper.pk: item.paper for item in items}
    for paper_id, name, name_zh in fetch(*_organizations_sql(reading_list_id)):
        by_pk[paper_id].organizations.append(Name(name, name_zh))
    return items


def _reading_list(slug):
    reading_list = get_object_or_404(ReadingList.objects.select_related("group"), slug=slug)
    return reading_list, list_items(reading_list.pk)


def _export(slug, export_format):
    """Answer the list's papers as BibTeX or CSL-JSON (None for another format): read whole
    (their authors, venues …), in two queries, the list's page left unread."""
    items = ReadingListItem.objects.filter(reading_list__slug=slug)
    papers = [
        item.paper
        for item in items.select_related("paper").prefetch_related("paper__organizations")
    ]
    if not papers:
        get_object_or_404(ReadingList, slug=slug)  # no such list, or an empty one
    return citation_response(papers, export_format, slug)


def reading_list_detail(request, slug):
    if (export_format := request.GET.get("format")) in EXPORT_TYPES:
        return _export(slug, export_format)
    # The list and its papers, kept until a list or a paper of it changes (every member
    # may read them; the shared fragment of its rows is kept under the same models).
    reading_list, items = kept(
        "reading-list",
        [slug],
        [
            "notes.readinglist",
            "notes.readinglistitem",
            "notes.readinggroup",
            "papers.paper",
            "papers.organization",
        ],
        lambda: _reading_list(slug),
    )
    paper_ids = [item.paper_id for item in items]
    # The member's own (outside the shared list, or in its slots): their statuses of the
    # list's papers and, for a member of the list's group, how far the group has read.
    group_progress = None
    if reading_list.group_id is not None:
        group_progress, statuses, role = progress.group_progress_and_own(
            reading_list.group, paper_ids, request.user, names=True
        )
        if role is None:
            group_progress = None  # shown to the group's members only
    else:
        statuses = audience.list_statuses(request.user, reading_list.pk, paper_ids)
    return render(
        request,
        "notes/readinglist_detail.html",
        {
            "reading_list": reading_list,
            "items": items,
            "progress": group_progress,
            "member_slots": row_reading_slots(
                request, statuses, group_progress, reading_list.group_id
            ),
            # An export format the list has not (?format=xml): said, the page shown.
            "unknown_filters": unknown_choices(request.GET, {"format": EXPORT_FORMAT}),
        },
    )
