"""The knowledge base through the API: papers, organisations, models and their families,
datasets, the evaluation taxonomy, the glossary and reading lists. Each reads through
the querysets the site's pages use (``reading.queries`` for what joins the members'
notes and meetings) and offers the filters the site's lists offer."""

from typing import Literal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from notes.models import GlossaryTerm, ReadingList, ReadingListItem
from papers.citations import citation_response
from papers.families import Family
from papers.forms import MAX_PASTE_CHARS, AddPapersForm
from papers.importing import plan as importing
from papers.models import (
    FIRST_YEAR,
    Ability,
    Dataset,
    EvaluationTask,
    LanguageModel,
    Organization,
    latest_year,
)
from reading import queries

from . import schemas
from .auth import require_write
from .filters import check_model_filters, check_paper_filters
from .paging import PageQuery, paginate

router = Router(tags=["library"])
# Registered before ``router``: /papers/add must not be read as the paper "add" (a slug
# the importer never gives).
adding = Router(tags=["library"])

CITED = {
    200: schemas.page_of(schemas.PaperOut),
}
CITE_FORMATS = {
    "application/x-bibtex": {"schema": {"type": "string"}},
    "application/vnd.citationstyles.csl+json": {"schema": {"type": "array", "items": {}}},
}
Format = Literal["json", "bibtex", "csl-json"]


def _cited(papers, export_format, filename):
    if export_format in {"bibtex", "csl-json"}:
        return citation_response(papers, export_format, filename)
    return None


class PaperFilters(Schema):
    topic: str | None = Field(None, description="A topic's slug.")
    org: str | None = Field(None, description="An organisation's slug.")
    year: int | None = Field(
        None, ge=FIRST_YEAR, description=f"A year from {FIRST_YEAR} to next year."
    )
    has_notes: bool = Field(False, description="Only papers with notes the caller may read.")
    presented: bool = Field(False, description="Only papers of the caller's groups' meetings.")
    q: str | None = Field(None, max_length=200, description="Words of the title, or an arXiv ID.")
    sort: Literal["newest", "oldest", "title", "notes"] = "newest"
    format: Format = Field("json", description="bibtex or csl-json: every paper listed, cited.")

    @field_validator("year")
    @classmethod
    def no_later_than_next_year(cls, year):
        """A year no paper may have is bad input (422), as one below the first: the
        site's list shows every year for it and says so, the API said nothing."""
        latest = latest_year()
        if year is not None and year > latest:
            raise PydanticCustomError(
                "less_than_equal", "Input should be less than or equal to {le}", {"le": latest}
            )
        return year


@router.get(
    "/papers",
    response={200: schemas.page_of(schemas.PaperOut), 400: schemas.UnknownValue},
    summary="List papers",
    openapi_extra={"responses": {200: {"content": CITE_FORMATS}}},
)
def list_papers(request, filters: Query[PaperFilters], paging: PageQuery):
    """The paper list as the site filters and sorts it, with the caller's note and
    meeting counts; ``format=bibtex`` or ``csl-json`` cites every paper it lists.
    A ``topic`` or ``org`` that nothing is called is answered with 400, naming the
    parameter, its value and the values most like it (``alike``); one that no paper
    has, with an empty list."""
    check_paper_filters(filters, request.user)
    papers = queries.paper_list(request.user, filters.dict())
    if exported := _cited(papers, filters.format, "papers"):
        return exported
    return paginate(request, papers, paging, "papers")


@router.get(
    "/papers/{slug}",
    response=schemas.PaperOut,
    summary="Get a paper",
    openapi_extra={"responses": {200: {"content": CITE_FORMATS}}},
)
def get_paper(request, slug: str, format: Format = "json"):
    """One paper; ``format=bibtex`` or ``csl-json`` cites it."""
    paper = get_object_or_404(queries.paper_rows(request.user), slug=slug)
    return _cited([paper], format, paper.slug) or paper


@router.get(
    "/organizations",
    response=schemas.page_of(schemas.OrganizationOut),
    summary="List organisations",
)
def list_organizations(request, paging: PageQuery):
    return paginate(request, Organization.objects.order_by("name", "id"), paging, "organizations")


@router.get(
    "/organizations/{slug}", response=schemas.OrganizationOut, summary="Get an organisation"
)
def get_organization(request, slug: str):
    return get_object_or_404(Organization, slug=slug)


class ModelFilters(Schema):
    open: bool | None = Field(None, description="Only models with (or without) open weights.")
    organization: str | None = Field(None, description="An organisation's slug.")
    family: str | None = Field(None, description="The slug of a family's root model.")
    sort: Literal[
        "released", "-released", "parameters", "-parameters", "name", "organization", "open"
    ] = "released"


@router.get(
    "/models",
    response={200: schemas.page_of(schemas.ModelOut), 400: schemas.UnknownValue},
    summary="List language models",
)
def list_models(request, filters: Query[ModelFilters], paging: PageQuery):
    """The model table's rows, filtered and sorted as on the site. An ``organization``
    or ``family`` that nothing is called is answered with 400, naming the parameter, its
    value and the values most like it (``alike``); one with no model, with an empty list."""
    from papers.views import ModelListView

    check_model_filters(filters)

    models = LanguageModel.objects.for_list().select_related("family_root")
    if filters.open is not None:
        models = models.filter(open_weights=filters.open)
    if filters.organization:
        models = models.filter(organization__slug=filters.organization)
    if filters.family:
        root = LanguageModel.objects.filter(slug=filters.family).values("pk")
        models = models.filter(pk__in=root) | models.filter(family_root__in=root)
    order = ModelListView.sort_options[filters.sort]
    return paginate(request, models.order_by(*order, "id"), paging, "models")


@router.get("/models/{slug}", response=schemas.ModelDetailOut, summary="Get a language model")
def get_model(request, slug: str):
    models = (
        LanguageModel.objects.for_list()
        .select_related("family_root")
        .prefetch_related("papers", "tags", "modeldataset_set__dataset")
    )
    return get_object_or_404(models, slug=slug)


@router.get("/models/{slug}/family", response=schemas.FamilyOut, summary="Get a model's family")
def get_family(request, slug: str):
    """Every model of the family the model belongs to, from its root down, each with its
    base model and its relation to it (fine-tuning, LoRA …)."""
    model = get_object_or_404(LanguageModel, slug=slug)
    family = Family.containing(model)
    members, queue = [], [family.root]
    while queue:
        node = queue.pop(0)
        members.append(node)
        queue.extend(family.kids(node))
    slugs = {m.pk: m.slug for m in members}
    return {
        "root": family.root.slug,
        "models": [
            {
                "slug": m.slug,
                "name": m.name,
                "base_model": slugs.get(m.base_model_id),
                "relation": m.relation,
                "released": m.released,
            }
            for m in members
        ],
    }


class DatasetFilters(Schema):
    kind: Literal["pretraining", "instruction", "benchmark", "other"] | None = None


def _datasets():
    return Dataset.objects.select_related("organization").prefetch_related("papers", "tags")


@router.get("/datasets", response=schemas.page_of(schemas.DatasetOut), summary="List datasets")
def list_datasets(request, filters: Query[DatasetFilters], paging: PageQuery):
    datasets = _datasets()
    if filters.kind:
        datasets = datasets.filter(kind=filters.kind)
    return paginate(request, datasets.order_by("name", "id"), paging, "datasets")


@router.get("/datasets/{slug}", response=schemas.DatasetOut, summary="Get a dataset")
def get_dataset(request, slug: str):
    return get_object_or_404(_datasets(), slug=slug)


@router.get("/taxonomy", response=list[schemas.AbilityOut], summary="Get the evaluation taxonomy")
def get_taxonomy(request):
    """Level → ability → task → benchmarks, as the survey's table has them."""
    return list(
        Ability.objects.prefetch_related(
            Prefetch("tasks", EvaluationTask.objects.prefetch_related("benchmarks"))
        )
    )


@router.get(
    "/glossary", response=schemas.page_of(schemas.GlossaryTermOut), summary="List glossary terms"
)
def list_glossary(request, paging: PageQuery):
    terms = GlossaryTerm.objects.prefetch_related("papers").order_by("title_en", "title_zh", "id")
    return paginate(request, terms, paging, "glossary")


@router.get("/glossary/{slug}", response=schemas.GlossaryTermOut, summary="Get a glossary term")
def get_glossary_term(request, slug: str):
    return get_object_or_404(GlossaryTerm.objects.prefetch_related("papers"), slug=slug)


@router.get(
    "/reading-lists",
    response=schemas.page_of(schemas.ReadingListOut),
    summary="List reading lists",
)
def list_reading_lists(request, paging: PageQuery):
    lists = ReadingList.objects.select_related("group").order_by("title_en", "title_zh", "id")
    return paginate(request, lists, paging, "reading-lists")


@router.get(
    "/reading-lists/{slug}",
    response=schemas.ReadingListDetailOut,
    summary="Get a reading list",
    openapi_extra={"responses": {200: {"content": CITE_FORMATS}}},
)
def get_reading_list(request, slug: str, format: Format = "json"):
    """A reading list with its papers in order; ``format=bibtex`` or ``csl-json`` cites them."""
    reading_list = get_object_or_404(
        ReadingList.objects.select_related("group").prefetch_related(
            Prefetch("items", ReadingListItem.objects.select_related("paper"))
        ),
        slug=slug,
    )
    papers = [item.paper for item in reading_list.items.all()]
    return _cited(papers, format, reading_list.slug) or reading_list


# --- Adding papers ----------------------------------------------------------------------


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    entries: str = Field(
        max_length=MAX_PASTE_CHARS,
        description="arXiv IDs or links, DOIs (one per line or space apart), or BibTeX.",
    )
    dry_run: bool = Field(False, description="Only preview: look the entries up, add nothing.")


class CandidateOut(Schema):
    index: int
    entry: str
    kind: str = Field(description="arxiv, doi, bibtex, or empty when not recognised.")
    status: str = Field(description="new, existing, invalid or repeat.")
    reason: str
    title: str
    authors: list[str]
    year: int | None
    arxiv_id: str
    doi: str
    existing: str | None = Field(description="The slug of the paper already in the library.")
    changes: list[list[str]] = Field(
        description="For a paper already in the library: [field, in the library, found]."
    )
    notes: list[str] = Field(
        description="What was left out: values the library refuses (a year 9999, a DOI "
        "that is none), keywords beyond the first 20; and a key an earlier entry has."
    )


class ImportOut(Schema):
    dry_run: bool
    errors: list[str]
    waited: float = Field(description="Seconds spent waiting for arXiv's turn.")
    candidates: list[CandidateOut]
    added: list[schemas.PaperOut]


def _candidate(index, candidate):
    record = candidate.record
    return {
        "index": index,
        "entry": candidate.entry,
        "kind": candidate.kind,
        "status": candidate.status,
        "reason": str(candidate.reason or ""),
        "title": record.title if record else "",
        "authors": list(record.authors) if record else [],
        "year": record.year if record else None,
        "arxiv_id": record.arxiv_id if record else "",
        "doi": record.doi if record else "",
        "existing": candidate.existing.slug if candidate.existing else None,
        "changes": [[str(label), str(old), str(new)] for label, old, new in candidate.changes],
        "notes": [str(note) for note in candidate.notes],
    }


@adding.post(
    "/papers/add",
    response={
        200: ImportOut,
        201: ImportOut,
        403: schemas.Error,
        409: schemas.Error,
        413: schemas.Error,
        422: schemas.ValidationErrors,
    },
    summary="Add papers by arXiv ID, DOI or BibTeX",
)
def import_papers(request, payload: ImportIn):
    """Look the entries up (arXiv, doi.org, or the BibTeX itself) as the site's "Add
    papers" page does, and add the new ones in one transaction (201). With
    ``dry_run`` only the preview is answered (200): what is new, already in the library
    (with what would differ), repeated or invalid, and why."""
    require_write(request)
    form = AddPapersForm({"entries": payload.entries})
    if not form.is_valid():
        from .groups import ValidationFailed, _field_errors

        raise ValidationFailed(_field_errors(form))
    plan = importing.build(form.cleaned_data["entries"])
    answer = {
        "dry_run": payload.dry_run,
        "errors": [str(error) for error in plan.errors],
        "waited": plan.waited,
        "candidates": [_candidate(i, c) for i, c in enumerate(plan.candidates)],
        "added": [],
    }
    if payload.dry_run or not plan.new:
        return Status(200, answer)
    try:
        added = importing.save(plan, request.user)
    except importing.Conflict as conflict:
        raise HttpError(
            409,
            _("Nothing was added: meanwhile %(entries)s came into the library.")
            % {"entries": ", ".join(conflict.args[0])},
        ) from conflict
    answer["added"] = list(queries.paper_rows(request.user).filter(pk__in=[p.pk for p in added]))
    return Status(201, answer)
