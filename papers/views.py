"""Pages of the knowledge base alone: model table, family trees, timeline, datasets,
taxonomy. Pages that show a record with the group's notes live in reading/."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.generic import ListView

from core.models import as_read, unknown_last

from . import charts
from .models import Ability, Dataset, EvaluationTask, LanguageModel


class ModelListView(ListView):
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
    page = Paginator(charts.Family.all(), FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "papers/model_family.html",
        {
            "page_obj": page,
            "trees": [(family, charts.family_tree_svg(family)) for family in page],
            "legend": charts.legend("tree"),
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


class DatasetListView(ListView):
    model = Dataset

    def get_queryset(self):
        datasets = Dataset.objects.select_related("organization").prefetch_related("tags")
        if (kind := self.request.GET.get("kind")) in Dataset.Kind.values:
            datasets = datasets.filter(kind=kind)
        return datasets.order_by("kind", as_read("name"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=Dataset.Kind.choices, kind=self.request.GET.get("kind", ""), **kwargs
        )


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
