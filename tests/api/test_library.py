"""The knowledge base through the API: the site's filters, citations, families, search."""

import re

import pytest

from tests.factories import (
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingListFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [item["slug"] for item in response.json()["items"]]


def test_papers_filter_as_the_site_does(api_as, world):
    lab = OrganizationFactory(slug="lab")
    old = PaperFactory(year=2019, title_en="Attention everywhere")
    new = PaperFactory(year=2023, title_en="Agents that plan")
    new.organizations.add(lab)
    new.tags.add("Agents")
    NoteFactory(paper=old, author=world.member, visibility="private")
    caller = api_as(world.member)
    assert slugs(caller.get("/papers")) == [new.slug, old.slug]
    assert slugs(caller.get("/papers?sort=oldest")) == [old.slug, new.slug]
    assert slugs(caller.get("/papers?org=lab")) == [new.slug]
    assert slugs(caller.get("/papers?topic=agents")) == [new.slug]
    assert slugs(caller.get("/papers?year=2019")) == [old.slug]
    assert slugs(caller.get("/papers?q=attention")) == [old.slug]
    assert slugs(caller.get("/papers?has_notes=true")) == [old.slug]
    # The member's private note counts for them, not for another member.
    assert slugs(api_as(world.other).get("/papers?has_notes=true")) == []
    row = caller.get(f"/papers/{old.slug}").json()
    assert (row["note_count"], row["meeting_count"]) == (1, 0)


def test_papers_page_through_in_a_stable_order(api_as, world):
    papers = [PaperFactory(year=2020, month=1, title_en="Same title") for _ in range(5)]
    caller = api_as(world.member)
    first = caller.get("/papers?page_size=2").json()
    assert (first["count"], first["pages"]) == (5, 3)
    assert first["next"] == "/api/v1/papers?page_size=2&page=2"
    seen = slugs(caller.get("/papers?page_size=2"))
    seen += slugs(caller.get("/papers?page_size=2&page=2"))
    seen += slugs(caller.get("/papers?page_size=2&page=3"))
    assert sorted(seen) == sorted(p.slug for p in papers)
    assert slugs(caller.get("/papers?page=99")) == []


@pytest.mark.parametrize(
    "query", ["page=0", "page_size=1000", "year=abc", "sort=random", "since=-1", "page=x"]
)
def test_bad_query_parameters_get_422(api_as, world, query):
    response = api_as(world.member).get(f"/papers?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


@pytest.mark.parametrize("year", ["-5", "0", "1899", "40000", "next+1"])
def test_a_year_no_paper_may_have_gets_422(api_as, world, year):
    """/papers?year=-5, 0 or 40000 answered every paper, as if no year were asked: the
    filter dropped what was not four digits. A paper's year is 1900 to next year."""
    from django.utils import timezone

    PaperFactory(year=2020)
    if year == "next+1":
        year = str(timezone.now().year + 2)
    response = api_as(world.member).get(f"/papers?year={year}")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["query", "year"]
    next_year = str(timezone.now().year + 1)
    assert api_as(world.member).get(f"/papers?year={next_year}").json()["count"] == 0


def unknown(response):
    assert response.status_code == 400, response.content
    return response.json()


def test_a_filter_naming_nothing_gets_400_with_the_values_alike(api_as, world):
    """A topic or organisation that nothing is called: a client error that names the
    parameter, its value and the values like it, not an empty list with no word of why;
    one that no paper has (a known value with nothing to list): an empty list."""
    paper = PaperFactory()
    paper.tags.add("Surveys", "Prompting")
    paper.organizations.add(OrganizationFactory(slug="openai", name="OpenAI"))
    OrganizationFactory(slug="deepmind", name="DeepMind")  # of no paper
    LanguageModelFactory(slug="agent-lm").tags.add("Agents")  # a topic of no paper
    caller = api_as(world.member)
    assert unknown(caller.get("/papers?topic=survey", HTTP_ACCEPT_LANGUAGE="en")) == {
        "detail": "No topic is called “survey”. Did you mean surveys?",
        "parameter": "topic",
        "value": "survey",
        "alike": ["surveys"],
    }
    answer = unknown(caller.get("/papers?topic=surveys&org=nope", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert answer["detail"] == "没有叫“nope”的机构。"
    assert (answer["parameter"], answer["value"], answer["alike"]) == ("org", "nope", [])
    answer = unknown(caller.get("/papers?org=OpenAl&format=bibtex", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert answer["detail"] == "没有叫“OpenAl”的机构。你是不是想找 openai？"
    for query in ["topic=agents", "org=deepmind", "topic=surveys&year=1990", "topic="]:
        response = caller.get(f"/papers?{query}")
        assert response.status_code == 200, query
        assert slugs(response) == ([paper.slug] if query == "topic=" else []), query
    assert slugs(caller.get("/papers?topic=surveys&org=openai")) == [paper.slug]


def test_a_known_filter_value_is_checked_at_no_query_once_the_options_are_kept(
    api_as, world, django_assert_num_queries
):
    """The topics and organisations papers have are the site filter's options, kept until
    the library changes: a known value is checked against them, not by a query."""
    paper = PaperFactory()
    paper.tags.add("Agents")
    paper.organizations.add(OrganizationFactory(slug="lab"))
    caller = api_as(world.member)
    assert slugs(caller.get("/papers?topic=agents")) == [paper.slug]  # the options kept
    # as tests/api/test_queries.py: token, version, count, page, its two prefetches, change
    with django_assert_num_queries(7):
        assert slugs(caller.get("/papers?topic=agents&org=lab")) == [paper.slug]


def test_model_and_note_filters_naming_nothing_get_400(api_as, world):
    LanguageModelFactory(slug="llama", name="LLaMA", organization=OrganizationFactory(slug="meta"))
    OrganizationFactory(slug="openai")
    PaperFactory().tags.add("Surveys")
    caller = api_as(world.member)
    answers = {
        "/models?family=lama": ("family", ["llama"]),
        "/models?organization=met": ("organization", ["meta"]),
        "/notes?tag=survey": ("tag", ["surveys"]),
        "/notes?model=LLaMa-2": ("model", ["llama"]),
    }
    for path, (parameter, values) in answers.items():
        answer = unknown(caller.get(path, HTTP_ACCEPT_LANGUAGE="en"))
        assert (answer["parameter"], answer["alike"]) == (parameter, values), path
    assert unknown(caller.get("/models?family=gpt", HTTP_ACCEPT_LANGUAGE="en"))["detail"] == (
        "No model is called “gpt”."
    )
    for path in ["/models?organization=openai", "/notes?tag=surveys", "/notes?model=llama"]:
        response = caller.get(path)
        assert (response.status_code, slugs(response)) == (200, []), path


def test_a_topic_of_notes_the_caller_may_not_read_is_not_told(api_as, world):
    """The names offered for a mistyped topic were every topic's: a member learnt those
    of another group's private notes, and that they were used (200, not 400)."""
    world.note_b.visibility = "private"
    world.note_b.save()
    world.note_b.tags.add("Acquisition plans (confidential)")
    world.shared.tags.add("Acquisition rumours")
    caller = api_as(world.member)
    answer = unknown(caller.get("/notes?tag=acquisition", HTTP_ACCEPT_LANGUAGE="en"))
    assert answer["alike"] == ["acquisition-rumours"]
    secret = caller.get("/notes?tag=acquisition-plans-confidential")
    assert secret.status_code == 400  # as for a topic nobody uses
    assert "acquisition-plans-confidential" not in secret.json()["alike"]
    # Its author, and everyone for a topic the library's papers have, are answered.
    assert slugs(api_as(world.other).get("/notes?tag=acquisition-plans-confidential")) == [
        world.note_b.slug
    ]
    # Nor does the paper list tell it (200, empty, where a topic nobody uses is 400).
    assert caller.get("/papers?topic=acquisition-plans-confidential").status_code == 400
    PaperFactory().tags.add("Acquisition plans (confidential)")
    assert caller.get("/notes?tag=acquisition-plans-confidential").status_code == 200
    assert caller.get("/papers?topic=acquisition-plans-confidential").status_code == 200


def test_cite_papers_and_a_reading_list(api_as, world):
    paper = PaperFactory(authors="Wayne Xin Zhao and Kun Zhou", title_en="A Survey of LLMs")
    caller = api_as(world.member)
    bibtex = caller.get(f"/papers/{paper.slug}?format=bibtex")
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    assert bibtex.content.decode().startswith(f"@misc{{{paper.citation_key},")
    assert bibtex["ETag"]
    listed = caller.get("/papers?format=csl-json").json()
    assert [item["id"] for item in listed] == [paper.citation_key]
    reading_list = ReadingListFactory()
    reading_list.items.create(paper=paper, position=1, comment_en="Start here")
    detail = caller.get(f"/reading-lists/{reading_list.slug}").json()
    assert detail["items"][0]["paper"]["slug"] == paper.slug
    assert detail["items"][0]["comment_en"] == "Start here"
    cited = caller.get(f"/reading-lists/{reading_list.slug}?format=bibtex").content.decode()
    assert paper.citation_key in cited


def test_a_models_family_and_lineage(api_as, world):
    llama = LanguageModelFactory(slug="llama", name="LLaMA")
    alpaca = LanguageModelFactory(
        slug="alpaca", name="Alpaca", base_model=llama, relation="instruction_tuning"
    )
    LanguageModelFactory(slug="alpaca-lora", base_model=alpaca, relation="lora")
    LanguageModelFactory(slug="gpt-2")
    caller = api_as(world.member)
    detail = caller.get("/models/alpaca").json()
    assert detail["base_model"]["slug"] == "llama"
    assert (detail["relation"], detail["family"]) == ("instruction_tuning", "llama")
    family = caller.get("/models/alpaca-lora/family").json()
    assert family["root"] == "llama"
    assert [(m["slug"], m["base_model"], m["relation"]) for m in family["models"]] == [
        ("llama", None, ""),
        ("alpaca", "llama", "instruction_tuning"),
        ("alpaca-lora", "alpaca", "lora"),
    ]
    assert sorted(slugs(caller.get("/models?family=llama"))) == ["alpaca", "alpaca-lora", "llama"]


def test_search_finds_only_what_the_caller_may_read(api_as, world):
    from search.index import rebuild

    world.private.title_en = "Zeppelin secrets"
    world.private.save()
    rebuild()
    mine = api_as(world.member).get("/search?q=zeppelin").json()
    theirs = api_as(world.other).get("/search?q=zeppelin").json()
    assert mine["total"] == 1
    notes = next(g for g in mine["groups"] if g["kind"] == "notes")
    assert notes["hits"][0]["url"] == world.private.get_absolute_url()
    assert theirs["total"] == 0
    paged = api_as(world.member).get("/search?q=zeppelin&kind=notes").json()
    assert (paged["page"], paged["pages"]) == (1, 1)


def test_search_pages_through_every_kind_it_answers_comments_too(api_as, world):
    """The answer's groups include comments, but kind=comments was refused (422): a
    caller saw five of them and could not page through the rest."""
    from search.index import rebuild

    for number in range(7):
        api_as(world.member).post(
            "/comments", {"note": world.shared.slug, "body": f"Zeppelin thought {number}"}
        )
    rebuild()
    found = api_as(world.member).get("/search?q=zeppelin").json()
    [comments] = [g for g in found["groups"] if g["kind"] == "comments"]
    assert (comments["count"], len(comments["hits"])) == (7, 5)
    paged = api_as(world.member).get("/search?q=zeppelin&kind=comments")
    assert paged.status_code == 200
    assert (paged.json()["kind"], paged.json()["page"], paged.json()["pages"]) == ("comments", 1, 1)
    [all_of_them] = [g for g in paged.json()["groups"] if g["kind"] == "comments"]
    assert len(all_of_them["hits"]) == 7
    assert api_as(world.other).get("/search?q=zeppelin&kind=comments").json()["total"] == 0


@pytest.mark.parametrize(
    ("language", "hit"),
    [
        ("en", ("#2 Zeppelin meeting", "飞艇组会 · Group A · 2023-10-25", "… Airships.")),
        ("zh-hans", ("#2 飞艇组会", "Zeppelin meeting · 甲组 · 2023-10-25", "飞艇。 …")),
    ],
)
def test_search_hits_follow_the_callers_language(api_as, world, language, hit):
    world.group_a.name, world.group_a.name_zh = "Group A", "甲组"
    world.group_a.save()
    MeetingFactory(
        group=world.group_a, number=2, title_zh="飞艇组会", title_en="Zeppelin meeting",
        body_zh="飞艇。", body_en="Airships.",
    )  # fmt: skip
    found = api_as(world.member).get("/search?q=zeppelin", HTTP_ACCEPT_LANGUAGE=language).json()
    [meetings] = [g for g in found["groups"] if g["kind"] == "meetings"]
    strip = re.compile(r"</?mark>")
    shown = [
        tuple(strip.sub("", h[key]) for key in ("title", "subtitle", "snippet"))
        for h in meetings["hits"]
    ]
    assert shown == [hit]


def test_unknown_records_are_404(api_as, world):
    caller = api_as(world.member)
    for path in ["/papers/nope", "/models/nope", "/models/nope/family", "/datasets/nope",
                 "/organizations/nope", "/glossary/nope", "/reading-lists/nope",
                 "/groups/nope", "/meetings/999999", "/notes/nope"]:  # fmt: skip
        response = caller.get(path)
        assert (path, response.status_code) == (path, 404)
        assert response.json() == {"detail": "Not Found"}


def test_meetings_filter_by_group_time_and_paper(api_as, world):
    import datetime

    from tests.factories import MeetingFactory

    paper = PaperFactory()
    upcoming = MeetingFactory(group=world.group_a, date=datetime.date(2099, 1, 1), paper=paper)
    discussed = MeetingFactory(group=world.group_a, date=datetime.date(2020, 1, 1))
    discussed.papers.add(paper)
    caller = api_as(world.member)

    def ids(query):
        return [m["id"] for m in caller.get(f"/meetings?{query}").json()["items"]]

    assert ids(f"paper={paper.slug}") == [upcoming.pk, discussed.pk]
    assert ids("when=upcoming") == [upcoming.pk]
    assert ids(f"group={world.group_a.slug}&paper={paper.slug}") == [upcoming.pk, discussed.pk]
    # Another group's, and a paper none is called: 400 (tests/api/test_together.py).
    assert caller.get(f"/meetings?group={world.group_b.slug}").status_code == 400
    assert caller.get("/meetings?paper=no-such-paper").status_code == 400


@pytest.mark.parametrize(
    ("query", "kind", "message", "chinese"),
    [
        ("/papers?page=abc", "int_parsing", "page: enter a whole number.", "page：请输入整数。"),
        ("/papers?page=0", "greater_than_equal", "page: enter a number no less than 1.",
         "page：请输入不小于 1 的数。"),
        ("/papers?page_size=1000", "less_than_equal",
         "page_size: enter a number no greater than 200.", "page_size：请输入不大于 200 的数。"),
        ("/search", "missing", "q: this is required.", "q：此项必填。"),
        ("/search?q=" + "x" * 201, "string_too_long", "q: enter at most 200 characters.",
         "q：最多 200 个字符。"),
        ("/papers?has_notes=maybe", "bool_parsing", "has_notes: enter true or false.",
         "has_notes：请输入 true 或 false。"),
    ],
)  # fmt: skip
def test_bad_input_is_told_in_the_callers_language(api_as, world, query, kind, message, chinese):
    """Pydantic's messages were English whatever Accept-Language asked ("Input should be
    a valid integer, unable to parse string as an integer"); the answer's shape stays."""
    caller = api_as(world.member)
    english = caller.get(query, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    field = message.split(":")[0]
    assert [(e["type"], e["loc"][-1], e["msg"]) for e in english] == [(kind, field, message)]
    answer = caller.get(query, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    assert [e["msg"] for e in answer] == [chinese]
    assert answer[0].keys() == english[0].keys()


def test_not_found_is_told_in_the_callers_language(api_as, world):
    """A 404 said "Not Found" in English alone (and, in DEBUG, Django's "No Paper matches
    the given query.")."""
    caller = api_as(world.member)
    for path in ["/papers/zzz", "/no/such/thing"]:
        assert caller.get(path, HTTP_ACCEPT_LANGUAGE="en").json() == {"detail": "Not Found"}
        answer = caller.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert (answer.status_code, answer.json()) == (404, {"detail": "未找到"})
