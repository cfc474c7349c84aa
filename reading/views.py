"""Pages that show the knowledge base together with what the group writes: the home
page, the paper list with its note counts and filters, and the pages of papers,
models, datasets and organisations with their notes, meetings and mentions."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core.context_processors import reading
from notes import activity, discussion, progress
from notes.models import (
    Comment,
    Meeting,
    Mention,
    Note,
    ReadingGroup,
    ReadingListItem,
    Visit,
)
from papers import charts, citations
from papers import views as papers_views
from papers.citations import citation_response
from papers.facts import model_facts
from papers.filters import paper_filter_choices
from papers.models import Dataset, EvaluationTask, LanguageModel, Organization, Paper

from . import queries

NEW_ITEMS = 8


def home(request):
    """What a member opens on a Monday: the next meeting (who presents what, what to read
    before), what changed since their last visit, their groups."""
    user = request.user
    since = Visit.record(user)
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
    return render(
        request,
        "home.html",
        {
            "since": since,
            "next_meeting": upcoming[0] if upcoming else None,
            "later_meeting": upcoming[1] if len(upcoming) > 1 else None,
            # Read only when nothing is planned (the template asks for it then).
            "last_meetings": meetings.filter(date__lt=today).order_by("-date", "-number")[:1],
            "groups": ReadingGroup.objects.of(user).with_member_counts(),
            "new_notes": notes.order_by("-updated")[:NEW_ITEMS],
            "new_papers": papers.order_by("-created")[:NEW_ITEMS],
            "activity": activity.recent(user, since=since),
            "today": today,
        },
    )


READ_OPTIONS = [
    ("me", _("read by me")),
    ("group", _("read by my group")),
    ("nobody", _("nobody in my group has read")),
]


class PaperListView(ListView):
    model = Paper
    paginate_by = 25
    sort_options = queries.PAPER_SORTS

    def get_queryset(self):
        return queries.paper_list(self.request.user, self.request.GET)

    def get(self, request, *args, **kwargs):
        """The list as shown, or, with ?format=bibtex or csl-json, all its papers cited."""
        export_format = request.GET.get("format")
        if export_format:
            exported = citation_response(self.get_queryset(), export_format, "papers")
            if exported is not None:
                return exported
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            **paper_filter_choices(),
            sort_options=[(key, label) for key, (label, _order) in self.sort_options.items()],
            querystring=params.urlencode(),
            filters=self.request.GET,
            read_options=READ_OPTIONS,
        )
        return context


class PaperDetailView(DetailView):
    model = Paper

    def get_queryset(self):
        return Paper.objects.prefetch_related("organizations", "tags", "sources")

    def get_context_data(self, **kwargs):
        user = self.request.user
        paper = self.object
        mine, readers = progress.readers(user, paper)
        return super().get_context_data(
            my_status=mine.status if mine else "",
            my_status_changed=mine.changed if mine else None,
            readers=readers,
            discussions=paper_discussions(user, paper),
            notes=Note.objects.visible_to(user).filter(paper=paper).for_list(),
            meetings=Meeting.objects.visible_to(user).about(paper).select_related("group", "paper"),
            mentions=Mention.objects.of(paper).visible_to(user).for_list(),
            list_items=ReadingListItem.objects.filter(paper=paper).select_related("reading_list"),
            related=queries.related_records(paper),
            bibtex=citations.to_bibtex([paper]),
            **kwargs,
        )


def paper_discussions(user, paper):
    """Return the paper's discussion in each of the user's groups: (group, threads, count)
    rows. Another group's discussion is never read, not even counted."""
    groups = list(ReadingGroup.objects.of(user))
    comments = (
        Comment.objects.visible_to(user)
        .filter(paper=paper, group__in=[g.pk for g in groups])
        .for_thread()
    )
    by_group = {g.pk: [] for g in groups}
    for comment in comments:
        by_group[comment.group_id].append(comment)
    found = []
    for group in groups:
        threads = discussion.threads(by_group[group.pk], user)
        found.append((group, threads, discussion.count(threads)))
    return found


class ModelDetailView(DetailView):
    model = LanguageModel
    template_name = "papers/languagemodel_detail.html"

    def get_queryset(self):
        return LanguageModel.objects.for_list().prefetch_related(
            "papers", "tags", "sources", "modeldataset_set__dataset"
        )

    def get_context_data(self, **kwargs):
        model = self.object
        family = charts.Family.containing(model)
        return super().get_context_data(
            facts=model_facts(model, reading(self.request)["reader_language"]),
            ancestors=family.ancestors(model),
            descendants=family.descendants(model),
            tree_svg=charts.family_tree_svg(family, highlight=model),
            tree_legend=charts.legend("tree", current=True),
            notes=Note.objects.visible_to(self.request.user)
            .filter(language_model=model)
            .for_list(),
            mentions=Mention.objects.of(model).visible_to(self.request.user).for_list(),
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
