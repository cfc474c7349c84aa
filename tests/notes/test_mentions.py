import pytest
from pytest_django.asserts import assertContains, assertNotContains

from core.rendering import rerender_all
from notes.models import Mention
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
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


def test_model_page_lists_what_mentions_it(member_client, member):
    model = LanguageModelFactory(name="Alpaca")
    NoteFactory(title_zh="羊驼笔记", body_zh="[[Alpaca]] 的复现", visibility="everyone")
    NoteFactory(title_zh="私人草稿", body_zh="[[Alpaca]]", visibility="private")
    response = member_client.get(model.get_absolute_url())
    assertContains(response, "Mentioned in")
    assertContains(response, "羊驼笔记")
    assertNotContains(response, "私人草稿")


def test_mentions_from_another_groups_meeting_stay_hidden(member_client):
    paper = PaperFactory(slug="toolformer")
    MeetingFactory(title_zh="别组的组会", body_zh="[[toolformer]]")
    assertNotContains(member_client.get(paper.get_absolute_url()), "别组的组会")


def test_meeting_shows_its_presented_paper_apart_from_those_discussed(member_client, group):
    survey = PaperFactory(title_en="A Survey of Large Language Models", arxiv_id="2303.18223")
    meeting = MeetingFactory(group=group, paper=survey)
    meeting.papers.add(survey, PaperFactory(title_en="LLaMA"), PaperFactory(title_en="GPT-4"))
    response = member_client.get(meeting.get_absolute_url())
    assertContains(response, 'href="https://arxiv.org/abs/2303.18223"')
    assertContains(response, "3 papers discussed")


def test_paper_page_lists_meetings_that_presented_or_discussed_it(member_client, member):
    paper = PaperFactory()
    presented = MeetingFactory(paper=paper, title_zh="主讲这篇")
    discussed = MeetingFactory(title_zh="顺带讨论")
    discussed.papers.add(paper)
    for meeting in (presented, discussed):
        MembershipFactory(group=meeting.group, user=member)
    response = member_client.get(paper.get_absolute_url())
    assert list(response.context["meetings"].order_by("pk")) == [presented, discussed]
