"""Planning meetings in the browser: an organiser sets the series, a member signs up,
proposes and votes, at 1280 and 390 px, in English and Chinese; giving up a slot or
the feed addresses asks first."""

import datetime

import pytest
from playwright.sync_api import expect

from notes.feeds import token_for
from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import MeetingFactory, MembershipFactory, PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_organiser_sets_a_series_member_signs_up_proposes_and_votes(page, group):
    organiser = MembershipFactory(group=group, role="organiser").user
    member = MembershipFactory(group=group).user
    paper = PaperFactory(title_en="Chain-of-Thought Prompting", arxiv_id="2201.11903")
    first = datetime.date.today() + datetime.timedelta(days=7)

    login(page, organiser, next_url=group.get_absolute_url())
    click_and_load(page, "text=Plan meetings")
    page.select_option("#id_weekday", "2")
    page.fill("#id_start_time", "14:00")
    page.fill("#id_first_date", first.isoformat())
    page.fill("#id_place", "Room 301")
    page.fill("#id_link", "https://meet.example.org/llm")
    click_and_load(page, "text=Start the series")
    assert "8 coming meetings were added" in page.locator(".messages").inner_text()
    assert page.locator(".schedule-row").count() == 8
    screenshot(page, "schedule-organiser-en-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    screenshot(page, "schedule-organiser-en-390")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, member, next_url=group.get_absolute_url())
    click_and_load(page, ".meeting-row a >> nth=0")
    click_and_load(page, "text=Sign up to present")
    # Each action's message is in view, in the part the member acted in.
    said = page.locator("#plan .message")
    assert "You present at meeting" in said.inner_text()
    expect(said).to_be_in_viewport()
    assert page.locator(".presenter").inner_text() == (member.get_full_name() or member.username)
    page.fill("#id_paper", "2201.11903")
    click_and_load(page, "button:has-text('Propose')")
    expect(page.locator("#proposals .message")).to_be_in_viewport()
    click_and_load(page, ".proposal button:has-text('Vote')")
    assert page.locator(".proposal .votes").inner_text() == "1 vote"
    assert paper.title_en in page.locator(".proposal").inner_text()
    screenshot(page, "meeting-member-en-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    screenshot(page, "meeting-member-en-390")

    click_and_load(page, ".language-switch button[value=zh-hans]")
    assert page.locator("#plan-heading").inner_text() == "会前须知"
    assert page.locator(".proposal .votes").inner_text() == "1 票"
    assert no_sideways_scroll(page)
    screenshot(page, "meeting-member-zh-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "meeting-member-zh-1280")
    page.goto(group.get_absolute_url())
    assert page.locator("h2").first.inner_text() == "即将举行的组会"
    screenshot(page, "group-member-zh-1280")


def test_giving_up_a_slot_or_the_feed_addresses_asks_first(page, group):
    """A member who dismisses the question keeps their slot and their addresses; one who
    confirms hands the slot back."""
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(
        group=group, number=1, date=datetime.date.today() + datetime.timedelta(days=10)
    )
    meeting.presenters.add(member)
    token = token_for(member)
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    login(page, member, next_url=meeting.get_absolute_url())
    page.once("dialog", dismiss)
    page.click("button:has-text('Hand my slot back')")
    assert asked == [
        "Hand back your slot at meeting #1? You no longer present there, any member may "
        "take the slot, and swap requests for it are withdrawn."
    ]
    assert list(meeting.presenters.all()) == [member]

    page.goto("/settings/")
    page.once("dialog", dismiss)
    page.click("#calendars button:has-text('New addresses')")
    assert asked[-1].startswith("Make new addresses? The feed and calendar addresses")
    page.once("dialog", dismiss)
    page.click("#calendars button:has-text('Turn feeds off')")
    assert asked[-1].startswith("Turn your feeds off?")
    assert token_for(member) == token

    page.goto(meeting.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())
    click_and_load(page, "button:has-text('Hand my slot back')")
    assert "You handed meeting #1 back." in page.locator("#plan .message").inner_text()
    assert list(meeting.presenters.all()) == []
