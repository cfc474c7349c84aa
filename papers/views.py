"""Pages of the knowledge base alone: model table, family trees, timeline, datasets,
taxonomy, adding papers. Pages that show a record with the group's notes live in reading/."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import ListView

from core.compiled import read_ahead
from core.context_processors import reading
from core.language import pick_side
from core.models import as_read, unknown_last
from core.pagination import ForgivingPaginationMixin, LazyPaginationMixin

from . import charts, citations
from .families import Family
from .filters import Choices, unknown_choices
from .forms import AddPapersForm
from .importing import plan as importing
from .models import Ability, Dataset, EvaluationTask, LanguageModel, Paper
from .tables import ModelTable


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

    # Each order's name, as the notice of an unknown one offers those named alike.
    sort_labels = {
        "released": gettext_lazy("release date, earliest first"),
        "-released": gettext_lazy("release date, latest first"),
        "parameters": gettext_lazy("parameters, fewest first"),
        "-parameters": gettext_lazy("parameters, most first"),
        "name": gettext_lazy("name"),
        "organization": gettext_lazy("organization"),
        "open": gettext_lazy("open weights first"),
    }

    @cached_property
    def sort(self):
        """The order asked for, or the default (by release date) for none or one unknown."""
        sort = self.request.GET.get("sort", "")
        return sort if sort in self.sort_options else "released"

    @cached_property
    def openness(self):
        """The openness shown: "1" (open weights only), "0" (closed only) or "" (every
        model: none asked, or one unknown); the table's headers keep it as they sort."""
        open_weights = self.request.GET.get("open")
        return open_weights if open_weights in {"1", "0"} else ""

    def get_queryset(self):
        return ModelTable(tuple(self.sort_options[self.sort]), self.openness)

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            sort=self.sort,
            openness=self.openness,
            querystring=params.urlencode(),
            # An order or an openness of the address that the table has not (an old
            # link's, a hand-written one): said, with what is shown instead.
            unknown_filters=unknown_choices(
                params,
                {
                    "sort": Choices(
                        list(self.sort_labels.items()),
                        _(
                            "No sort order is called “%(value)s”: sorted by release date "
                            "instead, earliest first."
                        ),
                        ignored=True,
                    ),
                    "open": Choices(
                        [("1", _("open weights only")), ("0", _("closed only"))],
                        _("“%(value)s” is neither open nor closed weights: every model is shown."),
                        ignored=True,
                    ),
                },
            ),
            **kwargs,
        )


FAMILIES_PER_PAGE = 10


def marks_key(read):
    """Return a short text naming a set of marked model ids ("" for no marking), for the
    key of a shared fragment that draws them."""
    if read is None:
        return ""
    return hashlib.sha256(",".join(map(str, sorted(read))).encode()).hexdigest()[:16]


def model_family(request, read=None):
    """Draw the families of models (LLaMA, GPT, BLOOM …) as trees, largest first. ``read``
    (ids of models, given by the reading pages above this app) marks what the reader's
    group has read."""
    marked = read or frozenset()
    number = request.GET.get("page")

    def families():
        families = Family.all(FAMILIES_PER_PAGE)
        read_ahead(*families.page_statements(number))
        return Paginator(families, FAMILIES_PER_PAGE).get_page(number)

    # Read and drawn only when the page's shared fragment is not in the cache.
    page = SimpleLazyObject(families)
    return render(
        request,
        "papers/model_family.html",
        {
            "page_obj": page,
            "trees": SimpleLazyObject(
                lambda: list(zip(page, charts.family_tree_svgs(page, read=marked), strict=True))
            ),
            "legend": SimpleLazyObject(lambda: charts.legend("tree", read=read is not None)),
            "showing_read": read is not None,
            "read_count": len(marked),
            # The marks differ between groups: the shared drawing is kept per set of marks.
            "read_key": marks_key(read),
        },
    )


def model_timeline(request, read=None):
    """Plot release month against parameter count, open and closed models apart;
    ``read`` as for model_family."""
    models = LanguageModel.objects.for_list().exclude(released=None).exclude(parameters_b=None)
    return render(
        request,
        "papers/model_timeline.html",
        {
            "timeline_svg": charts.timeline_svg(models, read=read or frozenset()),
            "legend": charts.legend("timeline", read=read is not None),
            "showing_read": read is not None,
            "read_count": len(read or ()),
        },
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


class DatasetListView(ForgivingPaginationMixin, ListView):
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
            # A kind of the address (an old link's) that is none: said, and every kind shown.
            unknown_filters=unknown_choices(
                self.request.GET,
                {
                    "kind": Choices(
                        Dataset.Kind.choices,
                        _("No kind of dataset is called “%(value)s”: every kind is shown."),
                        ignored=True,
                    )
                },
            ),
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


def add_papers(request):
    """Add papers by arXiv ID or link, DOI or BibTeX: a preview first (new, already in the
    library, or invalid, one row per entry), then the chosen new ones saved together.
    ``?entries=…`` fills the form in (the admin's paper form links here with an ID)."""
    form = AddPapersForm(
        request.POST or None,
        request.FILES or None,
        initial={"entries": request.GET.get("entries", "")},
    )
    plan, plan_data = None, ""
    if request.method == "POST" and "confirm" in request.POST:
        try:
            plan = importing.Plan.loads(request.POST.get("plan", ""))
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            messages.error(request, _("This preview is too old or was altered; preview again."))
            form = AddPapersForm(initial={"entries": request.POST.get("entries", "")})
        else:
            chosen = {
                int(i)
                for i in request.POST.getlist("chosen")
                if i.isascii() and i.isdigit() and len(i) <= 6  # an entry's number in the plan
            }
            # A chosen paper that is in the library now came in since the preview (another
            # tab, another member): save() names it, rather than "choose one".
            if not plan.picked(chosen):
                messages.warning(request, _("Choose at least one new paper to add."))
            else:
                try:
                    added = importing.save(plan, request.user, chosen)
                except importing.Conflict as conflict:
                    plan = importing.Plan.loads(request.POST["plan"])
                    messages.error(
                        request,
                        _(
                            "Nothing was added: meanwhile %(entries)s came into the library. "
                            "Check the preview again."
                        )
                        % {"entries": ", ".join(conflict.args[0])},
                    )
                else:
                    request.session["papers_added"] = [paper.pk for paper in added]
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d paper added to the library.",
                            "%(count)d papers added to the library.",
                            len(added),
                        )
                        % {"count": len(added)},
                    )
                    return redirect("papers:add")
        form = AddPapersForm(initial={"entries": request.POST.get("entries", "")})
    elif request.method == "POST" and form.is_valid():
        plan = importing.build(form.cleaned_data["entries"], form.cleaned_data["bibfile"])
        for error in plan.errors:
            messages.error(request, error)
        if note := form.encoding_note():
            messages.warning(request, note)
    if plan is not None:
        plan_data = plan.dumps()
        if plan.waited >= 0.5:
            messages.info(
                request,
                _(
                    "Your request waited %(seconds)s seconds for its turn at arXiv, which "
                    "allows this site one request every %(interval)s seconds."
                )
                % {
                    "seconds": f"{plan.waited:.1f}",
                    "interval": f"{settings.ARXIV_MIN_INTERVAL:g}",
                },
            )
    added_pks = request.session.pop("papers_added", []) if request.method == "GET" else []
    return render(
        request,
        "papers/paper_add.html",
        {
            "form": form,
            "plan": plan,
            "plan_data": plan_data,
            "added": Paper.objects.filter(pk__in=added_pks).order_by("title_en"),
        },
    )
