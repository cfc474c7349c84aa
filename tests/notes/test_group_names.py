"""A reading group is named in the reader's language wherever running text names it: its
Chinese name (``name_zh``) in the Chinese interface when it has one, its English name
(``name``) otherwise. Pages kept in the shared cache are asked for in both languages in
turn, so that neither language is served the other's name from the cache."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from notes.feeds import token_for
from notes.models import MemberSettings
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Not the site's own name ("LLM Reading Group"), which every page and feed bears.
EN, ZH = "Foundation Models Circle", "大模型论文读书会"
ACCEPT = {"zh": "zh-hans", "en": "en"}
# Each language in turn, the other first too: a page kept for one is never the other's.
ORDERS = pytest.mark.parametrize("languages", [("zh", "en"), ("en", "zh")])


@pytest.fixture
def llm_group(db):
    return ReadingGroupFactory(slug="llm", name=EN, name_zh=ZH)


@pytest.fixture
def llm_member(llm_group):
    return MembershipFactory(group=llm_group).user


def pages(client, url, languages):
    """The page at the url in each language, asked for in this order: {language: page}."""
    return {
        language: client.get(url, HTTP_ACCEPT_LANGUAGE=ACCEPT[language]) for language in languages
    }


def assert_named(page, language, zh_text, en_text):
    """The page names the group as the language reads it, and not as the other does."""
    assert page.status_code == 200
    if language == "zh":
        assertContains(page, zh_text)
        assertNotContains(page, EN)
    else:
        assertContains(page, en_text)
        assertNotContains(page, ZH)


def test_the_group_has_a_name_pair(llm_group):
    assert (llm_group.name_zh, llm_group.name_en) == (ZH, EN)
    assert str(llm_group) == EN  # the admin and str() keep the English name


@ORDERS
def test_a_reading_lists_progress_names_the_group_in_the_readers_language(
    client, llm_group, llm_member, languages
):
    reading_list = ReadingListFactory(group=llm_group)
    reading_list.items.create(paper=PaperFactory(), position=1)
    client.force_login(llm_member)

    found = pages(client, reading_list.get_absolute_url(), languages)

    assert_named(found["zh"], "zh", f"“{ZH}”的阅读进度", "")
    assert_named(found["en"], "en", "", f"How far {EN} has read")


@ORDERS
def test_a_papers_discussion_is_headed_by_the_group_in_the_readers_language(
    client, llm_group, llm_member, languages
):
    paper = PaperFactory()
    client.force_login(llm_member)

    found = pages(client, paper.get_absolute_url(), languages)

    assert_named(found["zh"], "zh", f"“{ZH}”的讨论", "")
    assert_named(found["en"], "en", "", f"Discussion in {EN}")


@ORDERS
def test_a_meeting_pages_breadcrumb_names_the_group_in_the_readers_language(
    client, llm_group, llm_member, languages
):
    meeting = MeetingFactory(group=llm_group, number=1)
    client.force_login(llm_member)

    found = pages(client, meeting.get_absolute_url(), languages)

    link = f'<a href="{llm_group.get_absolute_url()}">'
    assert_named(found["zh"], "zh", f"{link}{ZH}</a> · 第 1 次组会", "")
    assert_named(found["en"], "en", "", f"{link}{EN}</a> · meeting 1")


def test_an_untitled_meeting_page_is_titled_by_the_group_in_the_readers_language(
    client, llm_group, llm_member
):
    meeting = MeetingFactory(group=llm_group, number=2, title_zh="", title_en="")
    client.force_login(llm_member)

    zh = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assertContains(zh, f"<title>{ZH} #2")
    assertContains(en, f"<title>{EN} #2")


def test_a_group_without_a_chinese_name_keeps_its_english_name_in_chinese(client):
    group = ReadingGroupFactory(name="Theory Circle", name_zh="")
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, number=1)
    client.force_login(member)

    page = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assertContains(page, f'<a href="{group.get_absolute_url()}">Theory Circle</a> · 第 1 次组会')


@ORDERS
def test_the_meeting_deck_kicker_names_the_group_in_the_readers_language(
    client, llm_group, llm_member, languages
):
    meeting = MeetingFactory(group=llm_group, number=1)
    client.force_login(llm_member)
    url = reverse("notes:meeting_present", args=[llm_group.slug, meeting.number])

    found = pages(client, url, languages)

    assert_named(found["zh"], "zh", f"{ZH} · 第 1 次组会 · 2023-10-25", "")
    assert_named(found["en"], "en", "", f"{EN} · meeting 1 · 2023-10-25")


def test_the_reading_list_deck_kicker_follows_the_readers_choice(client, llm_group, llm_member):
    reading_list = ReadingListFactory(group=llm_group, title_zh="论文汇总", title_en="Paper list")
    client.force_login(llm_member)
    url = reverse("notes:readinglist_present", args=[reading_list.slug])

    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["reading"] = "en"  # an English reader in the Chinese interface
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assertContains(zh, f"阅读清单 · {ZH}")
    assertContains(en, f"阅读清单 · {EN}")


def test_the_meeting_card_names_the_group_in_the_readers_language(client, llm_group, llm_member):
    soon = timezone.localdate() + datetime.timedelta(days=3)
    MeetingFactory(group=llm_group, number=1, date=soon)
    client.force_login(llm_member)

    zh = client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="en")

    link = f'<a href="{llm_group.get_absolute_url()}">'
    assertContains(zh, f"{link}{ZH}</a> · 第 1 次组会")
    assertContains(en, f"{link}{EN}</a> · meeting 1")


def test_the_schedule_names_the_group_in_the_readers_language(client, llm_group):
    organiser = MembershipFactory(group=llm_group, role="organiser").user
    client.force_login(organiser)
    url = reverse("notes:schedule", args=[llm_group.slug])

    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert_named(zh, "zh", f'<a href="{llm_group.get_absolute_url()}">{ZH}</a>', "")
    assert_named(en, "en", "", f'<a href="{llm_group.get_absolute_url()}">{EN}</a>')


def test_reminders_name_the_group_in_each_members_language(llm_group):
    chinese = MembershipFactory(group=llm_group, user=UserFactory(email="zh@example.org")).user
    english = MembershipFactory(group=llm_group, user=UserFactory(email="en@example.org")).user
    MemberSettings.objects.create(user=english, email_language="en")
    start = timezone.now() + datetime.timedelta(hours=10)
    MeetingFactory(group=llm_group, date=start.date(), starts_at=start, time_zone="Asia/Shanghai")

    call_command("send_reminders", stdout=None)

    by_address = {message.to[0]: message for message in mail.outbox}
    zh, en = by_address[chinese.email], by_address[english.email]
    assert ZH in zh.subject and ZH in zh.body
    assert EN not in zh.subject + zh.body
    assert EN in en.subject and EN in en.body
    assert ZH not in en.subject + en.body


def test_calendars_name_the_group_in_the_members_language(client, llm_group, llm_member):
    MeetingFactory(group=llm_group, number=1, date=timezone.localdate())
    url = reverse("notes:group_calendar", args=[token_for(llm_member), llm_group.slug])

    zh = icalendar.Calendar.from_ical(client.get(url).content)  # Chinese unless chosen
    MemberSettings.objects.create(user=llm_member, email_language="en")
    en = icalendar.Calendar.from_ical(client.get(url).content)

    assert str(zh["x-wr-calname"]) == ZH
    assert str(zh.walk("VEVENT")[0]["summary"]).startswith(f"{ZH} #1")
    assert str(en["x-wr-calname"]) == EN
    assert str(en.walk("VEVENT")[0]["summary"]).startswith(f"{EN} #1")


def test_the_meetings_feed_names_the_group_in_the_members_language(client, llm_group, llm_member):
    MeetingFactory(group=llm_group, number=1)
    url = reverse("notes:meetings_feed", args=[token_for(llm_member)])

    zh = client.get(url).content.decode()
    MemberSettings.objects.create(user=llm_member, email_language="en")
    en = client.get(url).content.decode()

    assert f"<title>{ZH} #1" in zh and EN not in zh
    assert f"<title>{EN} #1" in en and ZH not in en


def test_a_kept_deck_shows_the_groups_new_name(client, llm_group, llm_member):
    meeting = MeetingFactory(group=llm_group, number=1)
    client.force_login(llm_member)
    url = reverse("notes:meeting_present", args=[llm_group.slug, meeting.number])
    assertContains(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"), f"{ZH} · 第 1 次组会")

    llm_group.name_zh = "大模型读书会"
    llm_group.save()

    assertContains(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"), "大模型读书会 · 第 1 次组会")


def test_the_note_forms_group_choice_names_the_group_in_the_readers_language(
    client, llm_group, llm_member
):
    client.force_login(llm_member)
    url = reverse("notes:note_create")
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(zh, f">{ZH}</option>")
    assertNotContains(zh, EN)
    assertContains(client.get(url, HTTP_ACCEPT_LANGUAGE="en"), f">{EN}</option>")


def test_the_settings_calendar_link_names_the_group_as_chinese_writes_it(client, llm_member):
    client.force_login(llm_member)
    page = client.get(reverse("notes:member_settings"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(page, f"{ZH}的组会")


def test_the_group_page_is_headed_by_the_name_in_the_readers_language(
    client, llm_group, llm_member
):
    client.force_login(llm_member)
    url = llm_group.get_absolute_url()
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<title>{ZH} · " in zh and f'<h1>{ZH} <span lang="en" class="muted">{EN}</span>' in zh
    assert (
        f"<title>{EN} · " in en and f'<h1>{EN} <span lang="zh-Hans" class="muted">{ZH}</span>' in en
    )


def test_a_group_named_as_the_site_is_named_once_in_the_title(client):
    group = ReadingGroupFactory(slug="site-named", name="LLM Reading Group")
    organiser = MembershipFactory(group=group, role="organiser").user
    client.force_login(organiser)
    page = client.get(group.get_absolute_url())
    assertContains(page, "<title>LLM Reading Group</title>")
    schedule = client.get(reverse("notes:schedule", args=[group.slug]))
    assertContains(schedule, "<title>Plan meetings · LLM Reading Group</title>")
    other = ReadingGroupFactory(slug="other", name="Foundation Models Circle")
    MembershipFactory(group=other, user=organiser)
    assertContains(
        client.get(other.get_absolute_url()),
        "<title>Foundation Models Circle · LLM Reading Group</title>",
    )


@ORDERS
def test_the_home_pages_groups_lead_with_the_name_in_the_readers_language(
    client, llm_group, llm_member, languages
):
    """The home page's "My groups" led with the English name in Chinese too."""
    client.force_login(llm_member)
    link = f'<a href="{llm_group.get_absolute_url()}">'
    for language, page in pages(client, "/", languages).items():
        html = page.content.decode()
        if language == "zh":
            assert f'{link}{ZH}</a> <span lang="en" class="muted">{EN}</span>' in html
        else:
            assert f'{link}{EN}</a> <span lang="zh-Hans" class="muted">{ZH}</span>' in html
