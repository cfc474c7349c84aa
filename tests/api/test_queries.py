"""Lists read a constant number of queries, whatever their length."""

import pytest

from api.models import ApiToken
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingListFactory,
)

pytestmark = pytest.mark.django_db


def make_papers(n, world):
    for _ in range(n):
        paper = PaperFactory()
        paper.organizations.add(OrganizationFactory())
        paper.tags.add("agents", "surveys")
        NoteFactory(paper=paper, author=world.member)


def make_models(n, world):
    base = None
    for _ in range(n):
        base = LanguageModelFactory(
            organization=OrganizationFactory(), base_model=base, relation="lora" if base else ""
        )


def make_datasets(n, world):
    for _ in range(n):
        DatasetFactory(organization=OrganizationFactory()).papers.add(PaperFactory())


def make_terms(n, world):
    for _ in range(n):
        GlossaryTermFactory().papers.add(PaperFactory())


def make_meetings(n, world):
    for number in range(n):
        meeting = MeetingFactory(group=world.group_a, number=100 + number, paper=PaperFactory())
        meeting.presenters.add(world.presenter)
        meeting.papers.add(PaperFactory())


def make_coming_meetings(n, world):
    import datetime

    for number in range(n):
        meeting = MeetingFactory(
            group=world.group_a, number=200 + number, date=datetime.date(2099, 1, 1 + number)
        )
        meeting.presenters.add(world.presenter)


def make_notes(n, world):
    for _ in range(n):
        NoteFactory(author=world.member, group=world.group_a, paper=PaperFactory()).tags.add("x")


def make_lists(n, world):
    for _ in range(n):
        ReadingListFactory(group=world.group_a)


def make_comments(n, world):
    from notes import discussion

    for _ in range(n):
        discussion.add_comment(world.member, PaperFactory(), "A comment", group=world.group_a)
        discussion.add_comment(world.organiser, world.meeting, "On the meeting")


def make_statuses(n, world):
    from notes.models import ReadingStatus

    for _ in range(n):
        ReadingStatus.set(world.member, PaperFactory(), "read")
        ReadingStatus.set(world.organiser, PaperFactory(), "reading")


# path, maker, queries: token (1) + version (1) + count + page + prefetches + last change (1)
LISTS = [
    ("/papers", make_papers, 7),
    ("/models", make_models, 5),
    ("/datasets", make_datasets, 7),
    ("/glossary", make_terms, 6),
    ("/meetings", make_meetings, 7),
    ("/notes", make_notes, 6),
    ("/reading-lists", make_lists, 5),
    ("/organizations", lambda n, w: [OrganizationFactory() for _ in range(n)], 5),
    ("/comments", make_comments, 5),
    ("/reading-status", make_statuses, 5),
    ("/meetings?when=upcoming", make_coming_meetings, 7),
]


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize(("path", "make", "queries"), LISTS, ids=[p for p, *_ in LISTS])
def test_list_queries_do_not_grow_with_its_length(
    client, world, path, make, queries, n, django_assert_num_queries
):
    make(n, world)
    token, secret = ApiToken.issue(world.member, "q", ApiToken.Scope.READ)
    token.stamp()  # the first use writes the stamp; later ones within a minute do not
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["count"] >= n


def test_meetings_of_a_paper_look_the_paper_up_once(client, world, django_assert_num_queries):
    """The paper was looked up by its slug for the filter's check (400 when none is
    called so), then again inside the count and inside the page (a subquery twice in
    each): once now, and the lists filter by its id."""
    paper = PaperFactory(slug="the-filtered-paper")
    presented = MeetingFactory(group=world.group_a, number=7, paper=paper)
    discussed = MeetingFactory(group=world.group_a, number=8)
    discussed.papers.add(paper)
    MeetingFactory(group=world.group_a, number=9, paper=PaperFactory())
    token, secret = ApiToken.issue(world.member, "q", ApiToken.Scope.READ)
    token.stamp()
    with django_assert_num_queries(8) as captured:
        response = client.get(
            "/api/v1/meetings?paper=the-filtered-paper", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
    assert sorted(m["id"] for m in response.json()["items"]) == [presented.pk, discussed.pk]
    lookups = [q["sql"] for q in captured.captured_queries if "the-filtered-paper" in q["sql"]]
    assert len(lookups) == 1, lookups
