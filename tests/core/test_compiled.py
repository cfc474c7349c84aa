"""core.compiled: SQL compiled once per process gives what the queryset gives."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count

from core.compiled import compiled_count, compiled_once, compiled_rows
from notes.models import Mention
from papers.models import LanguageModel
from reading.queries import model_shown, model_shown_to, paper_shown, paper_shown_to, shown_to
from tests.factories import LanguageModelFactory, MeetingFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


def rows(query):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*query)
        return sorted(cursor.fetchall())


def test_values_go_where_their_marks_were_in_every_kind_of_integer_field():
    # Mention.target_id is a big integer: on PostgreSQL its value is psycopg's Int8.
    paper, other = PaperFactory(), PaperFactory()
    note = NoteFactory(paper=paper, body_en=f"See [[{paper.arxiv_id}]] and [[{other.arxiv_id}]].")
    sql_for = compiled_once(
        lambda note_pk, paper_pk: (
            Mention.objects.filter(note_id=note_pk).of(type(paper)(pk=paper_pk)).values_list("pk")
        )
    )
    for target in (paper, other):
        expected = Mention.objects.filter(note=note).of(target).values_list("pk")
        assert rows(sql_for(note.pk, target.pk)) == sorted(expected) != []


def test_rows_come_converted_as_the_querysets_values():
    # On SQLite a date comes from the database as text, a decimal as a float, a boolean
    # as 0 or 1: the rows are what values_list() gives, not what the cursor does.
    model = LanguageModelFactory(
        released=date(2023, 2, 1), parameters_b=Decimal("6.70"), open_weights=True
    )
    LanguageModelFactory(released=None, parameters_b=None, open_weights=None)
    fields = ["pk", "released", "parameters_b", "open_weights", "base_model"]
    rows_for = compiled_rows(
        lambda pk: LanguageModel.objects.filter(pk__gte=pk).order_by("pk").values_list(*fields)
    )
    expected = list(LanguageModel.objects.filter(pk__gte=model.pk).values_list(*fields))
    rows = rows_for(model.pk)
    assert rows == expected and len(rows) == 2
    assert [type(value) for value in rows[0]] == [int, date, Decimal, bool, type(None)]


def test_a_count_is_the_querysets_count_of_a_grouped_queryset():
    root = LanguageModelFactory()
    LanguageModelFactory.create_batch(2, base_model=root)
    LanguageModelFactory(base_model=LanguageModelFactory())
    LanguageModelFactory()

    def families(at_least):
        return (
            LanguageModel.objects.exclude(family_root=None)
            .values_list("family_root")
            .annotate(size=Count("pk"))
            .filter(size__gte=at_least)
            .order_by("-size")
        )

    count_for = compiled_count(families)
    assert [count_for(at_least) for at_least in (1, 2, 3)] == [2, 1, 0]
    assert [families(at_least).count() for at_least in (1, 2, 3)] == [2, 1, 0]


def test_what_a_reader_may_read_on_a_paper_page_is_the_querysets(world):
    paper = PaperFactory()
    NoteFactory(
        paper=paper,
        author=world.member,
        group=world.group_a,
        visibility="group",
        body_en=f"See [[{paper.arxiv_id}]].",
    )
    NoteFactory(paper=paper, author=world.other, group=world.group_b, visibility="private")
    MeetingFactory(group=world.group_a, number=2, paper=paper)
    for name, user in world.users.items():
        expected = shown_to(**paper_shown(user, paper))
        assert paper_shown_to(user, paper) == expected, name
    assert paper_shown_to(world.member, paper)["mentions"] != []


def test_what_a_reader_may_read_on_a_model_page_is_the_querysets(world):
    model = LanguageModelFactory()
    link = f"See [[model:{model.slug}]]."
    NoteFactory(language_model=model, author=world.member, group=world.group_a, visibility="group")
    NoteFactory(language_model=model, author=world.other, group=world.group_b, visibility="private")
    NoteFactory(author=world.other, group=world.group_b, visibility="group", body_en=link)
    NoteFactory(visibility="everyone", body_en=link)
    MeetingFactory(group=world.group_a, number=2, body_en=link)
    for name, user in world.users.items():
        expected = shown_to(**model_shown(user, model))
        assert model_shown_to(user, model) == expected, name
    assert model_shown_to(world.member, model)["mentions"] != []


def test_a_meeting_read_with_its_sql_compiled_once_is_the_querysets(world):
    from notes import audience

    paper, older = PaperFactory(year=2024), PaperFactory(year=2020)
    MeetingFactory(group=world.group_a, number=2, paper=paper).papers.add(older, paper)
    world.meeting.presenters.add(world.member)
    fields = ["pk", "group_id", "number", "date", "paper_id", "series_id", "title_zh", "created"]

    def seen(meeting):
        if meeting is None:
            return None
        return (
            [getattr(meeting, name) for name in fields],
            meeting.group.slug,
            meeting.paper and meeting.paper.title,
            meeting.series,
            [p.pk for p in meeting.papers.all()],
            sorted(u.pk for u in meeting.presenters.all()),
        )

    for name, user in world.users.items():
        for slug in ("group-a", "group-b", "nothing"):
            for number in (1, 2, 3):
                expected = audience._meeting_query(user, slug, number).prefetch_related(
                    "papers", "presenters"
                )
                found = audience._read_meeting(user, slug, number)
                assert seen(found) == seen(next(iter(expected), None)), (name, slug, number)
    assert seen(audience._read_meeting(world.member, "group-a", 2))[4] == [paper.pk, older.pk]
    assert audience._read_meeting(world.superuser, "group-b", 1) is not None
    assert audience._read_meeting(world.member, "group-b", 1) is None
