"""Read rules that join the knowledge base with what the group writes.

The knowledge base does not know about notes or meetings; these functions add
what a member of a group sees beside a paper: how many notes they may read,
which of their meetings presented or discussed it, the glossary terms about it.
"""

import unicodedata
from dataclasses import dataclass, field, fields
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.addresses import address, addresser
from core.compiled import (
    MARKS,
    compiled_for_reader,
    compiled_once,
    compiled_rows,
    fetch,
    read_ahead,
)
from core.language import Name, shown_name, sort_key
from core.models import (
    BilingualTitle,
    RelatedRecord,
    SourceTitle,
    as_read,
    labelled_rows,
    unknown_last,
)
from notes.models import GlossaryTerm, Meeting, Mention, Note, ReadingStatus
from papers.filters import paper_count, read_together
from papers.identifiers import bare_arxiv_references, normalize_arxiv_id
from papers.models import Dataset, LanguageModel, Paper, TaggedPaper, Topic
from papers.tables import ShownOrganizations


def _count(queryset):
    """Return a subquery counting the rows of a correlated queryset (0 when none)."""
    counted = (
        queryset.order_by()
        .annotate(one=models.Value(1))
        .values("one")
        .annotate(n=models.Count("pk"))
    )
    return models.functions.Coalesce(
        models.Subquery(counted.values("n")[:1]), 0, output_field=models.IntegerField()
    )


def paper_rows(user, papers=None, *, meetings=True):
    """Return papers with what a list row shows: organisations, topics, and how many notes
    the user may read and (unless ``meetings`` is false) meetings of theirs presented or
    discussed them (subqueries, so that a page of 25 rows costs the same at any size of
    the library)."""
    papers = Paper.objects.all() if papers is None else papers
    papers = papers.for_list().annotate(
        note_count=_count(Note.objects.visible_to(user).filter(paper=OuterRef("pk"))),
        my_status=my_status(user),
    )
    if meetings:
        # The site's list rows show no meeting count: building this subquery was ~9% of
        # the paper list's Python calls (34.3k -> 31.3k a request), for a column unread.
        papers = papers.annotate(
            meeting_count=_count(Meeting.objects.visible_to(user).about(OuterRef("pk")))
        )
    return papers


@dataclass
class PaperRow(ShownOrganizations):
    """A paper as a list row shows it (reading.rows), read as values by ``page_rows``:
    the fields of a Paper that the row reads, its organisations' names and its topics."""

    pk: int
    slug: str
    title_zh: str
    title_en: str
    year: int | None
    month: int | None
    arxiv_id: str | None
    note_count: int
    my_status: str
    organizations: list[Name] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)

    @property
    def title(self):
        """The English title, else the Chinese one (as Paper.title)."""
        return self.title_en or self.title_zh

    title_lang = BilingualTitle.title_lang  # as Paper's


# The fields read from the row's query: every field of PaperRow but the lists filled after.
ROW_VALUES = [f.name for f in fields(PaperRow) if f.name not in ("organizations", "topics")]


def page_rows(papers):
    """Return the PaperRow of each paper of ``paper_rows`` (a page of them): one query
    for the rows, one each for their organisations and topics. Model instances of the
    papers, organisations and topics cost a page of 25 rows ~4 ms more. ``papers`` may
    be a page of an ``UnfilteredPaperList``, whose rows it has read already."""
    if isinstance(papers, UnfilteredPage):
        return papers.rows
    return rows_of(papers.prefetch_related(None).values_list(*ROW_VALUES))


def _organization_rows(*papers):
    return (
        Paper.organizations.through.objects.filter(paper__in=papers)
        .order_by(as_read("organization__name"))
        .values_list("paper", "organization__name", "organization__name_zh")
    )


def _topic_rows(*papers):
    return (
        TaggedPaper.objects.filter(content_object__in=papers)
        .order_by("tag__name")
        .values_list("content_object", "tag__slug", "tag__name", "tag__chinese_name__name_zh")
    )


# The organisations and topics of a page's papers, by SQL compiled once per number of
# papers: building and compiling the two querysets was ~1 ms of a page's Python.
_compiled_organization_rows = compiled_rows(_organization_rows)
_compiled_topic_rows = compiled_rows(_topic_rows)


def rows_of(values):
    """Return the PaperRow of each of ROW_VALUES' values, with its organisations and topics
    (one query each)."""
    rows = [PaperRow(*row) for row in values]
    by_pk = {row.pk: row for row in rows}
    if not by_pk:
        return rows  # no paper, no query (as a filter of no ids)
    pks = tuple(by_pk)
    if len(pks) <= len(MARKS):  # a page (every paper of a list, in a test: its querysets)
        read = (_compiled_organization_rows, _compiled_topic_rows)
        read_ahead(*(rows.statement(*pks) for rows in read))  # in one round trip
        organizations, topics = (rows(*pks) for rows in read)
    else:
        organizations, topics = _organization_rows(*pks), _topic_rows(*pks)
    for paper, name, name_zh in organizations:
        by_pk[paper].organizations.append(Name(name, name_zh))
    for paper, slug, name, name_zh in topics:
        by_pk[paper].topics.append(Topic(slug, name, name_zh or ""))
    return rows


PAPER_SORTS = {
    # The paper_newest_first index serves the first order.
    "newest": (_("newest first"), [*Paper._meta.ordering, F("id").desc()]),
    "oldest": (
        _("oldest first"),
        [unknown_last("year"), unknown_last("month"), as_read("title_en"), "id"],
    ),
    "title": (_("title"), [as_read("title_en"), as_read("title_zh"), "id"]),
    "notes": (_("most notes"), ["-note_count", as_read("title_en"), "id"]),
}


def _yes(value):
    return value is True or value == "1"


def year_asked(params):
    """The year the paper list is filtered by: ``year`` where it is one (up to four
    digits), else None (the list of every year; reading.views says so)."""
    year = str(params.get("year") or "")
    return int(year) if year.isascii() and year.isdigit() and len(year) <= 4 else None


# The words of a paper-list search that are looked for (the rest are not).
MAX_WORDS = 8


def title_words(text):
    """The words the paper list looks for, each in a title or the arXiv ID: "survey
    large" finds a "Survey of Large Language Models" (the whole phrase was looked for,
    and found nothing). Invisible signs pasted with them (a zero-width space) are no
    part of a word; an arXiv reference as the pages write it (arXiv:2106.09685), as
    running text does ("arXiv 2106.09685 [cs.CL]") or its link is its ID."""
    visible = "".join(sign for sign in text if unicodedata.category(sign) != "Cf")
    words = (normalize_arxiv_id(word) for word in bare_arxiv_references(visible).split())
    return list(dict.fromkeys(words))[:MAX_WORDS]


def paper_list(user, params, *, meetings=True):
    """Return the paper list's rows (``paper_rows``, with meeting counts unless
    ``meetings`` is false) filtered and sorted as ``params`` say, the site's query string
    or the API's filters alike: topic and org (slugs), year, has_notes and presented (the
    user's), read (by "me", "group" or "nobody"), q (title words or arXiv ID), sort."""
    papers = paper_rows(user, meetings=meetings)
    if topic := params.get("topic"):
        papers = papers.filter(tags__slug=topic)
    if org := params.get("org"):
        papers = papers.filter(organizations__slug=org)
    if (year := year_asked(params)) is not None:
        papers = papers.filter(year=year)
    if _yes(params.get("has_notes")):
        papers = with_notes_visible_to(papers, user)
    if _yes(params.get("presented")):
        papers = presented_to(papers, user)
    if read := params.get("read"):
        papers = read_by(papers, user, read)
    for word in title_words(params.get("q") or ""):
        papers = papers.filter(
            Q(title_en__icontains=word) | Q(title_zh__icontains=word) | Q(arxiv_id__icontains=word)
        )
    sort = params.get("sort") or "newest"
    return papers.order_by(*PAPER_SORTS.get(sort, PAPER_SORTS["newest"])[1])


def _unfiltered_rows(sort, is_superuser):
    """Return ``rows_for(user id, page=(offset, limit))``: the ROW_VALUES of the unfiltered
    paper list in the sort's order for a member (or a superuser) of that id."""

    def build(pk):
        reader = get_user_model()(pk=pk, is_superuser=is_superuser)
        papers = paper_list(reader, {"sort": sort}, meetings=False)
        return papers.prefetch_related(None).values_list(*ROW_VALUES)

    return compiled_rows(build)


# A reader's status of each paper is in the rows (my_status), so a superuser's rows too
# need the reader's id: not compiled_for_reader's rows of any superuser.
_UNFILTERED_ROWS = {
    (sort, is_superuser): _unfiltered_rows(sort, is_superuser)
    for sort in PAPER_SORTS
    for is_superuser in (False, True)
}


class UnfilteredPaperList:
    """The paper list of a logged-in reader with no filter (``paper_list(user, {"sort":
    sort})``, the list most opened), as its paginator reads it: a count and slices, whose
    rows ``page_rows`` reads by SQL compiled once per process. Building the list's
    queryset, with its subqueries of the reader's notes and status, and compiling it
    was about a third of the cold page's Python."""

    ordered = True  # as the paginator asks: the sort's order, ending with the id

    def __init__(self, user, sort):
        self.rows_for = _UNFILTERED_ROWS[
            (sort if sort in PAPER_SORTS else "newest", user.is_superuser)
        ]
        self.user_id = user.pk

    def count(self):
        # No filter: every paper, the number the admin's change list keeps too (a COUNT
        # reads the whole table: 11 ms of PostgreSQL's time at 100k papers); read with
        # the filters' options, which the list shows next.
        read_together("count", "options")
        return paper_count()

    def __getitem__(self, page):
        return UnfilteredPage(self, page.start or 0, page.stop)

    def __iter__(self):
        return iter(self[0:None])


class UnfilteredPage:
    """A slice [start:stop] of an UnfilteredPaperList (the paginator's page): its papers
    are their PaperRow (``page_rows``), read once, when first asked for."""

    def __init__(self, papers, start, stop):
        self.papers, self.start, self.stop = papers, start, stop

    @cached_property
    def rows(self):
        papers = self.papers
        page = None if self.stop is None else (self.start, self.stop - self.start)
        return rows_of(papers.rows_for(papers.user_id, page=page))

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def shown_rows(**querysets):
    """Return the (name, primary key) rows of each queryset, in one query (UNION ALL)."""
    parts = [
        queryset.order_by().annotate(shown=models.Value(name)).values_list("shown", "pk")
        for name, queryset in querysets.items()
    ]
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def _by_name(names, rows):
    found = {name: [] for name in names}
    for name, pk in rows:
        found[name].append(pk)
    return found


def shown_to(**querysets):
    """Return {name: [primary key, …]} of each queryset, read in one query (``shown_rows``):
    what a member may read on a page, whose records then come from shared fragments
    (core/fragments.py) and are read only when a fragment is missing."""
    return _by_name(querysets, shown_rows(**querysets))


def paper_shown(user, paper):
    """Return what the user may read on the paper's page, as querysets: its notes, the
    meetings that presented or discussed it, its mentions."""
    return {
        "notes": Note.objects.visible_to(user).filter(paper=paper),
        "meetings": Meeting.objects.visible_to(user).about(paper),
        "mentions": Mention.objects.of(paper).visible_to(user),
    }


def compiled_shown_to(shown, record_class, names):
    """Return ``shown_to_user(user, record)`` → shown_to(**shown(user, record)), whose
    querysets are the names', with its SQL compiled once per process for a member (of an
    id) and for a superuser (who may read everything), of the record of an id: building
    and compiling the querysets and their union cost ~2.5 ms of the paper page's ~35."""
    sql_for = compiled_for_reader(
        lambda reader, pk: shown_rows(**shown(reader, record_class(pk=pk)))
    )

    def shown_to_user(user, record):
        if not user.is_authenticated:  # never on a site that asks everyone to log in
            return shown_to(**shown(user, record))
        return _by_name(names, fetch(*sql_for(user, record.pk)))

    # Its statement for a member, for core.compiled.read_ahead.
    shown_to_user.statement = lambda user, record: sql_for(user, record.pk)
    return shown_to_user


# shown_to(**paper_shown(user, paper)): {"notes": [primary key, …], "meetings": […],
# "mentions": […]}.
paper_shown_to = compiled_shown_to(paper_shown, Paper, ["notes", "meetings", "mentions"])


def model_shown(user, model):
    """Return what the user may read on the language model's page, as querysets: its
    notes and its mentions."""
    return {
        "notes": Note.objects.visible_to(user).filter(language_model=model),
        "mentions": Mention.objects.of(model).visible_to(user),
    }


# shown_to(**model_shown(user, model)): {"notes": […], "mentions": […]}.
model_shown_to = compiled_shown_to(model_shown, LanguageModel, ["notes", "mentions"])


def my_status(user, paper="pk"):
    """Return a subquery of the user's reading status of the paper ("" when none)."""
    mine = ReadingStatus.objects.of(user).filter(paper=OuterRef(paper)).values("status")[:1]
    return models.functions.Coalesce(
        models.Subquery(mine), models.Value(""), output_field=models.CharField()
    )


READ = ReadingStatus.Status.READ


def read_by(papers, user, who):
    """Filter papers by who has read them: "me", "group" (the user or a member who shares
    their reading with a group of the user's), "nobody" (neither); others: unfiltered."""
    if who == "me":
        return papers.filter(
            Exists(ReadingStatus.objects.of(user).filter(paper=OuterRef("pk"), status=READ))
        )
    group_read = Exists(
        ReadingStatus.objects.shared_with(user).filter(paper=OuterRef("pk"), status=READ)
    )
    if who == "group":
        return papers.filter(group_read)
    if who == "nobody":
        return papers.filter(~group_read)
    return papers


def models_read_by_group(user):
    """Return the ids of the models with a paper that the user or a member sharing with
    one of the user's groups has read."""
    read = ReadingStatus.objects.shared_with(user).filter(
        status=READ, paper__language_models=OuterRef("pk")
    )
    return set(LanguageModel.objects.filter(Exists(read)).values_list("pk", flat=True))


def with_notes_visible_to(papers, user):
    """Return the papers with at least one note the user may read."""
    return papers.filter(Exists(Note.objects.visible_to(user).filter(paper=OuterRef("pk"))))


def presented_to(papers, user):
    """Return the papers presented or discussed at a meeting of the user's groups."""
    return papers.filter(Exists(Meeting.objects.visible_to(user).about(OuterRef("pk"))))


def related_rows(paper):
    """Return the (kind, label, slug, extra) rows (``labelled_rows``) of the organisations,
    topics, models, datasets, glossary terms and sources linked to the paper, in one
    UNION query."""
    topics = Tag.objects.filter(papers_taggedpaper_items__content_object=paper)
    return labelled_rows(
        LanguageModel.objects.filter(papers=paper), "model", "name", F("organization__name")
    ).union(
        labelled_rows(paper.organizations.all(), "org", "name", F("name_zh")),
        labelled_rows(topics, "topic", "name", F("chinese_name__name_zh")),
        labelled_rows(Dataset.objects.filter(papers=paper), "dataset", "name", F("kind")),
        labelled_rows(GlossaryTerm.objects.filter(papers=paper), "term", "title_en", F("title_zh")),
        labelled_rows(paper.sources.all(), "source", "title_zh", F("title_en")),
        all=True,
    )


# The SQL of related_rows(), compiled once per process, for the paper of an id: building
# and compiling the six querysets and their union cost ~3 ms of the paper page's ~35.
_related_sql = compiled_once(lambda pk: related_rows(Paper(pk=pk)))


def _shown_topic(row):
    """A topic's related row (its Chinese name as the extra) as the page shows it: its
    name in the interface's language, sorted by it among the others."""
    kind, name, slug, name_zh = row
    return kind, shown_name(name, name_zh), slug, ""


def _shown_organization(row):
    """An organisation's related row (its Chinese name as the extra) as the page shows it:
    in Chinese its Chinese name first, the English one beside it."""
    kind, name, slug, name_zh = row
    if name_zh and shown_name(name, name_zh) == name_zh:
        return kind, name_zh, slug, name
    return row


SHOWN = {"topic": _shown_topic, "org": _shown_organization}


def related_statement(paper):
    """The statement related_records() reads, for ``core.compiled.read_ahead``."""
    return _related_sql(paper.pk)


def related_records(paper):
    """Return the organisations, topics, models, datasets and glossary terms linked to the
    paper (``related_rows``), as {"org": [...], "topic": [...], "model": [...],
    "dataset": [...], "term": [...]} of RelatedRecord entries (name, url and a short
    extra: Chinese name, organisation, kind, Chinese term; a topic by its name in the
    interface's language, with no extra), and its sources as "source": [SourceTitle, ...]
    (in the order Source is read)."""
    union = fetch(*related_statement(paper))
    urls = {
        "org": addresser("reading:organization_detail", "slug"),
        "topic": lambda slug: address("reading:paper_list") + f"?topic={slug}",
        "model": addresser("reading:model_detail", "slug"),
        "dataset": addresser("reading:dataset_detail", "slug"),
        "term": lambda slug: address("notes:glossary") + f"#{slug}",
    }
    found = {kind: [] for kind in urls}
    found["source"] = [  # in Source's order (by slug)
        SourceTitle(zh, en)
        for _kind, zh, _slug, en in sorted(
            (r for r in union if r[0] == "source"), key=lambda row: row[2]
        )
    ]
    union = [SHOWN[row[0]](row) if row[0] in SHOWN else row for row in union if row[0] != "source"]
    for kind, name, slug, extra in sorted(union, key=lambda row: sort_key(row[1])):
        if kind == "dataset":
            extra = Dataset.Kind(extra).label
        found[kind].append(RelatedRecord(name, urls[kind](slug), extra))
    return found
