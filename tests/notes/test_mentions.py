import pytest
from django.utils import translation

from core.rendering import rerender_all
from notes.models import Mention
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


def test_wiki_links_are_kept_as_mentions():
    llama = LanguageModelFactory(name="LLaMA")
    paper = PaperFactory(slug="survey-of-llms")
    note = NoteFactory(body_zh="见 [[LLaMA]] 与 [[survey-of-llms|综述]]，以及 [[无此页]]")
    assert {m.target for m in Mention.objects.filter(note=note)} == {llama, paper}


def test_editing_the_text_updates_its_mentions():
    LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca")
    note = NoteFactory(body_zh="[[LLaMA]]")
    note.body_zh = "[[Alpaca]]"
    note.save()
    assert [m.target for m in Mention.objects.filter(note=note)] == [alpaca]


def test_a_kind_prefix_picks_between_records_of_the_same_name():
    PaperFactory(slug="bookcorpus")
    dataset = DatasetFactory(name="BookCorpus", slug="bookcorpus")
    note = NoteFactory(body_en="[[dataset:BookCorpus]]")
    assert [m.target for m in note.mentions.all()] == [dataset]


def test_meetings_and_glossary_terms_mention_too():
    gpt3 = LanguageModelFactory(name="GPT-3")
    meeting = MeetingFactory(body_zh="## 背景\n\n[[GPT-3]]")
    term = GlossaryTermFactory(body_en="Shown by [[GPT-3]].")
    assert set(Mention.objects.of(gpt3).values_list("meeting", "glossary_term")) == {
        (meeting.pk, None),
        (None, term.pk),
    }


def test_rerendering_records_mentions_of_records_loaded_later():
    note = NoteFactory(body_zh="[[Vicuna]]")
    vicuna = LanguageModelFactory(name="Vicuna")
    assert not Mention.objects.exists()
    rerender_all()
    assert [m.target for m in note.mentions.all()] == [vicuna]


def test_deleting_a_record_drops_its_mentions():
    paper = PaperFactory(slug="toolformer")
    NoteFactory(body_zh="[[toolformer]]")
    assert Mention.objects.of(paper).count() == 1
    paper.delete()
    assert Mention.objects.count() == 0


def test_a_mention_is_named_by_the_kind_and_name_of_what_it_links_to():
    """Its admin page, history and deletion are titled so: not "glossaryterm 7"."""
    term = GlossaryTermFactory(title_en="RLHF", title_zh="人类反馈强化学习")
    note = NoteFactory(title_en="On RLHF", body_en="[[RLHF]]")
    mention = Mention.objects.get(note=note)
    with translation.override("en"):
        assert str(mention) == f"{note} → Glossary term: {term}"
    with translation.override("zh-hans"):
        assert str(mention) == f"{note} → 术语表条目：{term}"
    mention.target_id = 10**9  # the record is gone
    with translation.override("en"):
        assert str(mention) == f"{note} → Glossary term {10**9}"
