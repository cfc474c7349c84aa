"""Reading the group's pages (notes/views.py): groups, meetings, notes, the glossary and
reading lists."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.feeds import token_for
from notes.models import ReadingListItem
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 3])
def test_meeting_page_queries_do_not_grow(
    member_client, member, group, django_assert_num_queries, count
):
    meeting = MeetingFactory(group=group, title_en="Scaling laws")
    papers, notes = [], []
    for _ in range(count):
        papers.append(PaperFactory())
        notes.append(NoteFactory(meeting=meeting))
    meeting.papers.add(*papers)
    # Nothing cached: the notes' keys (what this member may read), then the shared
    # fragments' records. Another member's view makes 5 (tests/core/test_fragments.py).
    # + the group's members (with the member's role, for "Edit"), their reading with the
    # member's statuses, the discussion; the first view also reads the member's audience
    # and roles (one query), and their own statuses apart from the group's (kept for the
    # group); the models, datasets and sources discussed come in one query
    # (Meeting.linked_records)
    with django_assert_num_queries(12):
        response = member_client.get(meeting.get_absolute_url())
    assert len(response.context["notes"]) == count
    assertContains(response, "Scaling laws")
    assertContains(response, "规模定律")  # the write-up
    for paper in papers:
        assertContains(response, paper.title_en)
    for note in notes:
        assertContains(response, note.get_absolute_url())


@pytest.mark.parametrize(("count", "more"), [(5, ""), (12, "and 7 more")])
def test_the_plan_names_five_papers_and_links_to_the_others(member_client, group, count, more):
    """A meeting of sixty papers filled the plan's box with all of them (2 600 px)."""
    meeting = MeetingFactory(group=group)
    meeting.papers.set(PaperFactory(title_en=f"Paper {n:02d}") for n in range(count))
    page = member_client.get(meeting.get_absolute_url()).content.decode()
    plan = page.split('<ul class="plain reading-before-list">')[1].split("</ul>")[0]
    assert plan.count("<li>") == 5
    if more:
        assert f'<li class="more"><a href="#discussed-papers">{more}</a></li>' in plan
        assert '<ul class="plain" id="discussed-papers">' in page
    else:
        assert 'class="more"' not in plan


def test_meeting_page_lists_its_models_datasets_and_sources_in_their_order(member_client, group):
    """Read in one query, shown as each model orders them: models by release (an unknown
    date last), then by name; datasets by name as people read it; sources by slug."""
    meeting = MeetingFactory(group=group)
    meeting.language_models.add(
        LanguageModelFactory(name="zeta", released=None),
        LanguageModelFactory(name="LLaMA 2", released=datetime.date(2023, 7, 18)),
        LanguageModelFactory(name="GPT-3", released=datetime.date(2020, 5, 28)),
        LanguageModelFactory(name="alpha", released=None),
    )
    meeting.datasets.add(DatasetFactory(name="MMLU"), DatasetFactory(name="ARC"))
    meeting.sources.add(
        SourceFactory(slug="b-notes", title_zh="组会记录", title_en="Meeting notes"),
        SourceFactory(slug="a-survey", title_zh="综述", title_en="The survey"),
    )
    linked = member_client.get(meeting.get_absolute_url()).context["linked"]
    assert [model.name for model in linked["model"]] == ["GPT-3", "LLaMA 2", "alpha", "zeta"]
    assert linked["model"][0].url == meeting.language_models.get(name="GPT-3").get_absolute_url()
    assert [dataset.name for dataset in linked["dataset"]] == ["ARC", "MMLU"]
    assert [source.title_en for source in linked["source"]] == ["The survey", "Meeting notes"]


def test_meeting_page_lists_datasets_named_in_chinese_by_pinyin(member_client, group):
    """By code point they came after the Latin-lettered ones, 中文维基 before 悟道; by
    pinyin 悟道 wù before 中文维基 zhōng, and before the Latin-lettered ones."""
    meeting = MeetingFactory(group=group)
    meeting.datasets.add(*(DatasetFactory(name=name) for name in ["中文维基", "C4", "悟道"]))
    linked = member_client.get(meeting.get_absolute_url()).context["linked"]
    assert [dataset.name for dataset in linked["dataset"]] == ["悟道", "中文维基", "C4"]


def test_meeting_page_has_a_table_of_contents(member_client, group):
    meeting = MeetingFactory(group=group, body_zh="# 背景\n\n## 规模定律\n\n正文")
    response = member_client.get(meeting.get_absolute_url())
    contents = response.context["contents"].zh
    assert [title for _level, _id, title in contents] == ["背景", "规模定律"]


def test_meeting_of_another_group_is_not_found(member_client):
    assert member_client.get(MeetingFactory().get_absolute_url()).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_group_page_queries_do_not_grow(member_client, group, django_assert_num_queries, count):
    meetings, members = [], []
    for _ in range(count):
        meeting = MeetingFactory(group=group)
        meeting.papers.add(PaperFactory())
        meetings.append(meeting)
        members.append(MembershipFactory(group=group).user)
    # + the group's series (planned ahead), the organiser check, swap requests for the
    # reader; what changed (five kinds) and the member's last visit (the reader's time
    # zone only when a coming meeting has a time: these have a date only)
    with django_assert_num_queries(16):
        response = member_client.get(group.get_absolute_url())
    assertContains(response, group.name)
    for meeting in meetings:
        assertContains(response, meeting.get_absolute_url())
    for user in members:
        assertContains(response, user.username)


@pytest.mark.parametrize("count", [1, 3])
def test_my_notes_queries_do_not_grow(member_client, member, django_assert_num_queries, count):
    notes = [NoteFactory(author=member, paper=PaperFactory()) for _ in range(count)]
    token_for(member)  # the feed key is made on the first visit, read on every other
    with django_assert_num_queries(4):  # session, user, notes, feed key
        response = member_client.get(reverse("notes:my_notes"))
    assert len(response.context["page_obj"]) == count
    for note in notes:
        assertContains(response, note.get_absolute_url())
        assertContains(response, note.paper.title_en)


@pytest.mark.parametrize("count", [1, 3])
def test_glossary_queries_do_not_grow(member_client, django_assert_num_queries, count):
    terms = []
    for _ in range(count):
        term = GlossaryTermFactory()
        term.papers.add(PaperFactory())
        terms.append(term)
    # + the member's audience and roles (one query, kept for them): the page is kept for
    # everyone who reads alike (core.audiencepage)
    with django_assert_num_queries(4):
        response = member_client.get(reverse("notes:glossary"))
    assert len(response.context["terms"]) == count
    for term in terms:
        assertContains(response, term.title_en)
        assertContains(response, term.title_zh)
        assertContains(response, term.papers.get().get_absolute_url())


@pytest.mark.parametrize("count", [1, 3])
def test_reading_list_keeps_its_order(member_client, django_assert_num_queries, count):
    reading_list = ReadingListFactory()
    papers = [PaperFactory() for _ in range(count)]
    for position, paper in enumerate(reversed(papers), start=1):
        ReadingListItem.objects.create(reading_list=reading_list, paper=paper, position=position)
    # + the list's items and their papers' organisations (kept with the list), the
    # member's audience and roles (the page is kept for everyone who reads alike)
    with django_assert_num_queries(6):
        response = member_client.get(reading_list.get_absolute_url())
    listed = [item.paper.pk for item in response.context["items"]]
    assert listed == [paper.pk for paper in reversed(papers)]
    assertContains(response, reading_list.title_en)
    content = response.content.decode()
    positions = [content.index(paper.title_en) for paper in reversed(papers)]
    assert positions == sorted(positions)


def test_group_page_shows_upcoming_and_past_meetings_apart(member_client, group):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    old = MeetingFactory(group=group, date=today - datetime.timedelta(days=7))
    later = MeetingFactory(group=group, date=today + datetime.timedelta(days=14))
    soon = MeetingFactory(group=group, date=today + datetime.timedelta(days=7))
    response = member_client.get(group.get_absolute_url())
    assert (response.context["upcoming"], response.context["past"]) == ([soon, later], [old])


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("en", "Members present papers.", "成员轮流分享论文。"),
        ("zh-hans", "成员轮流分享论文。", "Members present papers."),
    ],
)
def test_group_page_describes_the_group_in_the_readers_language(
    member_client, group, language, shown, not_shown
):
    """One description held both languages, shown mixed to every reader."""
    group.description_en, group.description_zh = "Members present papers.", "成员轮流分享论文。"
    group.save()
    response = member_client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assertContains(response, shown)
    assertNotContains(response, not_shown)
    # A description in one language only is shown, marked so, to readers of the other.
    group.description_zh = ""
    group.save()
    response = member_client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, '<span lang="en">Members present papers.</span>')


def test_group_pages_meeting_rows_do_not_repeat_the_groups_name(member_client, group):
    """The group's own page named the group again under each of its meetings; a paper's
    page, which lists the meetings of several groups, still names each one's group."""
    group.name, group.name_zh = "Foundation Models Circle", "基础模型读书会"
    group.save()
    today = datetime.date.today()
    paper = PaperFactory()
    for days in (-7, 7):
        MeetingFactory(group=group, date=today + datetime.timedelta(days=days)).papers.add(paper)
    page = member_client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    rows = page.content.decode().split('class="meeting-row')[1:]
    assert len(rows) == 2
    assert not any("Foundation Models Circle" in row.split("</li>")[0] for row in rows)
    paper_page = member_client.get(paper.get_absolute_url())
    assertContains(paper_page, "<span>Foundation Models Circle</span>")


def test_meeting_shows_its_presented_paper_apart_from_those_discussed(member_client, group):
    survey = PaperFactory(title_en="A Survey of Large Language Models", arxiv_id="2303.18223")
    meeting = MeetingFactory(group=group, paper=survey)
    meeting.papers.add(survey, PaperFactory(title_en="LLaMA"), PaperFactory(title_en="GPT-4"))
    response = member_client.get(meeting.get_absolute_url())
    assertContains(response, 'href="https://arxiv.org/abs/2303.18223"')
    assertContains(response, "3 papers discussed")


def test_a_note_does_not_show_a_meeting_its_reader_cannot_see(member_client):
    meeting = MeetingFactory(title_zh="别组的秘密组会")
    note = NoteFactory(meeting=meeting, visibility="everyone")
    response = member_client.get(note.get_absolute_url())
    assertContains(response, note.title_en)
    assertNotContains(response, "别组的秘密组会")
    assertNotContains(response, meeting.get_absolute_url())


def test_an_imported_notes_byline_names_its_source_as_the_footer_does(member_client):
    """In the Chinese interface, the byline of a note from a source document names it in
    Chinese, as the page's footer does."""
    source = SourceFactory(
        title_en="Obsidian note “LLM” (Markdown)", title_zh="Obsidian 笔记《LLM》"
    )
    note = NoteFactory(
        author=None,
        author_name="Obsidian note “LLM”",
        author_name_zh="Obsidian 笔记《LLM》",
        visibility="everyone",
        title_en="Emergent abilities",
    )
    note.sources.add(source)
    response = member_client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, '<p class="meta"><span>Obsidian 笔记《LLM》</span>')
    assertNotContains(response, "Obsidian note “LLM”")
    response = member_client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(response, '<p class="meta"><span>Obsidian note “LLM”</span>')


@pytest.mark.parametrize("count", [1, 3])
def test_note_detail_queries_do_not_grow(
    member_client, member, group, django_assert_num_queries, count
):
    meeting = MeetingFactory(group=group)
    note = NoteFactory(
        author=member,
        group=group,
        visibility="group",
        paper=PaperFactory(title_en="Chain of Thought"),
        language_model=LanguageModelFactory(name="LLaMA"),
        meeting=meeting,
    )
    sources = [SourceFactory() for _ in range(count)]
    note.sources.add(*sources)
    tags = [f"topic {n}" for n in range(count)]
    note.tags.add(*tags)
    note.paper.tags.add(*tags)  # topics of papers too: each links to their papers
    # user, note with paper, model and meeting, tags, sources, may the reader see the
    # meeting, the meeting's group (for the link to it), which tags papers carry, the
    # member's audience (the discussion is kept for it)
    with django_assert_num_queries(9):
        response = member_client.get(note.get_absolute_url())
    assertContains(response, note.title_en)
    assertContains(response, "Chain-of-thought prompting improves reasoning.")
    assertContains(response, "Chain of Thought")
    assertContains(response, "LLaMA")
    assertContains(response, meeting.get_absolute_url())
    for tag in tags:
        slug = tag.replace(" ", "-")
        link = f'<a class="tag" href="/papers/?topic={slug}">{tag}</a>'
        assertContains(response, link, html=True)  # the papers of that topic
    for source in sources:
        assertContains(response, source.title)


def test_meeting_page_offers_edit_to_those_who_may_change_it(world, client):
    """The role comes with the group's members read for the progress: the same answer
    as permissions.may_change."""
    from notes.permissions import may_change

    url = world.meeting.get_absolute_url()
    for name in ("organiser", "member", "presenter", "superuser"):
        user = getattr(world, name)
        client.force_login(user)
        shown = (
            "Edit the meeting page" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )
        assert shown == may_change(user, world.meeting), name
        assert shown == (name != "member"), name


def test_a_notes_tag_links_to_the_papers_of_that_topic_only_if_there_are_some(
    member_client, member
):
    paper = PaperFactory(title_en="Toolformer")
    paper.tags.add("Tool learning")
    note = NoteFactory(author=member, paper=paper, visibility="everyone")
    note.tags.add("Tool learning", "my own label")
    response = member_client.get(note.get_absolute_url())
    link = '<a class="tag" href="/papers/?topic=tool-learning">Tool learning</a>'
    assertContains(response, link, html=True)
    assertContains(response, '<span class="tag">my own label</span>', html=True)


# The interface's languages, as a browser asks for them.
ACCEPT = {"en": "en", "zh": "zh-CN,zh;q=0.9"}
LANG = {"zh": "zh-Hans", "en": "en"}


@pytest.mark.parametrize(("shown", "other"), [("en", "zh"), ("zh", "en")])
def test_meeting_and_group_pages_title_a_meeting_in_the_interface_language(
    member_client, group, shown, other
):
    titles = {"zh": "组会分享：一篇综述", "en": "Group meeting talk: a survey"}
    meeting = MeetingFactory(group=group, title_zh=titles["zh"], title_en=titles["en"])

    page = member_client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])
    group_page = member_client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])

    assertContains(page, f"<title>{titles[shown]} · ")
    # Both languages in the heading, the interface's first.
    assertContains(page, f'<h1><span lang="{LANG[shown]}">{titles[shown]}</span></h1>', html=True)
    assertContains(page, f'<p class="subtitle" lang="{LANG[other]}">{titles[other]}</p>', html=True)
    # Past meetings.
    assertContains(group_page, f"#{meeting.number} {titles[shown]}</a>")
    assertNotContains(group_page, titles[other])


@pytest.mark.parametrize(("shown", "other"), [("en", "zh"), ("zh", "en")])
def test_reading_list_page_is_headed_in_the_interface_language(member_client, shown, other):
    titles = {"zh": "超 40 篇 LLM 论文汇总", "en": "LLM paper reading list"}
    reading_list = ReadingListFactory(title_zh=titles["zh"], title_en=titles["en"])

    page = member_client.get(reading_list.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])
    lists = member_client.get(reverse("notes:readinglist_list"), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])

    assertContains(page, f"<title>{titles[shown]} · ")
    assertContains(page, f'<h1><span lang="{LANG[shown]}">{titles[shown]}</span></h1>', html=True)
    assertContains(page, f'<p class="subtitle" lang="{LANG[other]}">{titles[other]}</p>', html=True)
    first, second = (f'<span lang="{LANG[code]}">{titles[code]}</span>' for code in (shown, other))
    assertContains(lists, f"{first} · {second}")


def test_note_page_title_follows_the_readers_choice(member_client):
    note = NoteFactory(title_zh="思维链笔记", title_en="Chain-of-thought notes")
    member_client.cookies["reading"] = "zh"

    response = member_client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assertContains(response, "<title>思维链笔记 · ")
    assertContains(response, '<h1><span lang="zh-Hans">思维链笔记</span></h1>', html=True)


def test_a_long_note_lists_its_headings_beside_it_as_a_meeting_does(member_client):
    """A note of many sections had no contents, where a meeting's write-up has them."""
    note = NoteFactory(
        body_zh="## 背景\n\n正文\n\n## 方法\n\n### 数据\n\n正文",
        body_en="## Background\n\nText\n\n## Method\n\nText",
    )
    response = member_client.get(note.get_absolute_url())
    contents = response.context["contents"]
    assert [title for _level, _id, title in contents.zh] == ["背景", "方法", "数据"]
    assert [title for _level, _id, title in contents.en] == ["Background", "Method"]
    html = response.content.decode()
    start = html.index('<nav class="toc"')
    nav = html[start : html.index("</nav>", start)]
    assert '<li class="toc-level-3"><a href="#数据">数据</a></li>' in nav
    assert '<ol class="toc-en side-en-only">' in nav
    assert '<div class="with-toc">' in html


def test_a_note_of_one_heading_takes_the_pages_width(member_client):
    """One line is no contents: its column would only narrow the note."""
    note = NoteFactory(body_zh="## 背景\n\n正文", body_en="Text")
    response = member_client.get(note.get_absolute_url())
    assert not response.context["contents"]
    assertNotContains(response, 'class="toc"')
    assertNotContains(response, "with-toc")


def _sections(*titles):
    return "".join(f"## {title}\n\ntext\n\n" for title in titles)


@pytest.mark.parametrize(
    ("zh", "en", "expected"),
    [
        # Each side its own list, of two headings or more.
        (_sections("一", "二"), _sections("One", "Two"), (["一", "二"], ["One", "Two"], True)),
        # One heading is no list: the other side keeps its own (it was dropped with it).
        (_sections("一"), _sections("One", "Two", "Three"), ([], ["One", "Two", "Three"], True)),
        (_sections("一", "二"), _sections("One"), (["一", "二"], [], True)),
        # One language: one list, whichever it is.
        ("", _sections("One", "Two"), (["One", "Two"], [], False)),
        (_sections("一", "二"), "", (["一", "二"], [], False)),
    ],
)
def test_a_texts_contents_follow_its_sides(zh, en, expected):
    contents = NoteFactory(body_zh=zh, body_en=en).contents()
    titles = ([t for _l, _i, t in contents.zh], [t for _l, _i, t in contents.en], contents.sides)
    assert titles == expected


def test_a_heading_on_both_sides_has_an_id_on_each(member_client):
    """ "## LoRA" on both sides was #lora twice: the English contents and links led to
    the Chinese heading, hidden when English is read alone (a review)."""
    note = NoteFactory(
        body_zh="## LoRA\n\n见[上文](#lora)。\n\n## 方法\n\n文字",
        body_en="## LoRA\n\nSee [above](#lora).\n\n## Method\n\nText",
    )
    assert 'id="lora"' in note.body_zh_html and 'href="#lora"' in note.body_zh_html
    assert 'id="lora-en"' in note.body_en_html and 'href="#lora-en">above' in note.body_en_html
    assert 'id="lora"' not in note.body_en_html
    contents = note.contents()
    assert [row[1] for row in contents.zh] == ["lora", "方法"]
    assert [row[1] for row in contents.en] == ["lora-en", "method"]
    page = member_client.get(note.get_absolute_url()).content.decode()
    assert page.count('id="lora"') == 1 and page.count('id="lora-en"') == 1
    # One language alone keeps its ids.
    assert 'id="lora"' in NoteFactory(body_zh="", body_en="## LoRA\n\nText").body_en_html


def test_each_sides_footnotes_have_ids_of_their_own():
    """Both sides' first footnote was #fn:1: the English one led to the Chinese."""
    note = NoteFactory(body_zh="正文[^1]\n\n[^1]: 注释", body_en="Text[^1]\n\n[^1]: A note")
    assert 'id="fn:1"' in note.body_zh_html and 'href="#fn:1"' in note.body_zh_html
    english = note.body_en_html
    assert 'id="fnref:1-en"' in english and 'href="#fn:1-en"' in english
    assert 'id="fn:1-en"' in english and 'href="#fnref:1-en"' in english
    assert 'id="fn:1"' not in english and not note.toc  # no headings, no contents


def test_ids_are_told_apart_in_tags_only_and_never_twice():
    """Code and text that spell out id="…" were rewritten as if they were tags, and a
    heading "LoRA en" of the English side already had the id "lora-en" (a review)."""
    note = NoteFactory(
        body_zh='## LoRA\n\n`<div id="lora">`',
        body_en='## LoRA\n\n## LoRA en\n\n`<a href="#lora">` and id="lora" in text, [up](#lora)',
    )
    english = note.body_en_html
    assert '<code>&lt;a href="#lora"&gt;</code> and id="lora" in text' in english
    assert 'id="lora-en-2"' in english and '<a href="#lora-en-2">up</a>' in english
    assert [row[1] for row in note.contents().en] == ["lora-en-2", "lora-en"]
