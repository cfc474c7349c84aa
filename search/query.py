"""The one search API: ``search(user, q, kind=None, page=1)``, the same on both databases."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection

from core.compiled import compiled_for_reader
from core.language import interface_language
from notes.models import Comment, Meeting, Note
from notes.models.groups import in_groups_of
from papers.identifiers import bare_arxiv_references, pasted_arxiv_id

from .backends import backend_for, suggest
from .index import shown_subtitle
from .models import Kind, SearchDocument
from .text import PART_BREAK, highlight, html_to_text, matcher, one_side, parse, snippet

PER_PAGE = 20
PER_GROUP = 5
# Each kind's matches are counted and ranked up to this many; beyond, "1000+".
CAP = 1000
LAST_PAGE = -(-CAP // PER_PAGE)
TABLE = SearchDocument._meta.db_table
# The kinds, in the order of their groups, and their names (translated when shown):
# read once, not through the enum on every search.
KINDS = tuple(Kind.values)
KIND_LABELS = tuple(Kind.choices)
# Each kind as an SQL string literal (the kinds are fixed words of letters).
KIND_LITERALS = {kind: f"'{kind}'" for kind in KINDS if kind.isalpha()}


@dataclass
class Hit:
    kind: str
    title: str
    subtitle: str
    url: str
    snippet: str
    object_id: int = 0
    status: str = ""


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
    # False for a query with nothing to search for (signs, common words): nothing was.
    searched: bool = False

    @property
    def total(self):
        return sum(g.count for g in self.groups)

    @property
    def capped(self):
        return any(g.capped for g in self.groups)


def readable(user, kind):
    """Return (sql, params): the condition on the index's copies of visibility, group and
    author that keeps the notes or meetings the user may read; None for other kinds.

    It states Note.objects.visible_to() and Meeting.objects.visible_to() over the index's
    own columns, so that matching needs no join with the notes table (at 100k papers
    that join cost more than the rest of a search). Tests hold the two to the same
    answers, and ``_documents()`` checks what is shown against visible_to() itself.
    """
    if kind not in (Kind.NOTE, Kind.MEETING, Kind.COMMENT):
        return None
    if not user.is_authenticated:
        return "1 = 0", []
    if user.is_superuser:
        return None
    groups = in_groups_of(user)  # the SQL of group_ids_of(), compiled once per process
    in_groups, groups_params = f"group_id IN ({groups.sql})", list(groups.params)
    if kind == Kind.MEETING:
        return in_groups, groups_params
    # Notes, and comments (which carry their note's, meeting's or group's copies).
    return (
        f"(visibility = %s OR author_id = %s OR (visibility = %s AND {in_groups}))",
        [Note.Visibility.EVERYONE, user.pk, Note.Visibility.GROUP, *groups_params],
    )


def _candidates(user, terms, kind):
    """Return (sql, params) selecting one kind's matches that the user may see, up to
    CAP + 1, with the keys they are ranked by: how many terms match the title text,
    weight, title.

    The kind is written into the SQL, not passed: PostgreSQL then knows, when it plans
    the query once for every search (backends), which kind's index answers it; with the
    kind a parameter, the plan it keeps would read every document.

    LIMITed at the cap. The terms reach PostgreSQL as subqueries' values (backends), so
    the planner cannot guess how many documents match: it takes a fixed share of the
    kind's (its default for ``@@``) and reads them through the kind's index, which is
    far cheaper than testing every row in table order, at any size of the library
    (tests/search/test_query_plan.py). With the terms written into the SQL it could see
    a common word and bet on finding a thousand matches early in table order: for 推理
    that was a sequential scan of 0.5 s, and the candidates were numbered with
    ``ROW_NUMBER()`` instead, whose window cost a fifth of the query. Written as SQL:
    building the kinds' queries through the ORM cost a third of a search.
    """
    backend = backend_for()
    title_tests = [backend.match_title(t) for t in terms]
    title_hits = " + ".join(f"(CASE WHEN {sql} THEN 1 ELSE 0 END)" for sql, _ in title_tests)
    match_sql, match_params = backend.match_all(terms)
    conditions, params = [f"kind = {KIND_LITERALS[kind]}", match_sql], list(match_params)
    rule = readable(user, kind)
    if rule is not None:
        conditions.append(rule[0])
        params.extend(rule[1])
    sql = (
        f"SELECT id, kind, {title_hits} AS title_hits, weight, title "
        f"FROM {TABLE} WHERE {' AND '.join(conditions)} LIMIT {CAP + 1}"
    )
    return sql, [*(p for _sql, ps in title_tests for p in ps), *params]


RANK = "title_hits DESC, weight DESC, title, id"


def _top(name):
    """Return the SQL selecting the first few (its one parameter) of one kind's
    candidates (the query ``name`` of the statement's WITH) in rank order, each with how
    many candidates were read (``found``, up to CAP + 1) and its position.

    The candidates are read once (PostgreSQL keeps a query of WITH named twice), counted,
    and only their first few sorted out of them (a "top-N" sort keeps those few rows, not
    a thousand): ranking every match of every kind in one sort cost a third of the query,
    and counting them in a window beside the ranking a tenth.
    """
    return (
        f"SELECT id, kind, (SELECT COUNT(*) FROM {name}) AS found, "
        f"ROW_NUMBER() OVER (ORDER BY {RANK}) AS position "
        f"FROM (SELECT * FROM {name} ORDER BY {RANK} LIMIT %s) AS top"
    )


def _ranked(user, terms, kinds, each, page_kind="", first=0, last=0):
    """Return (id, kind, found, position) rows: each kind's first ``each`` matches, and
    those of ``page_kind`` at positions ``first`` to ``last``.

    Each kind is read up to ``CAP + 1`` matches (``found`` is how many, so more than CAP
    means "more than CAP"); those are ranked by title matches (more terms in the title
    first), weight and title, and positions run up to CAP. Reading stops at the cap, so
    a common word costs no more than a thousand rows per kind, however large the library.
    """
    candidates, params, tops, limits = [], [], [], []
    for kind in kinds:
        limit = min(max(each, last if kind == page_kind else 0), CAP)
        if limit < 1:
            continue
        sql, kind_params = _candidates(user, terms, kind)
        candidates.append(f"found_{kind} AS ({sql})")
        params.extend(kind_params)
        tops.append(_top(f"found_{kind}"))
        limits.append(limit)
    if not tops:
        return []
    ranked = (
        f"WITH {', '.join(candidates)} "
        f"SELECT id, kind, found, position FROM ({' UNION ALL '.join(tops)}) AS ranked "
        "WHERE position <= %s OR (kind = %s AND position BETWEEN %s AND %s) "
        "ORDER BY position, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked, [*params, *limits, each, page_kind, first, last])
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


# A number before a title ("#7 "): a meeting's, in its hit and its comments' (both its
# titles), or a note's own.
NUMBER = re.compile(r"#\d+ ")


def shown_titles(document, english):
    """(title, subtitle) of a hit as the interface shows them. A note or meeting with a
    title in each language (``title_en``) is titled in the interface's language, the
    other title first in its subtitle: the English interface listed a bilingual note
    under its Chinese title; so is a comment on one. A meeting keeps its number before
    either ("#7 …", search.index.meeting_titles), and so do its comments; a number both
    titles start with is shown once. The subtitle is the one in the interface's
    language (``subtitle_en``: a meeting's group, a note's source named in English), with
    neither title in it again: a note named after its paper listed the paper's English
    title under the same English title."""
    shown = (english and document.subtitle_en) or document.subtitle
    titles = {document.title, document.title_en}
    rest = " · ".join(
        part for part in shown_subtitle(document.kind, shown).split(" · ") if part not in titles
    )
    if not document.title_en:
        return document.title, rest
    title, other = document.title, document.title_en
    if english:
        title, other = other, title
    if (number := NUMBER.match(title)) and other.startswith(number.group()):
        other = other[number.end() :]  # the number shown once
    return title, " · ".join(part for part in (other, rest) if part)


def _hits(documents, regex):
    english = interface_language() == "en"
    hits = []
    for d in documents:
        title, subtitle = shown_titles(d, english)
        hits.append(
            Hit(
                kind=d.kind,
                title=highlight(title, regex),
                subtitle=highlight(subtitle, regex),
                url=d.url,
                snippet=_snippet(d, one_side(d.body, english, regex), subtitle, regex, english),
                object_id=d.object_id,
            )
        )
    return hits


def _snippet(d, text, subtitle, regex, english):
    """The hit's snippet: of its text in the reader's language where it has a match, or
    where none has (a hit matched by its title alone). Not a part that says only what
    the subtitle says (a model's facts, matched in its architecture, repeated the line
    above word for word): the snippet then shows its other parts."""
    # A paper's abstract is written as arXiv writes it: $…$ is TeX.
    dollars, preferred = d.kind == Kind.PAPER, d.english_part if english else 0
    made = snippet(text, regex, dollars=dollars, preferred_part=preferred)
    shown = set(subtitle.split(" · "))
    if not _pieces(made) <= shown:
        return made
    parts = text.split(PART_BREAK)
    kept = [i for i, part in enumerate(parts) if not _pieces(part) <= shown]
    if not kept:
        return ""
    preferred = kept.index(preferred) if preferred in kept else 0
    text = PART_BREAK.join(parts[i] for i in kept)
    return snippet(text, regex, dollars=dollars, preferred_part=preferred)


def _pieces(text):
    """The " · "-separated pieces of a text or a snippet, as written (its marks and its
    ellipses left out)."""
    plain = html_to_text(str(text)).strip().removeprefix("…").removesuffix("…")
    return {piece.strip() for piece in plain.split(" · ")}


class Document(NamedTuple):
    """What a hit shows of its SearchDocument."""

    id: int
    kind: str
    title: str
    title_en: str
    subtitle: str
    subtitle_en: str
    url: str
    body: str
    english_part: int
    object_id: int


def _readable_records(model):
    """Return ``sql_for(user)``: (sql, params) of the primary keys of
    ``model.objects.visible_to(user)``, compiled once per process for a member and once
    for a superuser (core.compiled.compiled_for_reader)."""
    return compiled_for_reader(
        lambda reader: model.objects.visible_to(reader).order_by().values("pk")
    )


# The kinds whose records a member may not all read, and what they may.
READABLE_RECORDS = {
    Kind.NOTE: _readable_records(Note),
    Kind.MEETING: _readable_records(Meeting),
    Kind.COMMENT: _readable_records(Comment),
}
CHECKED = list(READABLE_RECORDS)
UNCHECKED = set(KINDS) - set(CHECKED)
COLUMNS = "id, kind, title, title_en, subtitle, subtitle_en, url, body, english_part, object_id"


def _documents(user, found):
    """Return the documents of ``found`` ((id, kind) pairs), in that order, that the
    user may see.

    The ranking is done on ids alone (carrying every match's body through the sort
    costs more than fetching a few again). Notes and meetings were matched by the
    index's copies of their visibility (``readable()``); what is shown is checked
    against visible_to() itself as well, in the same query (each such kind's documents
    whose record is among visible_to's), so a stale copy can hide a hit but never show
    one. Read as rows, not model instances: thirty instances cost more than the query.
    """
    parts, params = [], []

    def part(kinds, condition, condition_params):
        pks = [pk for pk, kind in found if kind in kinds]
        if pks:
            marks = ", ".join(["%s"] * len(pks))
            parts.append(f"SELECT {COLUMNS} FROM {TABLE} WHERE id IN ({marks}) AND {condition}")
            params.extend([*pks, *condition_params])

    part(UNCHECKED, f"kind NOT IN ({', '.join(['%s'] * len(CHECKED))})", CHECKED)
    if user.is_authenticated:  # visible_to() gives nobody else any of them
        for kind, sql_for in READABLE_RECORDS.items():
            sql, record_params = sql_for(user)
            part({kind}, f"object_id IN ({sql})", record_params)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        documents = {row[0]: Document(*row) for row in cursor.fetchall()}
    return [documents[pk] for pk, _kind in found if pk in documents]


def _page_number(page):
    """The page asked for, from 1 to the last a kind's CAP matches fill (a number past
    it was read into the SQL: one too large for the database was a 500)."""
    try:
        return min(max(int(page), 1), LAST_PAGE)
    except (TypeError, ValueError, OverflowError):
        return 1


def _run(user, terms, kind, page):
    regex = matcher(terms)
    page_obj = None
    if kind:
        # Every kind's count (each row carries it) and the page asked for, in one query.
        first = (_page_number(page) - 1) * PER_PAGE + 1
        rows = _ranked(user, terms, KINDS, 1, kind, first, first + PER_PAGE - 1)
    else:
        # Each kind's count and its first few.
        rows = _ranked(user, terms, KINDS, PER_GROUP)
    found = {k: n for _id, k, n, _position in rows}
    groups = {k: Group(k, label, found.get(k, 0)) for k, label in KIND_LABELS}
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
        on_page = [(pk, kind) for pk in page_obj.object_list]
        page_obj.object_list = _hits(_documents(user, on_page), regex)
        groups[kind].hits = page_obj.object_list
    elif rows:
        ranked = [(pk, k) for pk, k, _n, _position in rows]
        for hit in _hits(_documents(user, ranked), regex):
            groups[hit.kind].hits.append(hit)
    return list(groups.values()), page_obj


MAX_QUERY = 200  # characters of a query that are searched


def _collapsed(q):
    return " ".join(unicodedata.normalize("NFKC", q or "").split())


def normalised(q):
    """Return the query as searched: in NFKC form (a Chinese input method types full-width
    ＬｏＲＡ and ＧＰＴ－４: searched, and shown, as LoRA and GPT-4; the index holds its
    letters and digits so too, search.text.fold()), spaces collapsed, at most MAX_QUERY
    characters, cut after a whole word (a word cut in two would be searched, or
    "corrected", as another word)."""
    text = _collapsed(q)
    if len(text) <= MAX_QUERY:
        return text
    cut = text[:MAX_QUERY]
    if text[MAX_QUERY] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut


def bare_arxiv_ids(q):
    """The query with each arXiv reference as the pages write it (arXiv:2106.09685v2), as
    running text does ("arXiv 2106.09685 [cs.CL]"), its link (arxiv.org/abs/…, with or
    without https://) or arXiv's DOI of it (10.48550/arXiv.2106.09685) as the bare ID,
    which the index holds: what Add papers takes, search finds."""
    return " ".join(pasted_arxiv_id(word) for word in bare_arxiv_references(q).split(" "))


def is_shortened(q):
    """Whether normalised() left part of the query out."""
    return len(_collapsed(q)) > MAX_QUERY


def cuts_a_word(q):
    """Whether normalised() cut the query inside a word: one with no space in its first
    MAX_QUERY characters (a query of words is cut after a whole one)."""
    text = _collapsed(q)
    return len(text) > MAX_QUERY and text[MAX_QUERY] != " " and " " not in text[:MAX_QUERY]


def corrected_query(q, terms, fixed):
    """The query as written with each term replaced by its fixed word: the words that
    are no terms ("of", punctuation) stay where they were."""
    for term, word in zip(terms, fixed, strict=True):
        if word.lower() != term.text.lower():
            written = re.compile(rf"(?<!\w){re.escape(term.text)}(?!\w)", re.IGNORECASE)
            q = written.sub(lambda _match, word=word: word, q, count=1)
    return q


WORD = re.compile(r"[A-Za-z]{4,}")


def _fixed(term):
    """The term with each English word of four letters or more in it that looks misspelt
    replaced by the nearest indexed word ("in-contxt" → "in-context")."""
    if term.is_cjk:
        return term.text
    return WORD.sub(lambda word: suggest(word.group()) or word.group(), term.text)


def search(user, q, kind=None, page=1):
    """Search everything the user may see; return results grouped by kind.

    Every term of the query must match: a Chinese term as a substring, any other
    term by its stem (prompting ~ prompt). With ``kind``, one kind's results are
    paginated; without, the first few of each kind are given. Each kind is counted
    and ranked up to CAP matches (beyond, ``Group.capped``: "1000+"). A query with no
    result whose English words look misspelt is run again with the nearest indexed
    words, and ``corrected`` says so when those find something.
    """
    q = normalised(q)
    results = Results(query=q, kind=kind if kind in KINDS else None)
    terms = parse(bare_arxiv_ids(q))
    if not terms:
        return results
    results.searched = True
    results.groups, results.page = _run(user, terms, results.kind, page)
    if results.total == 0:
        fixed = [_fixed(t) for t in terms]
        if [f.lower() for f in fixed] != [t.text.lower() for t in terms]:
            corrected = corrected_query(q, terms, fixed)
            groups, corrected_page = _run(user, parse(corrected), results.kind, page)
            # Only a correction that finds something is shown: "showing results for …"
            # stood above "Nothing … matches" when the other words of the query (or
            # the corrected one) matched nothing either.
            if any(g.count for g in groups):
                results.corrected, results.groups, results.page = corrected, groups, corrected_page
    return results
