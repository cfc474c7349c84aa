import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains, assertNotContains

from notes import discussion
from notes.models import Comment, Meeting, Note, ReadingGroup
from search import signals
from search.index import index_records
from search.models import SearchDocument
from search.query import search
from tests.factories import (
    CommentFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_saving_a_record_indexes_its_rendered_markdown_as_text(user):
    note = NoteFactory(title_en="Scaling", body_en="**Bold** claim about *emergence*.")
    doc = SearchDocument.objects.get(object_id=note.pk, kind="notes")
    assert (doc.title, doc.url) == (note.title_zh, note.get_absolute_url())
    assert "Bold claim about emergence." in doc.body
    assert "<strong>" not in doc.body


def test_a_meetings_group_is_named_in_each_language(user):
    """Its subtitle names the group in Chinese, ``subtitle_en`` in English, whatever the
    language of the meeting's title: one group name under both titles showed the
    Chinese name under the English title of the English interface."""
    group = ReadingGroupFactory(name="LLM reading group", name_zh="大模型读书会")
    chinese = MeetingFactory(group=group, number=7, date=datetime.date(2024, 5, 8))
    english = MeetingFactory(group=group, number=8, title_zh="", title_en="Scaling laws")
    plain_group = MeetingFactory(group=ReadingGroupFactory(name="Reading group 9"), number=9)
    docs = SearchDocument.objects.filter(kind="meetings").values_list(
        "title", "title_en", "subtitle", "subtitle_en"
    )
    assert docs.get(object_id=chinese.pk) == (
        "#7 组会分享",
        "#7 Group meeting",
        "大模型读书会 · 2024-05-08",
        "LLM reading group · 2024-05-08",
    )
    assert docs.get(object_id=english.pk) == (
        "#8 Scaling laws",
        "",
        "大模型读书会 · 2023-10-25",
        "LLM reading group · 2023-10-25",
    )
    assert docs.get(object_id=plain_group.pk) == (
        "#9 组会分享",
        "#9 Group meeting",
        "Reading group 9 · 2023-10-25",
        "",
    )


def test_renaming_a_group_renames_it_in_its_meetings_hits(user):
    group = ReadingGroupFactory(name="LLM reading group", name_zh="大模型读书会")
    meeting = MeetingFactory(group=group)
    group.name, group.name_zh = "LLM club", "大模型俱乐部"
    group.save()
    doc = SearchDocument.objects.get(kind="meetings", object_id=meeting.pk)
    assert (doc.subtitle, doc.subtitle_en) == ("大模型俱乐部 · 2023-10-25", "LLM club · 2023-10-25")
    group.name_zh = ""
    group.save(update_fields=["name_zh"])
    doc = SearchDocument.objects.get(kind="meetings", object_id=meeting.pk)
    assert (doc.subtitle, doc.subtitle_en) == ("LLM club · 2023-10-25", "")


def test_only_a_new_name_indexes_a_groups_meetings_again(monkeypatch):
    """Every save of a group (its description, its settings) indexed its meetings again."""
    group = ReadingGroupFactory(name="LLM reading group", name_zh="大模型读书会")
    MeetingFactory(group=group)
    group = ReadingGroup.objects.get(pk=group.pk)  # read afresh, as a form reads it
    group.description_en = "We read papers on scaling."
    with CaptureQueriesContext(connection) as saving:
        group.save()
    read = " ".join(query["sql"] for query in saving.captured_queries)
    assert "notes_meeting" not in read and "search_searchdocument" not in read
    indexed = []
    monkeypatch.setattr(signals, "index_records", lambda model, condition: indexed.append(model))
    group.save(update_fields=["name", "description_en"])
    deferred = ReadingGroup.objects.only("description_en").get(pk=group.pk)
    deferred.description_en = "We read papers."
    deferred.save()
    assert indexed == []
    group.name_zh = "大模型俱乐部"
    group.save()
    assert indexed == [Meeting]
    group.save()
    group.name = "LLM club"
    group.save(update_fields=["description_en"])  # the new name is not written
    assert indexed == [Meeting]
    deferred.name = "LLM club"
    deferred.save()
    assert indexed == [Meeting, Meeting]


@pytest.mark.parametrize(
    ("language", "note_hit", "meeting_hit"),
    [
        (
            "en",
            ("Scaling notes", "规模定律笔记 · reader0"),
            ("#3 Group meeting", "组会分享 · Reading group 0 · 2023-10-25"),
        ),
        (
            "zh-hans",
            ("规模定律笔记", "Scaling notes · reader0"),
            ("#3 组会分享", "Group meeting · 读书会 0 · 2023-10-25"),
        ),
    ],
)
def test_a_bilingual_hit_is_titled_in_the_interfaces_language(
    language, note_hit, meeting_hit, admin_user
):
    """The English interface listed a bilingual note under its Chinese title."""
    author = UserFactory(username="reader0")
    group = ReadingGroupFactory(name="Reading group 0", name_zh="读书会 0")
    NoteFactory(
        author=author,
        title_zh="规模定律笔记",
        title_en="Scaling notes",
        body_en="Scaling.",
        paper=None,
        visibility="everyone",
    )
    MeetingFactory(group=group, number=3, body_en="Scaling.")
    with translation.override(language):
        groups = {g.kind: g.hits for g in search(admin_user, "scaling").groups}
    shown = {
        kind: [(strip_tags(h.title), strip_tags(h.subtitle)) for h in hits]
        for kind, hits in groups.items()
    }
    assert shown["notes"] == [note_hit]
    assert shown["meetings"] == [meeting_hit]


@pytest.mark.parametrize(
    ("language", "hits"),
    [
        (
            "en",
            [
                ("#3 Group meeting", "组会分享 · commenter"),
                ("Scaling laws", "commenter"),
                ("Scaling notes", "规模定律笔记 · commenter"),
            ],
        ),
        (
            "zh-hans",
            [
                ("#3 组会分享", "Group meeting · commenter"),
                ("Scaling laws", "commenter"),
                ("规模定律笔记", "Scaling notes · commenter"),
            ],
        ),
    ],
)
def test_a_comments_hit_is_titled_as_what_it_is_about_in_the_interfaces_language(
    language, hits, admin_user
):
    """The English interface titled a comment on a meeting or a bilingual note by the
    Chinese title (and repeated it after the author's name); a paper's comment, as the
    paper's own hit, by its English title in either interface."""
    author = UserFactory(username="commenter")
    group = ReadingGroupFactory()
    note = NoteFactory(title_zh="规模定律笔记", title_en="Scaling notes", body_en="", body_zh="")
    paper = PaperFactory(title_en="Scaling laws", title_zh="规模定律", summary_en="")
    for subject in (note, MeetingFactory(group=group, number=3, body_zh=""), paper):
        discussion.add_comment(author, subject, "A remark on zeppelins.", group=group)
    with translation.override(language):
        [comments] = [g.hits for g in search(admin_user, "zeppelin").groups if g.hits]
    assert sorted((strip_tags(h.title), strip_tags(h.subtitle)) for h in comments) == hits


@pytest.mark.parametrize("indexed_in", ["zh-hans", "en"])
def test_a_notes_byline_is_in_the_readers_language_whoever_saved_it(indexed_in, admin_user):
    """The index kept an imported note's source in the language of whoever saved it last:
    an English reader saw its Chinese name, or a Chinese reader its English one."""
    with translation.override(indexed_in):
        NoteFactory(
            author=None,
            author_name="Obsidian note “LLM”",
            author_name_zh="Obsidian 笔记《LLM》",
            title_zh="",
            title_en="Scaling notes",
            paper=None,
        )
    for language, byline in [("zh-hans", "Obsidian 笔记《LLM》"), ("en", "Obsidian note “LLM”")]:
        with translation.override(language):
            [notes] = [g.hits for g in search(admin_user, "scaling").groups if g.hits]
        assert [(strip_tags(h.title), h.subtitle) for h in notes] == [("Scaling notes", byline)]


@pytest.mark.parametrize("indexed_in", ["zh-hans", "en"])
def test_an_untitled_note_and_its_comment_are_named_in_the_readers_language(indexed_in, admin_user):
    """An untitled note's hit (and its comment's) was named "Untitled note" or "无标题笔记"
    in the language of whoever saved it last, whatever the reader's."""
    with translation.override(indexed_in):
        note = NoteFactory(title_zh="", title_en="", body_en="Zeppelins at scale.", paper=None)
        discussion.add_comment(UserFactory(), note, "Zeppelins again.", group=note.group)
    for language, name in [("zh-hans", "无标题笔记"), ("en", "Untitled note")]:
        with translation.override(language):
            hits = [h for g in search(admin_user, "zeppelin").groups for h in g.hits]
        assert sorted((h.kind, strip_tags(h.title)) for h in hits) == [
            ("comments", name),
            ("notes", name),
        ]


def test_a_notes_number_in_both_its_titles_is_shown_once_in_its_comments_hit():
    from search.query import Document, shown_titles

    fields = dict.fromkeys(Document._fields, "")
    fields.update(kind="comments", title="#3 规模定律", title_en="#3 Scaling", subtitle="Ada")
    document = Document(**fields)
    assert shown_titles(document, english=True) == ("#3 Scaling", "规模定律 · Ada")
    assert shown_titles(document, english=False) == ("#3 规模定律", "Scaling · Ada")


@pytest.mark.parametrize(
    ("language", "subtitle"),
    [
        ("en", "DPR：开放域问答的稠密检索 · eugeneyan"),
        ("zh-hans", "Dense Passage Retrieval · eugeneyan"),
    ],
)
def test_a_note_named_after_its_paper_is_not_titled_twice(language, subtitle, admin_user):
    """Its hit listed the paper's English title under the same English title:
    "Dense Passage Retrieval" over "DPR：… · eugeneyan · Dense Passage Retrieval"."""
    paper = PaperFactory(title_en="Dense Passage Retrieval", title_zh="DPR：开放域问答的稠密检索")
    NoteFactory(
        paper=paper,
        title_en=paper.title_en,
        title_zh=paper.title_zh,
        author=UserFactory(username="eugeneyan"),
        visibility="everyone",
    )
    with translation.override(language):
        [notes] = [g for g in search(admin_user, "retrieval").groups if g.kind == "notes"]
    assert strip_tags(notes.hits[0].subtitle) == subtitle


@pytest.mark.parametrize(
    ("language", "hit"),
    [("en", ("Reproduction", "#3 复现 · Ada")), ("zh-hans", ("#3 复现", "Reproduction · Ada"))],
)
def test_a_number_of_a_notes_chinese_title_alone_stays_with_it(language, hit, admin_user):
    """A comment on a note titled "#3 复现" in Chinese and "Reproduction" in English was
    titled "#3 Reproduction" in English: the number of the Chinese title put before the
    English one, as a meeting's is."""
    note = NoteFactory(title_zh="#3 复现", title_en="Reproduction", body_en="", body_zh="")
    discussion.add_comment(UserFactory(username="Ada"), note, "Zeppelins.", group=note.group)
    with translation.override(language):
        [comments] = [g.hits for g in search(admin_user, "zeppelin").groups if g.hits]
    assert [(strip_tags(h.title), strip_tags(h.subtitle)) for h in comments] == [hit]


def test_editing_and_deleting_keep_the_index_current(user):
    paper = PaperFactory(title_en="Old title")
    assert search(user, "old").total == 1
    paper.title_en = "New title"
    paper.save()
    assert (search(user, "old").total, search(user, "new").total) == (0, 1)
    paper.delete()
    assert search(user, "new").total == 0
    assert not SearchDocument.objects.exists()


def test_topics_and_organizations_are_indexed_when_added(user):
    paper = PaperFactory(title_en="Toolformer")
    paper.tags.add("Tool learning")
    assert search(user, "learning").total == 1


def test_cjk_and_latin_runs_are_indexed_apart(user):
    LanguageModelFactory(name="Baichuan", description_zh="基于LLaMA架构")
    assert search(user, "LLaMA").total == 1


def test_rebuild_search_index_restores_a_lost_index(user):
    PaperFactory(title_en="Chain of thought")
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", stdout=None)
    assert search(user, "chain").total == 1


def test_search_never_suggests_a_word_from_someone_elses_private_note(member_client):
    NoteFactory(visibility="private", body_en="zanzibarqux appears only here")
    response = member_client.get("/search/?q=zanzibarqix")
    assertContains(response, 'value="zanzibarqix"')
    assertNotContains(response, "zanzibarqux")


def test_a_documents_letters_are_folded_and_its_names_indexed_as_one_word():
    from search.index import document_fields

    paper = PaperFactory(
        title_en="ＧＰＴ－４ Technical Report",
        title_zh="ＧＰＴ－４技术报告",
        arxiv_id="2303.08774",
        summary_en="Compared with LLaMA 2, for 2 epochs.",
        summary_zh="",
    )
    fields = document_fields(paper)
    assert fields["title"] == "ＧＰＴ－４ Technical Report"  # shown as written
    assert fields["head"] == "GPT－4 Technical Report GPT－4 技术报告 2303.08774 gpt4"
    assert fields["cjk_bigrams"].split()[-3:] == ["2303.08774", "gpt4", "llama2"]


def test_a_models_lineage_is_indexed_as_a_phrase_in_both_languages(user):
    """Found by the relation's words in either language, whichever language the index was
    built in; a snippet of its facts reads as a list, not one run-on sentence."""
    from django.utils import translation

    llama = LanguageModelFactory(name="LLaMA")
    with translation.override("zh-hans"):
        alpaca = LanguageModelFactory(
            name="Alpaca", base_model=llama, relation="instruction_tuning", parameter_sizes="7B"
        )
    body = SearchDocument.objects.get(kind="models", object_id=alpaca.pk).body
    assert "\x0einstruction tuning of LLaMA\x0fLLaMA 的指令微调\x10 · 7B" in body
    [models] = [g for g in search(user, "instruction tuning").groups if g.kind == "models"]
    assert [hit.title for hit in models.hits] == ["Alpaca"]
    assert "of <mark>LLaMA</mark>" not in models.hits[0].snippet
    assert " · " in models.hits[0].snippet


def test_a_model_with_a_base_and_no_relation_says_what_it_is_based_on(user):
    from search.index import lineage

    llama = LanguageModelFactory(name="LLaMA")
    assert lineage(LanguageModelFactory(base_model=llama)) == "\x0ebased on LLaMA\x0f基于 LLaMA\x10"
    assert lineage(LanguageModelFactory()) == ""


def test_records_indexed_again_in_batches_carry_their_new_text_and_their_comments(user):
    """index_records (a topic renamed, records linked from the other side): the documents
    that are there are brought up to date, those missing are made, and a note's comments
    take its visibility again."""
    notes = [NoteFactory(title_en=f"Scaling {n}") for n in range(3)]
    CommentFactory(note=notes[0], paper=None, group=None, body="A remark on scaling")
    Note.objects.filter(pk=notes[0].pk).update(title_en="Emergence", visibility="private")
    SearchDocument.objects.filter(kind="notes", object_id=notes[2].pk).delete()
    index_records(Note, Q(pk__in=[note.pk for note in notes]))
    assert search(user, "emergence").total == 0  # private now, and so is its comment
    assert search(user, "remark").total == 0
    assert SearchDocument.objects.filter(kind="notes").count() == 3
    assert "Emergence" in SearchDocument.objects.get(kind="notes", object_id=notes[0].pk).head


@pytest.mark.parametrize("n", [1, 6])
def test_comments_are_indexed_again_in_as_many_queries_however_many(user, n):
    """A meeting's comment links to its meeting's page, which names its group: the rebuild
    reads the groups with the comments, where it read each comment's group on its own."""
    comments = []
    for _ in range(n):
        meeting = MeetingFactory(group=ReadingGroupFactory())
        comments.append(CommentFactory(meeting=meeting, paper=None, group=None))
        comments.append(CommentFactory())  # a paper's, in a group's discussion
    with CaptureQueriesContext(connection) as queries:
        index_records(Comment, Q(pk__in=[comment.pk for comment in comments]))
    # A savepoint and its release; the comments; the documents there are, deleted; the new
    # ones; the next (empty) batch of comments.
    assert len(queries) == 7
    assert SearchDocument.objects.get(kind="comments", object_id=comments[0].pk).url == (
        f"{comments[0].meeting.get_absolute_url()}#comment-{comments[0].pk}"
    )


def test_a_snippet_of_facts_names_each_in_the_readers_language(user):
    """A paper with no summary is shown by its facts: they read "Surveys · 综述 · Meta AI ·
    元" in either interface. Each name is searched in both languages and shown in the
    reader's, or in the other where only that one matches, as the reader searched."""
    from taggit.models import Tag

    from papers.models import Organization, TopicName

    paper = PaperFactory(title_en="A catalogue of agents", summary_zh="", summary_en="")
    lab = Organization.objects.create(slug="lab", name="Tsinghua University", name_zh="清华大学")
    paper.organizations.add(lab)
    paper.tags.add("Surveys")
    TopicName.objects.rename(Tag.objects.get(name="Surveys"), "综述")
    paper.save()  # indexed again, its topic and organisation with it

    def shown(query, language):
        with translation.override(language):
            [papers] = [g for g in search(user, query).groups if g.kind == "papers"]
        return strip_tags(papers.hits[0].snippet)

    assert "Tsinghua University · Surveys" in shown("Tsinghua", "en")
    assert "清华大学 · 综述" in shown("清华", "zh-hans")
    # Searched by its other name: that name is shown, the rest in the reader's language.
    english = shown("清华", "en")
    assert "清华大学 · Surveys" in english and "Tsinghua" not in english
    assert "Tsinghua University · 综述" in shown("Tsinghua", "zh-hans")
    # Found by its title alone: every name in the reader's language, none twice.
    assert "综述" not in shown("catalogue", "en")
    assert "Surveys" not in shown("catalogue", "zh-hans")


def test_what_a_member_writes_is_shown_as_written_beside_the_facts(user):
    """Text of a member's that looks like a pair of names ("KL(π ‖ π_ref)", "Python ‖
    Rust") is theirs: a snippet of it lost "We optimise the policy under a KL(π" when
    every " ‖ " was read as one."""
    PaperFactory(
        title_en="Policy optimisation",
        summary_zh="我们在 KL(π ‖ π_ref) 约束下优化策略。",
        summary_en="We optimise the policy under a KL(π ‖ π_ref) · constraint with good results.",
    )
    NoteFactory(body_en="Comparing Python ‖ Rust for tokenisers: Rust wins.", body_zh="")
    for query, language, written in [
        ("约束", "zh-hans", "我们在 KL(π ‖ π_ref) 约束下优化策略。"),
        ("constraint", "en", "We optimise the policy under a KL(π ‖ π_ref) · constraint"),
        ("tokenisers", "en", "Comparing Python ‖ Rust for tokenisers: Rust wins."),
    ]:
        with translation.override(language):
            hits = [h for g in search(user, query).groups for h in g.hits]
        assert written in strip_tags(hits[0].snippet), (query, hits[0].snippet)


def test_a_name_in_two_languages_is_one_fact_whatever_it_holds():
    from search.text import Facts, both, matcher, one_side, paragraphs, parse

    assert both("Meta AI", "") == "Meta AI" and both("", "元") == "元"
    assert both("LoRA", "LoRA") == "LoRA"
    lab = both("Shanghai AI Lab · OpenGVLab", "上海人工智能实验室 · 书生")
    body = paragraphs("摘要", "Summary", Facts(f"Ada · {lab} · 7B"))
    assert one_side(body, True, None) == "摘要\nSummary\nAda · Shanghai AI Lab · OpenGVLab · 7B"
    assert one_side(body, False, None) == "摘要\nSummary\nAda · 上海人工智能实验室 · 书生 · 7B"
    assert one_side(body, True, matcher(parse("书生"))).endswith(
        "Ada · 上海人工智能实验室 · 书生 · 7B"
    )
    # The marks are kept in the facts alone: any other text holding them is read as written.
    assert paragraphs(f"note {lab}") == "note Shanghai AI Lab · OpenGVLab 上海人工智能实验室 · 书生"
    text = "作者 · 会议\nAuthors · Venue"
    assert one_side(text, True, matcher(parse("venue"))) == text


def test_a_braced_author_group_is_indexed_as_the_page_shows_it(user):
    """An import stores "{Meta AI, FAIR}" (one name); its hit's snippet showed the braces."""
    PaperFactory(title_en="Llama 2", authors="{Meta AI, FAIR}, Hugo Touvron")
    document = SearchDocument.objects.get(kind="papers")
    assert "Meta AI, FAIR, Hugo Touvron" in document.body
    assert "{" not in document.body
    (hit,) = search(user, "FAIR").groups[0].hits
    assert "{" not in strip_tags(hit.snippet)
