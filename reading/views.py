"""Pages that show the knowledge base together with what the group writes: the home
page, the paper list with its note counts and filters, and the pages of papers,
models, datasets and organisations with their notes, meetings and mentions."""

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, empty
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView

from core import pagecache
from core.compiled import MARKS, compiled_records, read_ahead
from core.context_processors import reading
from core.fragments import kept, lazy_query, lazy_records, refs, uncached_reads
from core.numbers import whole
from core.pagination import LazyPaginationMixin
from notes import activity, audience, discussion, progress
from notes.models import (
    Comment,
    Meeting,
    Mention,
    Note,
    ReadingGroup,
    ReadingListItem,
    SwapRequest,
    Visit,
)
from notes.templatetags.reading_status import status_slots
from papers import charts
from papers import views as papers_views
from papers.citations import citation_response
from papers.facts import model_facts
from papers.families import Family
from papers.filters import EXPORT_FORMAT, Choices, paper_filter_options, unknown_choices
from papers.models import Dataset, EvaluationTask, LanguageModel, Organization, Paper, Topic

from . import queries

NEW_ITEMS = 8
SHOWN = {"notes": Note, "meetings": Meeting, "mentions": Mention}


def home(request):
    """What a member opens on a Monday: the swaps other members ask of them, the next
    meeting (who presents what, what to read before), what changed since their last
    visit, their groups. The page is the member's own (core.pagecache.cached_page keeps
    it per session)."""
    user = request.user
    since = Visit.record(user, language=translation.get_language())
    meetings = (
        Meeting.objects.visible_to(user)
        .select_related("group", "paper")
        .prefetch_related("papers", "presenters")
    )
    today = timezone.localdate()
    notes = Note.objects.visible_to(user).for_list()
    papers = queries.paper_rows(user)
    if since is not None:
        notes = notes.filter(updated__gt=since)
        papers = papers.filter(created__gt=since)
    # Not a skipped week, nor one that ended earlier today.
    upcoming = list(meetings.held().coming().order_by("date", "starts_at", "number")[:2])
    new_notes = list(notes.order_by("-updated", "-pk")[:NEW_ITEMS])
    new_papers = list(papers.order_by("-created", "-pk")[:NEW_ITEMS])
    return render(
        request,
        "home.html",
        {
            "since": since,
            "swaps": SwapRequest.objects.waiting_for(user),
            "next_meeting": upcoming[0] if upcoming else None,
            "later_meeting": upcoming[1] if len(upcoming) > 1 else None,
            # Read only when nothing is planned (the template asks for it then).
            "last_meetings": meetings.filter(date__lt=today).order_by("-date", "-number")[:1],
            "groups": ReadingGroup.objects.of(user).with_member_counts(),
            "new_notes": new_notes,
            "new_papers": new_papers,
            # How many are new in all, where more are than are shown ("8 of 24": the
            # list's length, 8, was given as the count).
            "new_notes_total": _total(notes, new_notes, since),
            "new_papers_total": _total(papers, new_papers, since),
            "activity": activity.recent(user, since=since),
        },
    )


def _total(queryset, shown, since):
    """How many rows are new since the member's last visit: counted only when ``shown``
    (the queryset's first NEW_ITEMS) may not be all of them. Without a last visit the
    list is the latest few, of the whole library: no count."""
    if since is None or len(shown) < NEW_ITEMS:
        return len(shown)
    return queryset.count()


def note_count_slots(user, rows=None):
    """Return the member_slots provider of the note counts on paper rows: {paper pk: the
    count of notes the user may read, as the row shows it}, in one query kept for the
    user's audience, or none when ``rows()`` gives the rows already read (with
    ``note_count``, queries.paper_rows)."""

    def provide(pks):
        read = rows() if rows else None
        ids = tuple(pk for pk in map(whole, pks) if pk is not None)

        def count():
            if read is not None:  # the rows were read with their counts: kept from them
                return [(paper.pk, paper.note_count) for paper in read if paper.note_count]
            return list(
                Note.objects.visible_to(user)
                .filter(paper__in=ids)
                .order_by()
                .values_list("paper")
                .annotate(n=Count("pk"))
            )

        counts = audience.for_audience("note-counts", user, [ids], ["notes.note"], count)
        return {
            paper: format_html(
                '<span class="count">{}</span>',
                ngettext("%(n)s note", "%(n)s notes", n) % {"n": n},
            )
            for paper, n in counts
        }

    return {"note_count": provide}


# The list's filters and order (the query string's names).
PAPER_FILTERS = ("q", "topic", "org", "year", "has_notes", "presented", "read", "sort")
# The filters of the list (all but its order): with none, the list is every paper.
NARROWING_FILTERS = tuple(name for name in PAPER_FILTERS if name != "sort")
# Filters and orders that depend on who reads: their list is theirs alone.
MEMBER_FILTERS = {"has_notes", "presented", "read"}


READ_OPTIONS = [
    ("me", _("read by me")),
    ("group", _("read by my group")),
    ("nobody", _("nobody in my group has read")),
]


def ignored_parameters(sort_options):
    """The paper list's parameters whose value, when it is none of theirs, is ignored
    (the list shown as without it), with what the list then says
    (papers.filters.unknown_choices)."""
    return {
        "has_notes": Choices(
            [("1", _("has notes"))],
            _("“%(value)s” is not a setting of “has notes”: papers are shown with notes or not."),
            ignored=True,
        ),
        "presented": Choices(
            [("1", _("read in a meeting"))],
            _(
                "“%(value)s” is not a setting of “read in a meeting”: papers are shown "
                "read in a meeting or not."
            ),
            ignored=True,
        ),
        "read": Choices(
            READ_OPTIONS,
            _("No reading filter is called “%(value)s”: papers are shown read or not."),
            ignored=True,
        ),
        "sort": Choices(
            sort_options,
            _("No sort order is called “%(value)s”: sorted newest first instead."),
            ignored=True,
        ),
        "format": EXPORT_FORMAT,
    }


def year_choices(years, params):
    """The year filter, for papers.filters.unknown_choices: a year no paper is from finds
    nothing; a value that is not a year is ignored (queries.year_asked), every year shown."""
    if queries.year_asked(params) is not None:
        return Choices(years, _("No paper is from %(value)s."), _("Papers of any year"))
    not_a_year = _("“%(value)s” is not a year: papers of every year are shown.")
    return Choices(years, not_a_year, ignored=True)


class PaperListView(LazyPaginationMixin, ListView):
    model = Paper
    paginate_by = 25
    sort_options = queries.PAPER_SORTS

    def get_queryset(self):
        """The list's papers; for a logged-in reader with no filter, as an unfiltered
        list whose pages are read by SQL compiled once (queries.UnfilteredPaperList)."""
        user, params = self.request.user, self.request.GET
        if user.is_authenticated and not any(params.get(name) for name in NARROWING_FILTERS):
            return queries.UnfilteredPaperList(user, params.get("sort"))
        return self.papers()

    def papers(self):
        # The rows (queries.PaperRow) and the exports show no meeting count.
        return queries.paper_list(self.request.user, self.request.GET, meetings=False)

    def get(self, request, *args, **kwargs):
        """The list as shown, or, with ?format=bibtex or csl-json, all its papers cited."""
        export_format = request.GET.get("format")
        if export_format:
            exported = citation_response(self.papers(), export_format, "papers")
            if exported is not None:
                return exported
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        choices = SimpleLazyObject(paper_filter_options)  # read only when the list is drawn
        personal = any(params.get(name) for name in MEMBER_FILTERS)
        sort_options = [(key, label) for key, (label, _order) in self.sort_options.items()]
        context.update(
            # The page's papers as the rows show them (read as values, not instances)
            page_rows=SimpleLazyObject(lambda: queries.page_rows(context["page_obj"].object_list)),
            topics=SimpleLazyObject(lambda: choices["topics"]),
            organizations=SimpleLazyObject(lambda: choices["organizations"]),
            years=SimpleLazyObject(lambda: choices["years"]),
            sort_options=sort_options,
            querystring=params.urlencode(),
            # Every filter, "" when not given: a name missing from a QueryDict costs the
            # template engine a dir() of it each time.
            filters={name: self.request.GET.get(name, "") for name in PAPER_FILTERS},
            # The list is kept once for everyone, unless its rows depend on the reader;
            # the note counts and reading-status controls on its rows are the member's.
            audience=self.audience(personal or params.get("sort") == "notes"),
            member_slots={
                **note_count_slots(self.request.user, lambda: self.rows_read(context)),
                **status_slots(self.request, lambda: self.statuses_read(context)),
            },
            read_options=READ_OPTIONS,
            # A topic or organisation of the address (an old link's) that no paper has,
            # or an order, reading filter or format the list has not: said, not an
            # unexplained empty list or a default taken for what was asked. Read only
            # when the list is drawn.
            unknown_filters=SimpleLazyObject(
                lambda: unknown_choices(
                    params,
                    {
                        "topic": Choices(
                            choices["topics"],
                            _("No paper has a topic called “%(value)s”."),
                            _("Papers of any topic"),
                        ),
                        "org": Choices(
                            choices["organizations"],
                            _("No paper is from an organization called “%(value)s”."),
                            _("Papers of any organization"),
                        ),
                        "year": year_choices(choices["years"], params),
                        **ignored_parameters(sort_options),
                    },
                )
            ),
        )
        return context

    def audience(self, personal):
        """Return who the list is kept for: everyone (""), or the member alone until any
        content changes (their notes and meetings move no stamp the list declares) or,
        with a filter on reading statuses (which move no stamp at all), until the
        member's own generation moves on (a status change of theirs or their groups')."""
        user = self.request.user
        if not personal:
            return ""
        audience = f"{user.pk}:{pagecache.generation()}"
        if self.request.GET.get("read"):
            audience += f":{pagecache.member_generation(user.pk)}"
        return audience

    @staticmethod
    def rows_read(context):
        """Return the rows of the page if the page has read them (the list was rendered,
        not taken from the shared cache), else None."""
        rows = context["page_rows"]
        return None if rows._wrapped is empty else rows

    @classmethod
    def statuses_read(cls, context):
        """Return {paper id: the member's status} of the rows if the page has read them."""
        rows = cls.rows_read(context)
        return None if rows is None else {paper.pk: paper.my_status for paper in rows}


# What a cold paper page reads (with the page cache off, or a fragment missing from the
# cache), each by SQL compiled once per process (core.compiled): building and compiling
# its querysets (these, the member's groups and the statuses they may see) was over 40%
# of the cold page's instructions. Ids as values; a list of them (the page's notes)
# compiled once per length, up to a hundred (MARKS).
# One paper per slug: read unordered, not with first()'s ORDER BY.
_paper_of_slug = compiled_records(lambda slug: Paper.objects.filter(slug=slug).order_by()[:1])
_note_blocks = compiled_records(lambda *pks: Note.objects.filter(pk__in=pks).for_blocks())
_list_items = compiled_records(
    lambda pk: ReadingListItem.objects.filter(paper=Paper(pk=pk)).select_related("reading_list")
)
_discussion_comments = compiled_records(
    lambda pk, *groups: Comment.objects.in_discussions(Paper(pk=pk), groups).for_thread()
)


def note_blocks(pks):
    """Return the notes of these primary keys with what their blocks show (for_blocks)."""
    if len(pks) <= len(MARKS):
        return _note_blocks(*pks)
    return list(Note.objects.filter(pk__in=pks).for_blocks())


class PaperDetailView(DetailView):
    model = Paper

    # Organisations, topics and sources are read inside the shared fragments that show
    # them (templates/papers/paper_detail.html): a page from the shared cache skips them.
    queryset = Paper.objects.all()

    def get_object(self, queryset=None):
        """The paper of the slug, kept until a paper changes (every member may read it)."""
        slug = self.kwargs[self.slug_url_kwarg]
        paper = kept(
            "paper", [slug], ["papers.paper"], lambda: next(iter(_paper_of_slug(slug)), None)
        )
        if paper is None:
            raise Http404("No paper matches the given query.")
        return paper

    def get_context_data(self, **kwargs):
        user = self.request.user
        paper = self.object
        # What the page reads of the paper for the member, in one round trip (read when
        # the first is; the paper's notes and discussion, by the groups, then follow).
        read_ahead(
            *uncached_reads(
                *([queries.paper_shown_to.statement(user, paper)] if user.is_authenticated else []),
                *audience.groups_statements(user),
                *progress.readers_statements(user, paper),
                queries.related_statement(paper),
                _list_items.statement(paper.pk),
            )
        )
        # What this member may read here, as primary keys in one query; the records are
        # read only if their shared fragment is missing.
        shown = audience.for_audience(
            "paper-shown",
            user,
            [paper],
            ["notes.note", "notes.meeting", "notes.meeting_papers", "notes.mention"],
            lambda: queries.paper_shown_to(user, paper),
        )
        # The member's own (outside the shared fragments): their groups' discussions; their
        # status and their groups' readers are member parts (PAGECACHE_MEMBER_PARTS).
        return super().get_context_data(
            discussions=paper_discussions(user, paper),
            shown={name: refs(model, shown[name]) for name, model in SHOWN.items()},
            # Even building a queryset costs: these are made only for a missing fragment.
            notes=lazy_records(shown["notes"], note_blocks),
            meetings=lazy_records(
                shown["meetings"],
                lambda pks: meeting_rows(
                    Meeting.objects.filter(pk__in=pks).select_related("group", "paper")
                ),
            ),
            mentions=lazy_records(
                shown["mentions"], lambda pks: Mention.objects.filter(pk__in=pks).for_list()
            ),
            list_items=lazy_query(lambda: _list_items(paper.pk)),
            related=SimpleLazyObject(lambda: queries.related_records(paper)),
            **kwargs,
        )


def paper_discussions(user, paper):
    """Return the paper's discussion in each of the user's groups: (group, threads, count)
    rows. Another group's discussion is never read, not even counted; the comments are
    kept for the user's audience (the members of the same groups). Read without
    visible_to's three subqueries (~1.7 ms of the page's Python): who reads their own
    groups' discussions may read every comment in them."""
    groups = audience.groups(user)
    if not groups:
        return []

    def comments():
        if len(groups) < len(MARKS):
            return _discussion_comments(paper.pk, *(g.pk for g in groups))
        return list(Comment.objects.in_discussions(paper, [g.pk for g in groups]).for_thread())

    by_group = {g.pk: [] for g in groups}
    for comment in audience.for_audience(
        "paper-comments", user, [paper], ["notes.comment", "auth.user"], comments
    ):
        by_group[comment.group_id].append(comment)
    found = []
    for group in groups:
        threads = discussion.threads(by_group[group.pk], user)
        found.append((group, threads, discussion.count(threads)))
    return found


def meeting_rows(meetings):
    """The meetings as includes/_meeting_row.html lists them: one with no presented paper
    names the papers it discussed, read in one query for those meetings alone (a query
    for each such meeting before)."""
    rows = list(meetings)
    prefetch_related_objects([meeting for meeting in rows if meeting.paper_id is None], "papers")
    return rows


# The model of a slug, with its organisation and base model: its SQL compiled once per
# process, as every cold model page reads it (building and compiling the queryset cost
# more Python than making the record).
_model_of_slug = compiled_records(lambda slug: LanguageModel.objects.for_list().filter(slug=slug))


# What the model page's shared fragments show of a model, as its relations read them
# (the same SQL, so in the same order where it has none), each compiled once per process:
# building and compiling four querysets cost more Python than their few rows.
_MODEL_RELATED = {
    "model_papers": lambda model: model.papers.all(),
    "model_sources": lambda model: model.sources.all(),
    "dataset_links": lambda model: model.modeldataset_set.select_related("dataset"),
}
_model_related = {
    name: compiled_records(lambda pk, make=make: make(LanguageModel(pk=pk)))
    for name, make in _MODEL_RELATED.items()
}
# And its topics, with their Chinese names in the same query (shown as Topics).
_model_tags = compiled_records(
    lambda pk: LanguageModel(pk=pk).tags.select_related("chinese_name").order_by("name")
)


class ModelDetailView(DetailView):
    model = LanguageModel
    template_name = "papers/languagemodel_detail.html"

    def get_object(self, queryset=None):
        # Papers, topics, sources and datasets are read inside the shared fragments
        # that show them (templates/papers/languagemodel_detail.html).
        found = _model_of_slug(self.kwargs[self.slug_url_kwarg])
        if not found:
            raise Http404(
                _("No %(verbose_name)s found matching the query")
                % {"verbose_name": LanguageModel._meta.verbose_name}
            )
        return found[0]

    def get_context_data(self, **kwargs):
        model = self.object
        user = self.request.user
        # What the page reads of the model, in one round trip (read when the first is).
        read_ahead(
            *uncached_reads(
                *([queries.model_shown_to.statement(user, model)] if user.is_authenticated else []),
                _model_tags.statement(model.pk),
                Family.containing_statement(model),
                *(records_of.statement(model.pk) for records_of in _model_related.values()),
            )
        )
        family = SimpleLazyObject(lambda: Family.containing(model))
        language = reading(self.request)["reader_language"]
        shown = queries.model_shown_to(user, model)  # what this member may read here
        return super().get_context_data(
            facts=SimpleLazyObject(lambda: model_facts(model, language)),
            ancestors=SimpleLazyObject(lambda: family.ancestors(model)),
            descendants=SimpleLazyObject(lambda: family.descendants(model)),
            tree_svg=SimpleLazyObject(lambda: charts.family_tree_svg(family, highlight=model)),
            tree_legend=SimpleLazyObject(lambda: charts.legend("tree", current=True)),
            shown={name: refs(SHOWN[name], shown[name]) for name in shown},
            model_topics=lazy_query(lambda: [Topic.of(tag) for tag in _model_tags(model.pk)]),
            # Read only by a fragment missing from the cache (core/fragments.py).
            **{
                name: lazy_query(lambda records_of=records_of: records_of(model.pk))
                for name, records_of in _model_related.items()
            },
            notes=lazy_records(shown["notes"], note_blocks),
            mentions=lazy_records(
                shown["mentions"], lambda pks: Mention.objects.filter(pk__in=pks).for_list()
            ),
            **kwargs,
        )


class DatasetDetailView(DetailView):
    model = Dataset

    def get_queryset(self):
        return Dataset.objects.select_related("organization").prefetch_related(
            "papers",
            "tags",
            "sources",
            Prefetch("evaluation_tasks", EvaluationTask.objects.select_related("ability")),
            "modeldataset_set__model",
        )

    def get_context_data(self, **kwargs):
        mentions = Mention.objects.of(self.object).visible_to(self.request.user).for_list()
        return super().get_context_data(mentions=mentions, **kwargs)


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    return render(
        request,
        "papers/organization_detail.html",
        {
            "organization": organization,
            "papers": queries.paper_rows(request.user, organization.papers.all()),
            "models": organization.models.for_list(),
            "datasets": organization.datasets.all(),
        },
    )


def model_family_read(request):
    """The family trees, marking the models whose papers the member's group has read."""
    return papers_views.model_family(request, read=queries.models_read_by_group(request.user))


def model_timeline_read(request):
    """The timeline, marking the models whose papers the member's group has read."""
    return papers_views.model_timeline(request, read=queries.models_read_by_group(request.user))
