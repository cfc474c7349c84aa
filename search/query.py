"""The one search API: ``search(user, q, kind=None, page=1)``, the same on both databases."""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber

from notes.models import Meeting, Note

from .backends import backend_for, suggest
from .models import Kind, SearchDocument
from .text import highlight, matcher, parse, snippet

PER_PAGE = 20
PER_GROUP = 5
PUBLIC_KINDS = [Kind.PAPER, Kind.MODEL, Kind.DATASET, Kind.GLOSSARY]


@dataclass
class Hit:
    kind: str
    title: str
    subtitle: str
    url: str
    snippet: str


@dataclass
class Group:
    kind: str
    label: str
    count: int
    hits: list = field(default_factory=list)

    @property
    def more(self):
        return self.count > len(self.hits)


@dataclass
class Results:
    query: str
    kind: str | None = None
    corrected: str | None = None
    groups: list = field(default_factory=list)
    page: object = None

    @property
    def total(self):
        return sum(g.count for g in self.groups)


def visible(documents, user):
    """Keep the documents the user may see: notes and meetings by their own rules."""
    return documents.filter(
        Q(kind__in=PUBLIC_KINDS)
        | Q(
            Exists(Note.objects.visible_to(user).filter(pk=OuterRef("object_id"))),
            kind=Kind.NOTE,
        )
        | Q(
            Exists(Meeting.objects.visible_to(user).filter(pk=OuterRef("object_id"))),
            kind=Kind.MEETING,
        )
    )


def matching(user, terms):
    """Return the documents the user may see that match every term."""
    backend = backend_for()
    documents = SearchDocument.objects.all()
    for term in terms:
        documents = documents.filter(backend.match(term))
    return visible(documents, user)


def ranking(terms):
    """Order by title matches (more terms in the title first), then weight and title."""
    backend = backend_for()
    title_hits = sum(
        (
            Case(When(backend.match(t, head_only=True), then=Value(1)), default=Value(0))
            for t in terms
        ),
        start=Value(0),
    )
    return title_hits, [F("title_hits").desc(), F("weight").desc(), F("title").asc(), F("id")]


class _Counted:
    """A queryset whose count is already known, so the paginator does not ask again."""

    def __init__(self, queryset, count):
        self.queryset, self.n = queryset, count

    def count(self):
        return self.n

    def __getitem__(self, key):
        return list(self.queryset[key])


def _hits(documents, regex):
    return [
        Hit(
            kind=d.kind,
            title=highlight(d.title, regex),
            subtitle=highlight(d.subtitle, regex),
            url=d.url,
            snippet=snippet(d.body, regex),
        )
        for d in documents
    ]


def _documents(ids):
    """Return the documents of the ids, in that order (the ranking is done on ids alone:
    carrying every match's body through the sort costs more than fetching a few again)."""
    found = SearchDocument.objects.defer("head", "cjk_bigrams").in_bulk(ids)
    return [found[pk] for pk in ids]


def _run(user, terms, kind, page):
    documents = matching(user, terms)
    title_hits, order = ranking(terms)
    ranked = documents.annotate(title_hits=title_hits)
    regex = matcher(terms)
    page_obj = None
    if kind:
        counts = dict(documents.values_list("kind").annotate(n=Count("id")).order_by())
        groups = {k: Group(k, label, counts.get(k, 0)) for k, label in Kind.choices}
        ids = ranked.filter(kind=kind).order_by(*order).values_list("id", flat=True)
        paginator = Paginator(_Counted(ids, groups[kind].count), PER_PAGE)
        try:
            page_obj = paginator.page(page)
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        page_obj.object_list = _hits(_documents(page_obj.object_list), regex)
        groups[kind].hits = page_obj.object_list
    else:
        # One pass over the matches: each kind's count and its first few, by window.
        top = list(
            ranked.annotate(
                position=Window(RowNumber(), partition_by=[F("kind")], order_by=order),
                n=Window(Count("id"), partition_by=[F("kind")]),
            )
            .filter(position__lte=PER_GROUP)
            .order_by("position", "kind")
            .values_list("id", "kind", "n")
        )
        counts = {k: n for _id, k, n in top}
        groups = {k: Group(k, label, counts.get(k, 0)) for k, label in Kind.choices}
        if top:
            for hit in _hits(_documents([pk for pk, _kind, _n in top]), regex):
                groups[hit.kind].hits.append(hit)
    return list(groups.values()), page_obj


def search(user, q, kind=None, page=1):
    """Search everything the user may see; return results grouped by kind.

    Every term of the query must match: a Chinese term as a substring, any other
    term by its stem (prompting ~ prompt). With ``kind``, one kind's results are
    paginated; without, the first few of each kind are given. A query with no
    result whose English words look misspelt is run again with the nearest indexed
    words, and ``corrected`` says so.
    """
    q = " ".join((q or "").split())[:200]
    results = Results(query=q, kind=kind if kind in Kind.values else None)
    terms = parse(q)
    if not terms:
        return results
    results.groups, results.page = _run(user, terms, results.kind, page)
    if results.total == 0:
        fixed = [
            (suggest(t.text) or t.text)
            if not t.is_cjk and t.text.isalpha() and len(t.text) >= 4
            else t.text
            for t in terms
        ]
        if [f.lower() for f in fixed] != [t.text.lower() for t in terms]:
            results.corrected = " ".join(fixed)
            results.groups, results.page = _run(user, parse(results.corrected), results.kind, page)
    return results
