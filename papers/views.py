from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from core import pagecache
from notes.models import Mention, Note, ReadingListItem

from . import charts
from .models import (
    Ability,
    Dataset,
    EvaluationTask,
    LanguageModel,
    Organization,
    Paper,
    TaggedPaper,
)

FILTER_CHOICES_TTL = 24 * 3600  # seconds; any change to the content starts afresh anyway


def paper_filter_choices():
    """Return the topics, organisations and years the paper filters offer, cached until
    the content changes (each is a scan of the library: too costly for every list view)."""

    def compute():
        return {
            "topics": list(
                Tag.objects.filter(Exists(TaggedPaper.objects.filter(tag=OuterRef("pk"))))
            ),
            "organizations": list(
                Organization.objects.filter(
                    Exists(Paper.organizations.through.objects.filter(organization=OuterRef("pk")))
                )
            ),
            "years": list(
                Paper.objects.exclude(year=None)
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            ),
        }

    key = f"papers:filter-choices:{pagecache.generation()}"
    return cache.get_or_set(key, compute, FILTER_CHOICES_TTL)


class PaperListView(ListView):
    model = Paper
    paginate_by = 25
    sort_options = {
        "newest": (_("newest first"), ["-year", "-month", "title_en"]),
        "oldest": (_("oldest first"), ["year", "month", "title_en"]),
        "title": (_("title"), ["title_en", "title_zh"]),
        "notes": (_("most notes"), ["-note_count", "title_en"]),
    }

    def get_queryset(self):
        params = self.request.GET
        papers = Paper.objects.for_list(self.request.user)
        if topic := params.get("topic"):
            papers = papers.filter(tags__slug=topic)
        if org := params.get("org"):
            papers = papers.filter(organizations__slug=org)
        if (year := params.get("year", "")).isascii() and year.isdigit():
            papers = papers.filter(year=int(year))
        if params.get("has_notes") == "1":
            papers = papers.with_notes_visible_to(self.request.user)
        if params.get("presented") == "1":
            papers = papers.presented_to(self.request.user)
        if q := params.get("q", "").strip():
            papers = papers.filter(
                Q(title_en__icontains=q) | Q(title_zh__icontains=q) | Q(arxiv_id__icontains=q)
            )
        sort = params.get("sort", "newest")
        return papers.order_by(*self.sort_options.get(sort, self.sort_options["newest"])[1])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            **paper_filter_choices(),
            sort_options=[(key, label) for key, (label, _order) in self.sort_options.items()],
            querystring=params.urlencode(),
            filters=self.request.GET,
        )
        return context


class PaperDetailView(DetailView):
    model = Paper

    def get_queryset(self):
        return Paper.objects.prefetch_related("organizations", "tags", "sources")

    def get_context_data(self, **kwargs):
        user = self.request.user
        paper = self.object
        return super().get_context_data(
            notes=Note.objects.visible_to(user).filter(paper=paper).for_list(),
            meetings=paper.meetings_seen_by(user).select_related("group", "paper"),
            mentions=Mention.objects.of(paper).visible_to(user).for_list(),
            list_items=ReadingListItem.objects.filter(paper=paper).select_related("reading_list"),
            related=paper.related_records(),
            **kwargs,
        )


class ModelListView(ListView):
    model = LanguageModel
    template_name = "papers/languagemodel_list.html"
    paginate_by = 100
    sort_options = {
        "released": ["released", "name"],
        "-released": ["-released", "name"],
        "parameters": ["parameters_b", "name"],
        "-parameters": ["-parameters_b", "name"],
        "name": ["name"],
        "organization": ["organization__name", "name"],
        "open": ["-open_weights", "name"],
    }

    def get_queryset(self):
        models = LanguageModel.objects.for_list()
        if (open_weights := self.request.GET.get("open")) in {"1", "0"}:
            models = models.filter(open_weights=open_weights == "1")
        sort = self.request.GET.get("sort", "released")
        return models.order_by(*self.sort_options.get(sort, self.sort_options["released"]))

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            sort=self.request.GET.get("sort", "released"), querystring=params.urlencode(), **kwargs
        )


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
            ancestors=family.ancestors(model),
            descendants=family.descendants(model),
            tree_svg=charts.family_tree_svg(family, highlight=model),
            notes=Note.objects.visible_to(self.request.user)
            .filter(language_model=model)
            .for_list(),
            mentions=Mention.objects.of(model).visible_to(self.request.user).for_list(),
            **kwargs,
        )


FAMILIES_PER_PAGE = 10


def model_family(request):
    """Draw the families of models (LLaMA, GPT, BLOOM …) as trees, largest first."""
    page = Paginator(charts.Family.all(), FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "papers/model_family.html",
        {
            "page_obj": page,
            "trees": [(family, charts.family_tree_svg(family)) for family in page],
        },
    )


def model_timeline(request):
    """Plot release month against parameter count, open and closed models apart."""
    models = LanguageModel.objects.for_list().exclude(released=None).exclude(parameters_b=None)
    return render(
        request, "papers/model_timeline.html", {"timeline_svg": charts.timeline_svg(models)}
    )


class DatasetListView(ListView):
    model = Dataset

    def get_queryset(self):
        datasets = Dataset.objects.select_related("organization").prefetch_related("tags")
        if (kind := self.request.GET.get("kind")) in Dataset.Kind.values:
            datasets = datasets.filter(kind=kind)
        return datasets.order_by("kind", "name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=Dataset.Kind.choices, kind=self.request.GET.get("kind", ""), **kwargs
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


def taxonomy(request):
    """The evaluation taxonomy: level → ability → task → benchmarks."""
    abilities = Ability.objects.prefetch_related(
        Prefetch("tasks", EvaluationTask.objects.prefetch_related("benchmarks"))
    )
    levels = [
        (label, [a for a in abilities if a.level == value])
        for value, label in Ability.Level.choices
    ]
    return render(request, "papers/taxonomy.html", {"levels": levels})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    return render(
        request,
        "papers/organization_detail.html",
        {
            "organization": organization,
            "papers": organization.papers.for_list(request.user),
            "models": organization.models.for_list(),
            "datasets": organization.datasets.all(),
        },
    )
