"""Pages of the knowledge base alone: model table, family trees, timeline, datasets,
taxonomy. Pages that show a record with the group's notes live in reading/."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import ListView

from core.context_processors import reading
from core.language import pick_side
from core.models import as_read, unknown_last
from core.pagination import LazyPaginationMixin

from . import charts, citations
from .models import Ability, Dataset, EvaluationTask, LanguageModel, Paper


class ModelListView(LazyPaginationMixin, ListView):
    model = LanguageModel
    template_name = "papers/languagemodel_list.html"
    paginate_by = 100
    sort_options = {
        "released": [unknown_last("released"), as_read("name")],
        "-released": [unknown_last("released", descending=True), as_read("name")],
        "parameters": [unknown_last("parameters_b"), as_read("name")],
        "-parameters": [unknown_last("parameters_b", descending=True), as_read("name")],
        "name": [as_read("name")],
        "organization": [unknown_last("organization__name"), as_read("name")],
        "open": [unknown_last("open_weights", descending=True), as_read("name")],
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


FAMILIES_PER_PAGE = 10


def model_family(request):
    """Draw the families of models (LLaMA, GPT, BLOOM …) as trees, largest first."""
    # Read and drawn only when the page's shared fragment is not in the cache.
    page = SimpleLazyObject(
        lambda: Paginator(charts.Family.all(), FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    )
    return render(
        request,
        "papers/model_family.html",
        {
            "page_obj": page,
            "trees": SimpleLazyObject(
                lambda: [(family, charts.family_tree_svg(family)) for family in page]
            ),
            "legend": SimpleLazyObject(lambda: charts.legend("tree")),
        },
    )


def model_timeline(request):
    """Plot release month against parameter count, open and closed models apart."""
    models = LanguageModel.objects.for_list().exclude(released=None).exclude(parameters_b=None)
    return render(
        request,
        "papers/model_timeline.html",
        {"timeline_svg": charts.timeline_svg(models), "legend": charts.legend("timeline")},
    )


@dataclass
class DatasetGroup:
    """The datasets of one kind on a page of the dataset list, and the columns that hold
    something for them (a column empty for every row of the group is left out)."""

    kind: str
    label: str
    total: int  # datasets of this kind in the whole list, not only on this page
    datasets: list
    columns: dict


DATASET_COLUMNS = ["size", "languages", "organization", "tasks", "description"]


def _dataset_columns(datasets):
    def holds(dataset, column):
        if column == "tasks":
            return bool(dataset.evaluation_tasks.all())
        if column == "description":
            return bool(dataset.description_zh or dataset.description_en)
        return bool(getattr(dataset, column if column != "organization" else "organization_id"))

    return {column: any(holds(d, column) for d in datasets) for column in DATASET_COLUMNS}


def _mark_repeated_descriptions(datasets, language):
    """A description several datasets share (one paper's summary copied to each dataset it
    names) is shown once: the later ones get ``same_description_as`` the first."""
    first = {}
    for dataset in datasets:
        text = pick_side(dataset, "description", language)[1]
        earlier = first.setdefault(text, dataset) if text else dataset
        dataset.same_description_as = None if earlier is dataset else earlier


class DatasetListView(ListView):
    """Datasets grouped by kind (pre-training corpora, instruction data, benchmarks …),
    with a filter by kind and a count of each, a page at a time."""

    model = Dataset
    paginate_by = 50

    def kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Dataset.Kind.values else ""

    @cached_property
    def kind_counts(self):
        """Return {kind: how many datasets of that kind}, over the whole list."""
        rows = Dataset.objects.order_by().values("kind").annotate(n=Count("pk"))
        return {row["kind"]: row["n"] for row in rows}

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The counts by kind give the number of rows: no COUNT query of the paginator's own.
        kind = self.kind()
        paginator.count = self.kind_counts.get(kind, 0) if kind else sum(self.kind_counts.values())
        return paginator

    def get_queryset(self):
        datasets = Dataset.objects.select_related("organization").prefetch_related(
            Prefetch("evaluation_tasks", EvaluationTask.objects.order_by("position", "name"))
        )
        if kind := self.kind():
            datasets = datasets.filter(kind=kind)
        # The kinds in the order Dataset.Kind declares them, then names as read.
        kind_order = Case(
            *(When(kind=value, then=Value(i)) for i, value in enumerate(Dataset.Kind.values)),
            default=Value(len(Dataset.Kind.values)),
            output_field=IntegerField(),
        )
        return datasets.order_by(kind_order, as_read("name"), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.kind_counts
        groups = []
        for dataset in context["object_list"]:
            if not groups or groups[-1].kind != dataset.kind:
                total = counts.get(dataset.kind, 0)
                groups.append(DatasetGroup(dataset.kind, dataset.get_kind_display(), total, [], {}))
            groups[-1].datasets.append(dataset)
        language = reading(self.request)["reader_language"]
        for group in groups:
            group.columns = _dataset_columns(group.datasets)
            _mark_repeated_descriptions(group.datasets, language)
        kind = self.kind()
        context.update(
            kind=kind,
            kinds=[(value, label, counts.get(value, 0)) for value, label in Dataset.Kind.choices],
            total=sum(counts.values()),
            groups=groups,
            querystring=f"kind={kind}" if kind else "",
        )
        return context


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


def paper_citation(request, slug, export_format):
    """One paper's BibTeX or CSL-JSON."""
    paper = get_object_or_404(Paper, slug=slug)
    return citations.citation_response([paper], export_format, paper.citation_key or paper.slug)
