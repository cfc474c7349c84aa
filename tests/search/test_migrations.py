"""The search migrations add the database's own indexes, and take them away again."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Replace

from notes import discussion
from papers.models import Paper
from search.models import SearchDocument
from search.query import search
from search.text import cjk_grams
from tests.factories import (
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingGroupFactory,
    UserFactory,
)


def own_indexes():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchdocument' "
                "AND indexdef LIKE '%%USING gin%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'search\\_fts\\_%' ESCAPE '\\' "
                "AND type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_search_migrations_can_be_unapplied_and_applied_again():
    expected = own_indexes()
    assert expected  # one GIN index per kind, or the two FTS5 tables
    call_command("migrate", "search", "0003", verbosity=0)
    if connection.vendor == "postgresql":
        # the four indexes over every document that search.0004 replaced
        assert len(own_indexes()) == 4
    call_command("migrate", "search", "0001", verbosity=0)
    assert own_indexes() == []
    call_command("migrate", "search", verbosity=0)
    assert own_indexes() == expected
    PaperFactory(title_en="思维链提示", summary_en="Prompting with reasoning chains.")
    assert search(UserFactory(), "思维链 prompts").total == 1


@pytest.mark.django_db
def test_documents_indexed_before_the_trigrams_get_them():
    paper = PaperFactory(title_zh="思维链提示", title_en="Prompting", summary_en="")
    document = SearchDocument.objects.get(kind="papers", object_id=paper.pk)
    # As search.0006 left it: the bigrams alone.
    SearchDocument.objects.filter(pk=document.pk).update(
        cjk_bigrams=cjk_grams(2, document.head, document.body)
    )
    if connection.vendor == "postgresql":  # SQLite finds substrings by its own trigrams
        assert search(UserFactory(), "思维链").total == 0
    migration = importlib.import_module("search.migrations.0007_cjk_trigrams_in_index_terms")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    document.refresh_from_db()
    assert {"思维链", "维链提", "链提示", "思维", "提示"} <= set(document.cjk_bigrams.split())
    assert search(UserFactory(), "思维链").total == 1


@pytest.mark.django_db
def test_documents_indexed_before_names_and_folded_letters_get_them():
    paper = PaperFactory(title_en="GPT-4 Technical Report", title_zh="", arxiv_id="")
    note = NoteFactory(title_zh="笔记", title_en="", body_zh="用ＬｏＲＡ微调", body_en="")
    # As search.0007 left them: the text as written, no names in the index terms.
    SearchDocument.objects.filter(object_id=paper.pk, kind="papers").update(
        head="GPT-4 Technical Report", cjk_bigrams=""
    )
    SearchDocument.objects.filter(object_id=note.pk, kind="notes").update(
        head="笔记", body="用ＬｏＲＡ微调", cjk_bigrams="微调"
    )
    user = UserFactory()
    assert (search(user, "gpt4").total, search(user, "lora").total) == (0, 0)
    migration = importlib.import_module("search.migrations.0008_names_and_folded_letters")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert titles_found(search(user, "gpt4")) == ["<mark>GPT-4</mark> Technical Report"]
    assert search(user, "lora").total == 1
    document = SearchDocument.objects.get(object_id=note.pk, kind="notes")
    assert (document.body, document.cjk_bigrams) == ("用 LoRA 微调", "笔记 微调")
    migration.forwards(apps, SimpleNamespace(connection=connection))  # once is enough
    assert SearchDocument.objects.get(kind="papers").head == "GPT-4 Technical Report gpt4"


def titles_found(results):
    return [str(hit.title) for group in results.groups for hit in group.hits]


@pytest.mark.django_db
def test_meetings_indexed_before_get_their_groups_chinese_name():
    group = ReadingGroupFactory(name="LLM reading group", name_zh="大模型读书会")
    chinese = MeetingFactory(group=group, date=datetime.date(2024, 5, 8))
    english = MeetingFactory(group=group, title_zh="", title_en="Scaling laws")
    documents = SearchDocument.objects.filter(kind="meetings")
    # As search.0009 left them: the group's English name beside any title.
    documents.filter(object_id=chinese.pk).update(
        subtitle="Group meeting · LLM reading group · 2024-05-08"
    )
    documents.filter(object_id=english.pk).update(subtitle="LLM reading group · 2023-10-25")
    migration = importlib.import_module("search.migrations.0010_meeting_group_names")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert documents.get(object_id=chinese.pk).subtitle == (
        "Group meeting · 大模型读书会 · 2024-05-08"
    )
    assert documents.get(object_id=english.pk).subtitle == "LLM reading group · 2023-10-25"


@pytest.mark.django_db
def test_english_titles_indexed_in_the_subtitle_move_to_their_column():
    note = NoteFactory(title_zh="规模定律笔记", title_en="Scaling notes")
    documents = SearchDocument.objects.filter(kind="notes", object_id=note.pk)
    byline = documents.get().subtitle
    # As search.0010 left it: the English title first in the subtitle.
    documents.update(title_en="", subtitle=f"Scaling notes · {byline}")
    migration = importlib.import_module("search.migrations.0011_english_titles")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert documents.values_list("title", "title_en", "subtitle").get() == (
        "规模定律笔记",
        "Scaling notes",
        byline,
    )


@pytest.mark.django_db
def test_meetings_indexed_before_name_their_group_in_each_language(monkeypatch):
    group = ReadingGroupFactory(name="LLM reading group", name_zh="大模型读书会")
    chinese = MeetingFactory(group=group, date=datetime.date(2024, 5, 8))
    english = MeetingFactory(group=group, title_zh="", title_en="Scaling laws")
    plain_group = MeetingFactory(group=ReadingGroupFactory(name="Reading group 9"))
    documents = SearchDocument.objects.filter(kind="meetings")
    # As search.0011 left them: the group named in the language of the title.
    documents.update(subtitle_en="")
    documents.filter(object_id=english.pk).update(subtitle="LLM reading group · 2023-10-25")
    migration = importlib.import_module(
        "search.migrations.0012_meeting_group_names_in_each_language"
    )
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.forwards(apps, SimpleNamespace(connection=connection))
    subtitles = documents.values_list("subtitle", "subtitle_en")
    assert subtitles.get(object_id=chinese.pk) == (
        "大模型读书会 · 2024-05-08",
        "LLM reading group · 2024-05-08",
    )
    assert subtitles.get(object_id=english.pk) == (
        "大模型读书会 · 2023-10-25",
        "LLM reading group · 2023-10-25",
    )
    assert subtitles.get(object_id=plain_group.pk) == ("Reading group 9 · 2023-10-25", "")


@pytest.mark.django_db
def test_documents_indexed_before_find_their_english_text(monkeypatch):
    both = PaperFactory.create_batch(5, summary_zh="中文摘要", summary_en="An abstract.")
    english_only = PaperFactory(summary_zh="", summary_en="An abstract.")
    note = NoteFactory(body_zh="中文", body_en="English.")
    blank = NoteFactory(body_zh="中文", body_en="<!-- -->")  # renders to no text
    SearchDocument.objects.update(english_part=0)  # as search.0012 left them
    migration = importlib.import_module("search.migrations.0013_english_part_of_the_body")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.forwards(apps, SimpleNamespace(connection=connection))
    papers = SearchDocument.objects.filter(kind="papers").values_list("object_id", "english_part")
    assert dict(papers) == {**{p.pk: 1 for p in both}, english_only.pk: 0}
    notes = SearchDocument.objects.filter(kind="notes").values_list("object_id", "english_part")
    assert dict(notes) == {note.pk: 1, blank.pk: 0}


@pytest.mark.django_db
def test_comments_indexed_before_get_the_english_title_of_what_they_are_about(monkeypatch):
    from notes import discussion

    author = UserFactory(username="commenter")
    group = ReadingGroupFactory()
    note = NoteFactory(title_zh="规模定律笔记", title_en="Scaling notes")
    one_title = NoteFactory(title_zh="", title_en="Emergence")
    meeting = MeetingFactory(group=group, number=3)
    paper = PaperFactory(title_en="Scaling laws", title_zh="规模定律")
    comments = {
        subject: discussion.add_comment(author, subject, "A remark.", group=group)
        for subject in (note, one_title, meeting, paper)
    }
    gone = discussion.add_comment(UserFactory(), meeting, "Another remark.")
    documents = SearchDocument.objects.filter(kind="comments")
    # As search.0013 left them: no English title, the title again after the author's name.
    for document in documents:
        document.title_en = ""
        document.subtitle = f"commenter · {document.title}"
        document.save()
    documents.filter(object_id=gone.pk).update(subtitle="#3 组会分享")  # its author's gone
    migration = importlib.import_module("search.migrations.0014_comment_titles_in_each_language")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.forwards(apps, SimpleNamespace(connection=connection))
    shown = documents.values_list("title", "title_en", "subtitle")
    assert {subject: shown.get(object_id=comment.pk) for subject, comment in comments.items()} == {
        note: ("规模定律笔记", "Scaling notes", "commenter"),
        one_title: ("Emergence", "", "commenter"),
        meeting: ("#3 组会分享", "Group meeting", "commenter"),
        paper: ("Scaling laws", "", "commenter"),
    }
    assert shown.get(object_id=gone.pk) == ("#3 组会分享", "Group meeting", "")


def test_a_subtitle_cut_short_loses_what_is_left_of_the_title():
    migration = importlib.import_module("search.migrations.0014_comment_titles_in_each_language")
    assert migration.author_alone("Ada · Lovelace · A long ti", "A long title") == "Ada · Lovelace"
    assert migration.author_alone("Ada", "Ada's notes") == "Ada"  # as the new code makes it


@pytest.mark.django_db
def test_notes_indexed_before_name_their_source_in_each_language(monkeypatch):
    paper = PaperFactory(title_en="Scaling laws")
    sources = [
        NoteFactory(
            author=None, author_name=f"Obsidian note {n}", author_name_zh=f"Obsidian 笔记 {n}"
        )
        for n in range(3)
    ]
    about_a_paper = NoteFactory(
        author=None, author_name="Obsidian note", author_name_zh="Obsidian 笔记", paper=paper
    )
    member = NoteFactory(author=UserFactory(username="reader9"))
    documents = SearchDocument.objects.filter(kind="notes")
    # As search.0014 left them: the source in the language of whoever saved the note.
    documents.update(subtitle_en="")
    documents.filter(object_id=sources[0].pk).update(subtitle="Obsidian note 0")
    documents.filter(object_id=about_a_paper.pk).update(subtitle="Obsidian note · Scaling laws")
    migration = importlib.import_module("search.migrations.0015_note_bylines_in_each_language")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.forwards(apps, SimpleNamespace(connection=connection))
    subtitles = {
        pk: (subtitle, subtitle_en)
        for pk, subtitle, subtitle_en in documents.values_list(
            "object_id", "subtitle", "subtitle_en"
        )
    }
    assert [subtitles[note.pk] for note in sources] == [
        (f"Obsidian 笔记 {n}", f"Obsidian note {n}") for n in range(3)
    ]
    assert subtitles[about_a_paper.pk] == (
        "Obsidian 笔记 · Scaling laws",
        "Obsidian note · Scaling laws",
    )
    assert subtitles[member.pk] == ("reader9", "")


@pytest.mark.django_db
def test_meetings_and_their_comments_indexed_before_number_their_english_titles():
    group = ReadingGroupFactory()
    meeting = MeetingFactory(group=group, number=7)  # 组会分享 / Group meeting
    english_only = MeetingFactory(group=group, number=8, title_zh="", title_en="Scaling laws")
    note = NoteFactory(title_zh="#3 复现", title_en="Reproduction")
    author = UserFactory()
    on_meeting = discussion.add_comment(author, meeting, "A remark.", group=group)
    on_note = discussion.add_comment(author, note, "A remark.", group=note.group)
    documents = SearchDocument.objects.all()
    numbered = {
        (d.kind, d.object_id): d.title_en
        for d in documents.filter(kind__in=["meetings", "comments", "notes"])
    }
    # As search.0015 left them: the English titles without the meeting's number.
    documents.filter(kind="meetings", object_id=meeting.pk).update(title_en="Group meeting")
    documents.filter(kind="comments", object_id=on_meeting.pk).update(title_en="Group meeting")
    migration = importlib.import_module("search.migrations.0016_meeting_numbers_in_english_titles")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert {
        (d.kind, d.object_id): d.title_en
        for d in documents.filter(kind__in=["meetings", "comments", "notes"])
    } == numbered
    assert numbered[("meetings", meeting.pk)] == "#7 Group meeting"
    assert numbered[("comments", on_meeting.pk)] == "#7 Group meeting"
    assert numbered[("meetings", english_only.pk)] == ""  # its title is its English one
    assert numbered[("comments", on_note.pk)] == "Reproduction"  # the number is the note's


@pytest.mark.django_db
def test_papers_whose_arxiv_id_lost_its_subject_class_are_found_by_it():
    """papers.0021 stores math.GT/0309136 as math/0309136, the form a search for either
    looks for (search.query.bare_arxiv_ids); the paper's document still said the first,
    and neither found it. A paper that kept its ID keeps its document."""
    knots = PaperFactory(title_en="Knots", arxiv_id="math/0309136")
    held = PaperFactory(title_en="Braids", arxiv_id="math/0309140")
    twin = PaperFactory(title_en="Braids again", arxiv_id="math/0309141")
    documents = SearchDocument.objects.filter(kind="papers")
    # As stored before papers.0021, the papers and their documents.
    for paper, written in [(knots, "math.GT/0309136"), (twin, "math.AG/0309140")]:
        Paper.objects.filter(pk=paper.pk).update(arxiv_id=Value(written))
        document = documents.get(object_id=paper.pk)
        documents.filter(pk=document.pk).update(
            head=Replace("head", Value(paper.arxiv_id), Value(written)),
            subtitle=Replace("subtitle", Value(paper.arxiv_id), Value(written)),
        )
    twin_before = documents.values_list("head", "subtitle").get(object_id=twin.pk)
    assert search(UserFactory(), "math.GT/0309136").total == 0
    for app, name in [
        ("papers", "0021_arxiv_ids_without_subject_class"),
        ("search", "0017_papers_arxiv_ids_without_subject_class"),
    ]:
        migration = importlib.import_module(f"{app}.migrations.{name}")
        migration.forwards(apps, SimpleNamespace(connection=connection))
    head, subtitle = documents.values_list("head", "subtitle").get(object_id=knots.pk)
    assert ("math/0309136" in head, "math.GT" in head) == (True, False)
    assert "arXiv:math/0309136" in subtitle
    for written in ["math.GT/0309136", "math/0309136", "arXiv:math.gt/0309136v2"]:
        assert [hit.url for hit in search(UserFactory(), written).groups[0].hits] == [
            knots.get_absolute_url()
        ]
    assert Paper.objects.get(pk=twin.pk).arxiv_id == "math.AG/0309140"
    assert documents.values_list("head", "subtitle").get(object_id=twin.pk) == twin_before
    assert Paper.objects.get(pk=held.pk).arxiv_id == "math/0309140"
