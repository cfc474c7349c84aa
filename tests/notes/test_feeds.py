import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.feeds import token_for
from notes.models import MemberSettings
from tests.factories import MeetingFactory, MembershipFactory, NoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def feed(client, name, user):
    return client.get(reverse(f"notes:{name}", args=[token_for(user)])).content.decode()


def test_notes_feed_shows_what_the_member_may_read(client, member, group):
    NoteFactory(title_zh="公开笔记", visibility="everyone")
    NoteFactory(title_zh="本组笔记", visibility="group", group=group)
    NoteFactory(title_zh="别人的私人笔记", visibility="private")
    content = feed(client, "notes_feed", member)
    assert "公开笔记" in content
    assert "本组笔记" in content
    assert "别人的私人笔记" not in content


def test_meetings_feed_lists_only_the_members_groups(client, member, group):
    MeetingFactory(group=group, title_zh="本组组会")
    MeetingFactory(title_zh="别组组会")
    content = feed(client, "meetings_feed", member)
    assert "本组组会" in content
    assert "别组组会" not in content


def test_a_feed_is_in_the_members_e_mail_language(client, member, group):
    """A feed reader sends no language: the feed is written in the member's e-mail
    language, its title and each item's, as their calendars are."""
    MeetingFactory(group=group, title_zh="推理", title_en="Reasoning")
    NoteFactory(title_zh="思维链笔记", title_en="Notes on chain of thought", visibility="everyone")
    content = feed(client, "meetings_feed", member)
    assert "推理" in content and "Reasoning" not in content
    MemberSettings.objects.create(user=member, email_language="en")
    content = feed(client, "meetings_feed", member)
    assert "Reasoning" in content and "推理" not in content
    assert "Meetings · LLM Reading Group" in content
    content = feed(client, "notes_feed", member)
    assert "Notes on chain of thought" in content and "思维链笔记" not in content


def test_a_forged_or_outdated_token_is_not_found(client, member):
    assert client.get(reverse("notes:notes_feed", args=["forged"])).status_code == 404
    old = token_for(member)
    member.set_password("a brand new passphrase")
    member.save()
    assert client.get(reverse("notes:notes_feed", args=[old])).status_code == 404


def test_my_notes_page_links_the_private_feeds(member_client, member):
    response = member_client.get(reverse("notes:my_notes"))
    assert reverse("notes:notes_feed", args=[token_for(member)]) in response.content.decode()


def test_feeds_of_two_members_differ(client):
    first, second = UserFactory(), UserFactory()
    MembershipFactory(user=first)
    assert token_for(first) != token_for(second)


def test_the_address_holds_nothing_of_the_password_hash(member):
    token = token_for(member)
    pk, _sep, signature = token.partition("-")
    assert pk == str(member.pk)
    hashed = member.password.split("$")[-1]
    assert all(part not in token for part in (hashed[-12:], hashed[:12]))
    assert len(signature) == 40 and all(c in "0123456789abcdef" for c in signature)


def test_renewing_makes_the_old_address_stop_working(member_client, member):
    old = token_for(member)
    response = member_client.post(reverse("notes:feed_renew"))
    assert response.status_code == 302
    new = token_for(member)
    assert new != old
    assert member_client.get(reverse("notes:notes_feed", args=[old])).status_code == 404
    assert member_client.get(reverse("notes:notes_feed", args=[new])).status_code == 200


def test_turning_feeds_off_stops_every_address_until_turned_on(client, member_client, member):
    old = token_for(member)
    member_client.post(reverse("notes:feed_revoke"))
    assert client.get(reverse("notes:notes_feed", args=[old])).status_code == 404
    page = member_client.get(reverse("notes:my_notes")).content.decode()
    assert "Turn feeds on" in page and "/feeds/" + old not in page
    on = member_client.post(reverse("notes:feed_renew"), follow=True)
    assert client.get(reverse("notes:notes_feed", args=[token_for(member)])).status_code == 200
    # Turned on, not "the old ones no longer work": none worked a moment before.
    assertContains(on, "Your feeds are on again, at new addresses.")
    assertNotContains(on, "the old ones no longer work")
    renewed = member_client.post(reverse("notes:feed_renew"), follow=True)
    assertContains(renewed, "Your feeds have new addresses; the old ones no longer work.")


def form_of(page, action):
    """The opening tag of the page's form that posts to ``action``."""
    (tag,) = re.findall(rf'<form [^>]*action="{re.escape(action)}"[^>]*>', page)
    return tag


@pytest.mark.parametrize(
    ("url", "section"), [("notes:my_notes", "feeds"), ("notes:member_settings", "calendars")]
)
def test_new_addresses_and_turning_feeds_off_ask_first(member_client, url, section):
    """Both stop every address in use at once: the buttons say so and ask (static/js/
    site.js asks a form of class confirm-delete its data-confirm before it is sent)."""
    page = member_client.get(reverse(url)).content.decode()
    renew = form_of(page, reverse("notes:feed_renew"))
    assert 'class="inline-form confirm-delete"' in renew
    assert (
        'data-confirm="Make new addresses? The feed and calendar addresses you use now stop '
        "working at once: every feed reader and calendar subscribed to them needs the new "
        'ones."'
    ) in renew
    revoke = form_of(page, reverse("notes:feed_revoke"))
    assert 'class="inline-form confirm-delete"' in revoke
    assert (
        'data-confirm="Turn your feeds off? Every feed and calendar address stops working at '
        'once; turning them on again gives new addresses."'
    ) in revoke
    assert f'id="{section}"' in page
    # Turning them on again breaks nothing: it does not ask.
    member_client.post(reverse("notes:feed_revoke"))
    page = member_client.get(reverse(url)).content.decode()
    assert "confirm-delete" not in form_of(page, reverse("notes:feed_renew"))


@pytest.mark.parametrize("token", ["1-" + "0" * 40, "abc-def", "-", "1", "99999-" + "a" * 40])
def test_malformed_tokens_are_not_found(client, member, token):
    token_for(member)
    assert client.get(reverse("notes:notes_feed", args=[token])).status_code == 404


def test_a_control_character_in_a_record_does_not_take_a_feed_down(client, member, group):
    """A title with \\x02 or a body with \\x1b (pasted from a terminal or a PDF) made the
    notes and activity feeds a 500 for every member who may read it: XML 1.0 has no such
    characters. The forms refuse them; one saved before, or without a form, is left out."""
    NoteFactory(
        title_zh="GPT\x02-4 笔记", body_zh="颜色 \x1b[0m 结束", visibility="group", group=group
    )
    for name in ("notes_feed", "activity_feed"):
        response = client.get(reverse(f"notes:{name}", args=[token_for(member)]))
        assert response.status_code == 200
        assert "GPT-4 笔记" in response.content.decode()


def atom(content):
    from xml.etree import ElementTree

    return ElementTree.fromstring(content), {"a": "http://www.w3.org/2005/Atom"}


def test_each_feed_is_valid_atom_with_an_id_of_its_own(client, member, group):
    """RFC 4287 asks an author of each entry, or of the feed: the meetings and activity
    feeds had none. They also shared one id, their link (the home page), for every
    member, and an activity entry's id held the page's address (a new slug: a new entry)."""
    group.name_zh = "视觉读书会"
    group.save()
    other = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, number=3)
    from notes.models import Comment

    Comment.objects.create(author=other, meeting=meeting, group=group, body="Good slides")
    ids = set()
    for user in (member, other):
        for name in ("notes_feed", "meetings_feed", "activity_feed"):
            root, ns = atom(feed(client, name, user))
            assert root.find("a:author/a:name", ns).text
            ids.add(root.find("a:id", ns).text)
    assert len(ids) == 6
    root, ns = atom(feed(client, "activity_feed", member))
    entries = root.findall("a:entry", ns)
    entry_ids = [entry.find("a:id", ns).text for entry in entries]
    assert all(i.startswith("tag:") and "/meetings/" not in i for i in entry_ids)
    titles = [entry.find("a:title", ns).text for entry in entries]
    assert any("#3" in t and "视觉读书会" in t for t in titles), titles
