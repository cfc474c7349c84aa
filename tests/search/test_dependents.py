"""What a record's search document shows of other records (a model's organisation, a
note's paper, a comment's author) follows them: renamed, the documents that show them are
made again; deleted, the ones they leave behind no longer name them."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import signals
from search.models import SearchDocument
from search.query import search
from tests.factories import (
    CommentFactory,
    DatasetFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _found(user, query, kind):
    groups = {group.kind: group for group in search(user, query).groups}
    return sorted(hit.object_id for hit in groups[kind].hits)


def _doc(kind, record):
    return SearchDocument.objects.get(kind=kind, object_id=record.pk)


def test_a_renamed_organisation_finds_its_papers_models_and_datasets(admin_user):
    lab = OrganizationFactory(name="Zephyrine Lab", name_zh="西风实验室")
    model = LanguageModelFactory(organization=lab)
    dataset = DatasetFactory(organization=lab)
    paper = PaperFactory()
    paper.organizations.add(lab)
    lab.name, lab.name_zh = "Quillfeather Institute", "羽毛研究所"
    lab.save()
    for kind, record in (("models", model), ("datasets", dataset), ("papers", paper)):
        assert _found(admin_user, "Quillfeather", kind) == [record.pk]
        assert _found(admin_user, "羽毛研究所", kind) == [record.pk]
        assert _found(admin_user, "Zephyrine", kind) == []


def test_a_renamed_paper_model_or_author_is_renamed_in_the_notes_hits(admin_user):
    author = UserFactory(username="reader7", first_name="Ada", last_name="Lovelace")
    paper = PaperFactory(title_en="Scaling study", title_zh="规模研究")
    base = LanguageModelFactory(name="Basemodel")
    derived = LanguageModelFactory(base_model=base, relation="finetune")
    on_paper = NoteFactory(author=author, paper=paper)
    on_model = NoteFactory(author=author, paper=None, language_model=base)
    comment = CommentFactory(author=author, paper=paper)
    paper.title_en = "Scaling revisited"
    paper.slug = "scaling-renamed"
    paper.save()
    base.name = "Renamedmodel"
    base.save()
    author.first_name, author.last_name = "Grace", "Hopper"
    author.save()
    assert "Scaling revisited" in _doc("notes", on_paper).subtitle
    assert "Renamedmodel" in _doc("notes", on_model).subtitle
    assert "Grace Hopper" in _doc("notes", on_paper).subtitle
    assert "Renamedmodel" in _doc("models", derived).body
    assert "Basemodel" not in _doc("models", derived).body
    comment_doc = _doc("comments", comment)
    assert "Grace Hopper" in comment_doc.subtitle
    assert comment_doc.url.startswith("/papers/scaling-renamed/")


def test_a_deleted_organisation_or_paper_is_named_no_more(admin_user):
    lab = OrganizationFactory(name="Zephyrine Lab", name_zh="西风实验室")
    model = LanguageModelFactory(organization=lab)
    paper = PaperFactory(title_en="Zephyrine scaling", title_zh="西风规模")
    note = NoteFactory(paper=paper, title_en="My reading", title_zh="我的笔记")
    lab.delete()
    paper.delete()
    assert _found(admin_user, "Zephyrine", "models") == []
    assert "西风规模" not in _doc("notes", note).subtitle
    assert _doc("models", model).title == model.name  # still indexed


def test_only_a_change_of_what_is_shown_indexes_the_others_again(monkeypatch):
    """A login writes the user's last login; a paper's summary is not in its notes' hits:
    neither indexes anything else."""
    user = UserFactory()
    paper = PaperFactory()
    NoteFactory(author=user, paper=paper)
    indexed = []
    monkeypatch.setattr(signals, "index_records", lambda model, condition: indexed.append(model))
    with CaptureQueriesContext(connection) as login:
        get_user_model().objects.get(pk=user.pk).save(update_fields=["last_login"])
    assert len(login.captured_queries) == 2  # the read and the update, nothing else
    paper.summary_en = "A new summary."
    paper.save()
    assert indexed == []
    paper.title_en = "A new title"
    paper.save(update_fields=["summary_en"])  # the title is not written
    assert indexed == []
    paper.save()
    assert indexed == [signals.Note, signals.Comment]


def test_deleting_what_comments_are_on_deletes_them_from_the_index(admin_user, world):
    """Deleting a paper, meeting or group with comments failed: their comments, indexed
    again before the cascade reached them, had no paper or meeting any more."""
    paper = PaperFactory()
    on_paper = CommentFactory(paper=paper)
    on_meeting = CommentFactory(meeting=world.meeting, paper=None, group=None)
    on_meeting_b = CommentFactory(meeting=world.meeting_b, paper=None, group=None)
    paper.delete()
    world.meeting.delete()
    world.group_b.delete()
    gone = [on_paper.pk, on_meeting.pk, on_meeting_b.pk]
    assert not SearchDocument.objects.filter(kind="comments", object_id__in=gone).exists()


def test_a_meeting_moved_to_another_group_moves_its_comments_hits(world):
    meeting = MeetingFactory(group=world.group_a, number=5)
    comment = CommentFactory(meeting=meeting, paper=None, group=None)
    meeting.group = world.group_b  # its number as it was
    meeting.save()
    doc = _doc("comments", comment)
    assert (doc.group_id, doc.url.split("#")[0]) == (world.group_b.pk, meeting.get_absolute_url())


def test_a_renamed_or_deleted_topic_is_searched_by_what_it_now_is(admin_user):
    """Renaming a topic in the admin left its records found by the old name and not by
    the new, and a deleted topic's name went on finding them, until the index was
    rebuilt."""
    from taggit.models import Tag

    paper, model = PaperFactory(), LanguageModelFactory()
    paper.tags.add("Zephyrtopic")
    model.tags.add("Zephyrtopic")
    topic = Tag.objects.get(name="Zephyrtopic")
    topic.name = "Quillfeathertopic"
    topic.save()
    assert _found(admin_user, "Quillfeathertopic", "papers") == [paper.pk]
    assert _found(admin_user, "Quillfeathertopic", "models") == [model.pk]
    assert _found(admin_user, "Zephyrtopic", "papers") == []
    topic.delete()
    assert _found(admin_user, "Quillfeathertopic", "papers") == []
    assert _found(admin_user, "Quillfeathertopic", "models") == []
