"""core.compiled.read_ahead: the statements a page names ahead are read together, in one
round trip on PostgreSQL, and give what each gives read alone."""

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from core import compiled
from core.compiled import compiled_records, compiled_rows, fetch, read_ahead, reads_scope
from notes.models import Note, ReadingListItem
from papers.models import LanguageModel, Paper
from tests.factories import (
    CommentFactory,
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a round trip to a server: PostgreSQL"
)

_titles = compiled_rows(
    lambda pk: Paper.objects.filter(pk__gte=pk).order_by("pk").values_list("title_en")
)
_models = compiled_records(
    lambda pk: LanguageModel.objects.filter(papers=Paper(pk=pk)).order_by("pk")
)


@contextmanager
def trips():
    """Record the statements run in the block, as [(sql, whether in a batch)], and the
    batches (``trips.batches``)."""
    seen = []

    def keep(execute, sql, params, many, context):
        from psycopg import pq

        batched = (
            connection.vendor == "postgresql"
            and connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        )
        seen.append((sql, batched))
        return execute(sql, params, many, context)

    batches = []
    real = compiled._read_together

    def counted(reads):
        batches.append(sum(1 for named in reads.values() if named.rows is None))
        return real(reads)

    compiled._read_together = counted
    try:
        with connection.execute_wrapper(keep):
            yield seen, batches
    finally:
        compiled._read_together = real


def round_trips(seen, batches):
    return sum(1 for _sql, batched in seen if not batched) + len(batches)


def test_outside_a_request_each_statement_is_read_alone():
    paper = PaperFactory(title_en="Alone")
    with trips() as (seen, batches):
        read_ahead(_titles.statement(paper.pk))
        assert _titles(paper.pk) == [("Alone",)]
    assert batches == [] and [batched for _sql, batched in seen] == [False]


@on_postgresql
def test_statements_named_ahead_come_in_one_round_trip_and_as_each_alone():
    papers = [PaperFactory(title_en=f"Paper {i}") for i in range(3)]
    model = LanguageModelFactory()
    model.papers.add(papers[1])
    alone = (_titles(papers[0].pk), _models(papers[1].pk), _titles(papers[2].pk))
    with reads_scope(), trips() as (seen, batches):
        read_ahead(
            _titles.statement(papers[0].pk),
            _models.statement(papers[1].pk),
            _titles.statement(papers[2].pk),
        )
        assert seen == []  # nothing read before one of them is
        together = (_titles(papers[0].pk), _models(papers[1].pk), _titles(papers[2].pk))
    assert together == alone and together[1] == [model]
    assert batches == [3] and len(seen) == 3 and all(batched for _sql, batched in seen)


@on_postgresql
def test_a_statement_named_ahead_and_never_read_is_never_sent():
    paper = PaperFactory()
    with reads_scope(), trips() as (seen, batches):
        read_ahead(_titles.statement(paper.pk), _models.statement(paper.pk))
    assert seen == [] and batches == []


@on_postgresql
def test_a_statement_read_twice_is_read_again_the_second_time():
    # What came back with a batch is read once: a page that reads a statement again
    # after a change of its own reads the change.
    paper = PaperFactory(title_en="Before")
    with reads_scope(), trips() as (seen, batches):
        read_ahead(_titles.statement(paper.pk), _models.statement(paper.pk))
        assert _titles(paper.pk) == [("Before",)]
        Paper.objects.filter(pk=paper.pk).update(title_en="After")
        assert _titles(paper.pk) == [("After",)]
    assert batches == [2] and round_trips(seen, batches) == 3  # the batch, the update, again


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_batch_is_raised_and_loses_no_other_statement():
    paper = PaperFactory(title_en="Kept")
    broken = ("SELECT 1 / (%s - %s)", (1, 1))  # division by zero
    with reads_scope():
        read_ahead(_titles.statement(paper.pk), broken)
        with pytest.raises(DatabaseError):
            fetch(*broken)
        # The others of the batch are read alone when asked, on a connection still usable.
        assert _titles(paper.pk) == [("Kept",)]
        with pytest.raises(DatabaseError):
            fetch(*broken)


def test_a_statement_with_a_list_among_its_values_is_read_alone():
    paper = PaperFactory(title_en="Listed")
    statement = ("SELECT %s", ([paper.pk],))
    with reads_scope():
        read_ahead(statement)
        assert compiled._reads.get() in ({}, None)  # None: nothing named (SQLite)


@on_postgresql
def test_statements_whose_values_are_equal_in_python_are_kept_apart():
    """True, 1 and 1.0 are equal in Python, not to the database: each statement gives
    its own rows."""
    sql = "SELECT pg_typeof(%s)::text"
    with reads_scope():
        read_ahead((sql, (True,)), (sql, (1,)), (sql, (1.0,)))
        # Read in another order than named: 1 first, where True was named first.
        integer, number, boolean = (fetch(sql, (value,))[0][0] for value in (1, 1.0, True))
    assert boolean == "boolean"
    assert len({integer, number, boolean}) == 3


def _cold_trips(client, url):
    client.get(url)  # the member's first request: their session and settings
    with trips() as (seen, batches):
        response = client.get(url)
    assert response.status_code == 200
    return seen, batches


@on_postgresql
def test_a_cold_paper_page_reads_in_five_round_trips(member_client, member, group, settings):
    settings.PAGECACHE_ENABLED = False
    paper = PaperFactory()
    NoteFactory(paper=paper, group=group, author=member, visibility=Note.Visibility.GROUP)
    CommentFactory(paper=paper, group=group, author=member)
    model = LanguageModelFactory()
    model.papers.add(paper)
    DatasetFactory().papers.add(paper)
    ReadingListItem.objects.create(reading_list=ReadingListFactory(group=group), paper=paper)
    seen, batches = _cold_trips(member_client, paper.get_absolute_url())
    # The member, the paper, what the page reads of it for the member (their notes'
    # keys, groups, readers, related records, reading lists), their groups' discussion
    # (by the groups just read), their notes.
    assert batches == [5]
    assert round_trips(seen, batches) == 5, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_meeting_page_reads_in_four_round_trips(member_client, member, group, settings):
    settings.PAGECACHE_ENABLED = False
    meeting = MeetingFactory(group=group, paper=PaperFactory())
    meeting.presenters.add(member)
    NoteFactory(meeting=meeting, group=group, author=member, visibility=Note.Visibility.GROUP)
    seen, batches = _cold_trips(member_client, meeting.get_absolute_url())
    # The member, the meeting, its papers and presenters with what the page reads of it
    # (the group's progress, the notes' keys, comments, linked records), the notes.
    assert batches == [7]
    assert round_trips(seen, batches) == 4, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_model_page_reads_in_three_round_trips(member_client, settings):
    settings.PAGECACHE_ENABLED = False
    model = LanguageModelFactory(base_model=LanguageModelFactory())
    model.papers.add(PaperFactory())
    seen, batches = _cold_trips(member_client, model.get_absolute_url())
    # The member, the model, what the page reads of it (notes' keys, topics, family,
    # papers, sources, datasets).
    assert batches == [6]
    assert round_trips(seen, batches) == 3, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_family_page_counts_and_reads_its_roots_together(member_client, settings):
    settings.PAGECACHE_ENABLED = False
    LanguageModelFactory(base_model=LanguageModelFactory())
    seen, batches = _cold_trips(member_client, reverse("papers:model_family"))
    assert batches == [2]
    assert round_trips(seen, batches) == 3, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_paper_list_reads_its_papers_organisations_and_topics_together(
    member_client, settings
):
    settings.PAGECACHE_ENABLED = False
    PaperFactory().tags.add("reasoning")
    seen, batches = _cold_trips(member_client, reverse("reading:paper_list"))
    assert batches == [2]  # the page's organisations and topics
    assert round_trips(seen, batches) == 3, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_glossary_reads_its_terms_and_their_papers_together(member_client, settings):
    settings.PAGECACHE_ENABLED = False
    GlossaryTermFactory().papers.add(PaperFactory())
    seen, batches = _cold_trips(member_client, reverse("notes:glossary"))
    assert batches == [2]
    assert round_trips(seen, batches) == 2, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
def test_a_cold_reading_list_reads_its_items_and_their_organisations_together(
    member_client, settings
):
    settings.PAGECACHE_ENABLED = False
    reading_list = ReadingListFactory()
    ReadingListItem.objects.create(reading_list=reading_list, paper=PaperFactory())
    seen, batches = _cold_trips(member_client, reading_list.get_absolute_url())
    # The member, the list, its items and their organisations, the member's statuses.
    assert batches == [2]
    assert round_trips(seen, batches) == 4, [sql[:60] for sql, batched in seen if not batched]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_after_a_failed_batch_its_statements_run_again_on_a_new_connection():
    """psycopg prepares a statement on its sixth run: in a batch cut short by an error
    before it, it counted it as prepared on the server, which never prepared it, and
    every later run on the connection failed ("prepared statement … does not exist")."""
    paper = PaperFactory(title_en="Again")
    broken = ("SELECT 1 / (%s - %s)", (1, 1))
    for _ in range(5):
        _titles(paper.pk)
    with reads_scope():
        read_ahead(broken, _titles.statement(paper.pk))
        with pytest.raises(DatabaseError):
            fetch(*broken)
    assert [_titles(paper.pk) for _ in range(3)] == [[("Again",)]] * 3


@on_postgresql
def test_a_value_kept_in_the_cache_is_made_from_rows_read_after_its_stamps(settings):
    """Rows read ahead before a kept value's stamps were read are read again for it: a
    change committed in between is not kept under the tokens that came after it."""
    from core.fragments import kept, request_scope

    settings.PAGECACHE_ENABLED = True
    paper, other = PaperFactory(title_en="Before"), PaperFactory(title_en="Other")
    with request_scope(), reads_scope(), trips() as (seen, batches):
        read_ahead(_titles.statement(paper.pk), _titles.statement(other.pk))
        _titles(other.pk)  # the batch: both read
        Paper.objects.filter(pk=paper.pk).update(title_en="After")  # then a change
        found = kept("titles", [paper], ["papers.paper"], lambda: _titles(paper.pk))
    assert found == [("After",), ("Other",)]  # the papers from the first one's id on
    assert batches == [2, 1]  # read again, after the value's stamps


def test_with_the_shared_caches_on_a_view_names_nothing_before_it_knows_what_is_kept(
    settings,
):
    from core.fragments import uncached_reads

    statement = _titles.statement(1)
    settings.PAGECACHE_ENABLED = False
    assert uncached_reads(statement) == [statement]
    settings.PAGECACHE_ENABLED = True
    assert uncached_reads(statement) == []


@pytest.mark.parametrize("page", ["1", "2", "last", "-1", "0", "abc", "99", str(10**18)])
def test_any_page_number_of_the_family_list_is_answered(member_client, settings, page):
    """A page number is named ahead before the Paginator checks it: one far past any
    page (an OFFSET out of PostgreSQL's range) is not, and the last page is shown."""
    settings.PAGECACHE_ENABLED = False
    for _ in range(2):
        LanguageModelFactory(base_model=LanguageModelFactory())
    response = member_client.get(reverse("papers:model_family") + f"?page={page}")
    assert response.status_code == 200
