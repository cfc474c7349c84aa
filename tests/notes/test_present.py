import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import (
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def present_url(meeting):
    return reverse("notes:meeting_present", args=[meeting.group.slug, meeting.number])


@pytest.mark.parametrize("count", [1, 3])
def test_meeting_present_query_count(client, member, group, count, django_assert_num_queries):
    meeting = MeetingFactory(group=group, body_zh="## 背景\n\n文字\n\n## 方法\n\n更多\n")
    meeting.papers.set(PaperFactory.create_batch(count))
    meeting.presenters.set(UserFactory.create_batch(count))
    client.force_login(member)

    # user, the member's audience (the meeting is kept for it), meeting with group,
    # papers, presenters
    with django_assert_num_queries(5):
        response = client.get(present_url(meeting))

    assert response.status_code == 200
    assert len(response.context["slides"]) == 2
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_meeting_present_title_slide_shows_the_facts(client, member, group):
    paper = PaperFactory(title_en="A Survey of Large Language Models", arxiv_id="2303.18223")
    meeting = MeetingFactory(
        group=group,
        number=7,
        title_zh="组会分享：A Survey of Large Language Models",
        presenter_name="王五",
    )
    meeting.papers.set([PaperFactory(), paper])
    client.force_login(member)

    response = client.get(present_url(meeting))

    assertContains(response, f"{group.name} · meeting 7 · 2023-10-25")
    assertContains(response, "Presenter: 王五")
    assertContains(response, '<a class="deck-arxiv" href="https://arxiv.org/abs/2303.18223">')
    assertContains(response, "and 1 more paper discussed")
    assertContains(response, f'data-back-url="{meeting.get_absolute_url()}"')

    # In Chinese the label takes the full-width colon, which carries its own space.
    response = client.get(present_url(meeting), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, "主讲人：王五")
    assertNotContains(response, "主讲人: ")


def test_meeting_present_language_choice(client, member, group):
    meeting = MeetingFactory(
        group=group, body_zh="## 背景\n\n中文\n", body_en="## Background\n\nEnglish\n"
    )
    client.force_login(member)

    zh = client.get(present_url(meeting) + "?lang=zh")
    en = client.get(present_url(meeting) + "?lang=en")
    both = client.get(present_url(meeting) + "?lang=both")

    assert [s.title for s in zh.context["slides"]] == ["背景"]
    assert [s.title for s in en.context["slides"]] == ["Background"]
    assert [(s.title, s.title_en) for s in both.context["slides"]] == [("背景", "Background")]
    assertContains(both, '<div class="deck-col" lang=', count=2)


def test_meeting_present_hides_speaker_notes_in_an_aside(client, member, group):
    meeting = MeetingFactory(group=group, body_zh="## A\n\nshown\n\n> [!notes]\n> secret\n")
    client.force_login(member)

    response = client.get(present_url(meeting))

    assertContains(response, '<aside class="notes"><p>secret</p></aside>', html=False)
    assertNotContains(response, "callout-notes")


def test_meeting_present_of_another_group_is_404(client, user):
    meeting = MeetingFactory()
    client.force_login(user)

    assert client.get(present_url(meeting)).status_code == 404


def test_meeting_page_links_to_its_deck(client, member, group):
    meeting = MeetingFactory(group=group)
    client.force_login(member)

    assertContains(client.get(meeting.get_absolute_url()), f'href="{present_url(meeting)}"')


def test_note_present(client, user):
    note = NoteFactory(body_zh="## 思维链\n\n推理\n", body_en="")
    client.force_login(user)

    response = client.get(reverse("notes:note_present", args=[note.slug]))

    assert [s.title for s in response.context["slides"]] == ["思维链"]
    assertContains(response, f'<h1 class="deck-cover-title" lang="zh-Hans">{note.title_zh}</h1>')


def test_reading_list_present(client, user):
    reading_list = ReadingListFactory(description_en="Start here.")
    paper = PaperFactory(title_en="Scaling Laws", arxiv_id="2001.08361")
    reading_list.items.create(paper=paper, position=1, section="Basics", comment_en="Read first")
    client.force_login(user)

    url = reverse("notes:readinglist_present", args=[reading_list.slug])
    response = client.get(f"{url}?lang=en")

    assert [s.title for s in response.context["slides"]] == ["", "Basics"]
    assertContains(response, '<a href="https://arxiv.org/abs/2001.08361">arXiv:2001.08361</a>')
    assertContains(response, "<small>Read first</small>")
    # Each slide names its place in the Chinese deck: the language switch keeps it.
    basics = response.context["slides"][1]
    assert basics.elsewhere == {"zh": basics.anchor}
    assertContains(response, f'data-at-zh="{basics.anchor}"')


def test_slides_are_built_once_per_text_and_language(client, member, group, monkeypatch):
    from notes import present

    built = []
    real = present.deck.build_slides
    monkeypatch.setattr(
        present.deck,
        "build_slides",
        lambda html, lang: built.append(lang) or real(html, lang=lang),
    )
    meeting = MeetingFactory(group=group, body_zh="## 背景\n\n文字\n", body_en="## Background\n")
    client.force_login(member)
    other = UserFactory()
    group.memberships.create(user=other)

    first = client.get(present_url(meeting) + "?lang=zh")
    client.force_login(other)  # another member, same deck: the cache, not a rebuild
    second = client.get(present_url(meeting) + "?lang=zh")
    english = client.get(present_url(meeting) + "?lang=en")
    assert built == ["zh", "en"]  # the English deck was built with the Chinese one
    assert first.context["slides"][0].title == "背景"
    # The other member's deck is the one kept for the group (nothing rendered again).
    assert second.context is None
    assertContains(second, "背景")
    assert english.context["slides"][0].title == "Background"

    meeting.body_zh = "## 方法\n\n新的\n"
    meeting.save()
    edited = client.get(present_url(meeting) + "?lang=zh")
    # Each deck is built with the others (its language links name places in them).
    assert built == ["zh", "en", "zh", "en"]
    assert edited.context["slides"][0].title == "方法"


def two_language_meeting(group):
    return MeetingFactory(
        group=group,
        title_zh="组会分享：综述",
        title_en="Group meeting talk: a survey",
        body_zh="## 背景\n\n中文\n",
        body_en="## Background\n\nEnglish\n",
        translation="en",  # the Chinese is the original
    )


@pytest.mark.parametrize(
    ("accept", "lang", "slide", "cover", "subtitle"),
    [
        ("en", "en", "Background", ("en", "Group meeting talk: a survey"), "组会分享：综述"),
        ("zh-CN,zh;q=0.9", "zh", "背景", ("zh-Hans", "组会分享：综述"), "Group meeting talk"),
    ],
)
def test_meeting_deck_follows_the_interface_when_the_reader_chose_nothing(
    client, member, group, accept, lang, slide, cover, subtitle
):
    meeting = two_language_meeting(group)
    client.force_login(member)

    response = client.get(present_url(meeting), HTTP_ACCEPT_LANGUAGE=accept)

    assert response.context["lang"] == lang
    assert [s.title for s in response.context["slides"]] == [slide]
    assertContains(response, f"<title>{cover[1]} · ")
    assertContains(
        response, f'<h1 class="deck-cover-title" lang="{cover[0]}">{cover[1]}</h1>', html=True
    )
    assertContains(
        response,
        f'class="deck-cover-subtitle" lang="{"zh-Hans" if lang == "en" else "en"}">{subtitle}',
    )


@pytest.mark.parametrize(
    ("cookie", "query", "lang"),
    [("zh", "", "zh"), ("en", "", "en"), ("both", "", "both"), ("zh", "?lang=en", "en")],
)
def test_meeting_deck_keeps_the_readers_choice_and_the_lang_parameter(
    client, member, group, cookie, query, lang
):
    meeting = two_language_meeting(group)
    client.force_login(member)
    client.cookies["reading"] = cookie

    response = client.get(present_url(meeting) + query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["lang"] == lang


def test_an_untitled_meeting_deck_is_titled_by_its_number(client, member, group):
    meeting = MeetingFactory(group=group, number=3, title_zh="", title_en="")
    client.force_login(member)

    response = client.get(present_url(meeting))

    assertContains(response, "<title>Meeting 3 · Present</title>")
    assertContains(response, '<h1 class="deck-cover-title" lang="">', count=0)
    assertContains(response, '<h1 class="deck-cover-title">Meeting 3</h1>', html=True)


@pytest.mark.parametrize(("accept", "lang"), [("en", "en"), ("zh-CN,zh;q=0.9", "zh")])
def test_reading_list_deck_follows_the_interface_when_the_reader_chose_nothing(
    client, user, accept, lang
):
    reading_list = ReadingListFactory(title_zh="论文汇总", title_en="Paper list")
    reading_list.items.create(
        paper=PaperFactory(), position=1, comment_zh="先读", comment_en="Read first"
    )
    client.force_login(user)

    url = reverse("notes:readinglist_present", args=[reading_list.slug])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=accept)

    assert response.context["lang"] == lang
    assertContains(response, "<small>Read first</small>" if lang == "en" else "<small>先读</small>")
    assertContains(response, f"<title>{'Paper list' if lang == 'en' else '论文汇总'} · ")
