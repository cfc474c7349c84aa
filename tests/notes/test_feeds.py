import pytest
from django.urls import reverse

from notes.feeds import token_for
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
