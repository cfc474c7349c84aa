"""The one search API: ``search(user, q, kind=None, page=1)``, the same on both databases."""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Value, When, Window
from django.db.models.functions import RowNumber

from notes.models import Meeting, Note

from .backends import backend_for, suggest
from .models import Kind, SearchDocument
from .text import highlight, matcher, parse, snippet

PER_PAGE = 20
PER_GROUP = 5
# Each kind's matches are counted and ranked up to this many; beyond, "1000+".
CAP = 1000


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
    found: int  # matches read, up to CAP + 1
    hits: list = field(default_factory=list)

    @property
    def count(self):
        return min(self.found, CAP)

    @property
    def capped(self):
        """True when more than CAP match: the count is shown as "1000+"."""
        return self.found > CAP

    @property
    def count_text(self):
        return f"{self.count}+" if self.capped else str(self.count)

    @property
    def more(self):
        return self.capped or self.count > len(self.hits)


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

    @property
    def capped(self):
        return any(g.capped for g in self.groups)


def visible(documents, user, kind):
    """Keep the documents of one kind the user may see: notes and meetings by their own rules."""
    model = {Kind.NOTE: Note, Kind.MEETING: Meeting}.get(kind)
    if model is None:
        return documents
    return documents.filter(Exists(model.objects.visible_to(user).filter(pk=OuterRef("object_id"))))


def matching(user, terms, kind):
    """Return the documents of one kind that the user may see and that match every term."""
    backend = backend_for()
    documents = SearchDocument.objects.filter(kind=kind)
    for term in terms:
        documents = documents.filter(backend.match(term))
    return visible(documents, user, kind)


def title_hits(terms):
    """Return how many of the terms match a document's title text."""
    backend = backend_for()
    return sum(
        (
            Case(When(backend.match(t, head_only=True), then=Value(1)), default=Value(0))
            for t in terms
        ),
        start=Value(0),
    )


def _ranked(user, terms, kinds, each, page_kind="", first=0, last=0):
    """Return (id, kind, found, position) rows: each kind's first ``each`` matches, and
    those of ``page_kind`` at positions ``first`` to ``last``.

    Each kind is read up to ``CAP + 1`` matches (``found`` is how many, so more than CAP
    means "more than CAP"); those are ranked by title matches (more terms in the title
    first), weight and title. Reading stops at the cap, so a common word costs no more
    than a thousand rows per kind, however large the library.
    """
    parts, params = [], []
    for kind in kinds:
        # Numbered rather than LIMITed: under a LIMIT the planner bets on finding the
        # first matches early by reading the table in order and testing each row, and
        # loses when the matches lie together; numbered, it plans with the indexes and
        # still stops at the cap (PostgreSQL's window "run condition").
        candidates = (
            matching(user, terms, kind)
            .annotate(title_hits=title_hits(terms), number=Window(RowNumber()))
            .filter(number__lte=CAP + 1)
            .values_list("id", "kind", "title_hits", "weight", "title")
            .order_by()
        )
        sql, part_params = candidates.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS c{len(parts)}")
        params.extend(part_params)
    ranked = (
        "SELECT id, kind, found, position FROM ("
        "SELECT id, kind, COUNT(*) OVER (PARTITION BY kind) AS found, "
        "ROW_NUMBER() OVER (PARTITION BY kind ORDER BY title_hits DESC, weight DESC, "
        "title, id) AS position "
        f"FROM ({' UNION ALL '.join(parts)}) AS candidates"
        ") AS ranked WHERE position <= %s "
        "AND (position <= %s OR (kind = %s AND position BETWEEN %s AND %s)) "
        "ORDER BY position, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked, [*params, CAP, each, page_kind, first, last])
        return cursor.fetchall()


class _Page:
    """One kind's ranked ids for the paginator: the page asked for is known already."""

    def __init__(self, count, known, fetch):
        self.n, self.known, self.fetch = count, known, fetch

    def count(self):
        return self.n

    def __getitem__(self, key):
        positions = range(key.start + 1, key.stop + 1)
        if all(p in self.known for p in positions):
            return [self.known[p] for p in positions]
        return [pk for pk, _kind, _found, _position in self.fetch(key.start + 1, key.stop)]


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


def _page_number(page):
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def _run(user, terms, kind, page):
    regex = matcher(terms)
    page_obj = None
    if kind:
        # Every kind's count (each row carries it) and the page asked for, in one query.
        first = (_page_number(page) - 1) * PER_PAGE + 1
        rows = _ranked(user, terms, Kind.values, 1, kind, first, first + PER_PAGE - 1)
    else:
        # Each kind's count and its first few.
        rows = _ranked(user, terms, Kind.values, PER_GROUP)
    found = {k: n for _id, k, n, _position in rows}
    groups = {k: Group(k, label, found.get(k, 0)) for k, label in Kind.choices}
    if kind:
        known = {position: pk for pk, k, _n, position in rows if k == kind}
        paginator = Paginator(
            _Page(
                groups[kind].count,
                known,
                lambda first, last: _ranked(user, terms, [kind], 0, kind, first, last),
            ),
            PER_PAGE,
        )
        try:
            page_obj = paginator.page(page)
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        page_obj.object_list = _hits(_documents(page_obj.object_list), regex)
        groups[kind].hits = page_obj.object_list
    elif rows:
        for hit in _hits(_documents([pk for pk, _kind, _n, _position in rows]), regex):
            groups[hit.kind].hits.append(hit)
    return list(groups.values()), page_obj


def search(user, q, kind=None, page=1):
    """Search everything the user may see; return results grouped by kind.

    Every term of the query must match: a Chinese term as a substring, any other
    term by its stem (prompting ~ prompt). With ``kind``, one kind's results are
    paginated; without, the first few of each kind are given. Each kind is counted
    and ranked up to CAP matches (beyond, ``Group.capped``: "1000+"). A query with no
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
