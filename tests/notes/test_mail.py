"""E-mails to members (notes/mail.py): a swap request reaches the member it asks, and its
answer the member who asked, each in their own language and time zone, once the change
is committed; a member without an address gets none."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from notes import scheduling
from notes.models import MemberSettings, SwapRequest
from tests.factories import MeetingSeriesFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slots(group, settings):
    """Bob presents meeting #1 (2030-01-02), Ann #2 (2030-01-09), Wednesdays 14:00 in
    Shanghai; both read e-mails in English unless a test says otherwise."""
    settings.SITE_URL = "https://reading.example.org"
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    first, second = series.meetings.order_by("date")[:2]
    bob = MembershipFactory(group=group, user=UserFactory(username="bob")).user
    ann = MembershipFactory(group=group, user=UserFactory(username="ann")).user
    first.presenters.add(bob)
    second.presenters.add(ann)
    for person in (bob, ann):
        MemberSettings.objects.create(user=person, email_language="en")
    return bob, first, ann, second


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is to happen after the commit (the tests' transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_asked_member_gets_an_e_mail(slots, group, committed):
    bob, first, ann, second = slots
    with committed():
        scheduling.ask_swap(first, bob, second, ann)
    (sent,) = mail.outbox
    assert sent.to == ["ann@example.org"]
    assert sent.subject == f"bob asks to swap slots with you: your {group.name} #2 for their #1"
    assert sent.body.startswith("Hello ann,\n")
    assert "Your slot: meeting #2, 2030-01-09 Wed 14:00 (Asia/Shanghai)\n" in sent.body
    assert (
        "Their slot, yours if you accept: meeting #1, 2030-01-02 Wed 14:00 (Asia/Shanghai)\n"
        in sent.body
    )
    assert f"https://reading.example.org{second.get_absolute_url()}#plan\n" in sent.body
    assert "Nothing changes unless you accept." in sent.body


@pytest.mark.parametrize("accept", [True, False])
def test_the_member_who_asked_hears_the_answer(slots, group, committed, accept):
    bob, first, ann, second = slots
    with committed():
        request = scheduling.ask_swap(first, bob, second, ann)
    mail.outbox.clear()
    with committed():
        scheduling.answer_swap(request, ann, accept=accept)
    (sent,) = mail.outbox
    assert sent.to == ["bob@example.org"]
    if accept:
        assert sent.subject == f"ann accepted your swap: you now present at {group.name} #2"
        assert "You now present at: meeting #2, 2030-01-09 Wed 14:00" in sent.body
        assert "They present at: meeting #1, 2030-01-02 Wed 14:00" in sent.body
        assert f"https://reading.example.org{second.get_absolute_url()}#plan" in sent.body
    else:
        assert sent.subject == f"ann declined your swap: you still present at {group.name} #1"
        assert "You still present at: meeting #1, 2030-01-02 Wed 14:00" in sent.body
        assert f"https://reading.example.org{first.get_absolute_url()}#plan" in sent.body


def test_each_e_mail_is_in_its_readers_language_and_time_zone(slots, committed):
    bob, first, ann, second = slots
    MemberSettings.objects.filter(user=ann).update(
        email_language="zh-hans", time_zone="Europe/London"
    )
    with committed():
        request = scheduling.ask_swap(first, bob, second, ann)
        scheduling.answer_swap(request, ann, accept=False)
    to_ann, to_bob = mail.outbox
    assert to_ann.body.startswith("ann，你好：")
    # 14:00 in Shanghai is 06:00 in London in January.
    assert "06:00" in to_ann.body and "Europe/London" in to_ann.body
    assert "14:00" not in to_ann.body
    assert to_bob.body.startswith("Hello bob,")
    assert "14:00 (Asia/Shanghai)" in to_bob.body


def test_a_member_without_an_address_is_skipped(slots, committed):
    bob, first, ann, second = slots
    type(ann).objects.filter(pk=ann.pk).update(email="")
    ann.refresh_from_db()
    with committed():
        scheduling.ask_swap(first, bob, second, ann)
    assert mail.outbox == []
    assert SwapRequest.objects.get().status == SwapRequest.Status.PENDING


def test_nothing_is_sent_for_a_request_rolled_back(slots, committed):
    bob, first, ann, second = slots
    with committed(), pytest.raises(ValidationError), transaction.atomic():
        scheduling.ask_swap(first, bob, second, ann)
        raise ValidationError("the rest of the request failed")
    assert mail.outbox == []
    assert not SwapRequest.objects.exists()


def test_a_send_that_fails_leaves_the_request_asked(slots, committed, monkeypatch, caplog):
    bob, first, ann, second = slots

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("notes.mail.send_mail", refuse)
    with committed(), caplog.at_level(logging.ERROR):
        scheduling.ask_swap(first, bob, second, ann)
    assert "connection refused" in caplog.text
    assert SwapRequest.objects.get().status == SwapRequest.Status.PENDING


@pytest.mark.parametrize(
    ("browser", "greeting"), [("en", "Hello ann,"), ("zh-CN,zh", "ann，你好：")]
)
def test_a_member_who_never_chose_gets_e_mails_in_the_language_they_use_the_site_in(
    slots, committed, client, browser, greeting
):
    bob, first, ann, second = slots
    MemberSettings.objects.filter(user=ann).delete()
    client.force_login(ann)
    client.get("/", headers={"accept-language": browser})
    with committed():
        scheduling.ask_swap(first, bob, second, ann)
    (to_ann,) = mail.outbox
    assert to_ann.body.startswith(greeting)
    assert not MemberSettings.objects.filter(user=ann).exists()  # chosen by nobody


def test_a_member_who_never_came_by_gets_e_mails_in_the_sites_language(slots, committed):
    bob, first, ann, second = slots
    MemberSettings.objects.filter(user=ann).delete()
    with committed():
        scheduling.ask_swap(first, bob, second, ann)
    (to_ann,) = mail.outbox
    assert to_ann.body.startswith("ann，你好：")


def test_the_settings_page_offers_the_language_the_member_uses_the_site_in(client):
    member = UserFactory()
    client.force_login(member)
    client.get("/", headers={"accept-language": "en"})
    response = client.get("/settings/", headers={"accept-language": "en"})
    assert response.context["form"]["email_language"].value() == "en"
