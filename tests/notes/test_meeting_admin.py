"""The admin's meeting form (notes.forms.MeetingAdminForm) holds meetings to what the
site's schedule holds them to: an end after the start, no clash with another of the
group's meetings, presenters who are members and no more of them than slots; and a new
date moves the meeting's time to that day instead of being undone by the start's day."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import Meeting, MemberSettings
from tests.factories import MeetingFactory, MembershipFactory, UserFactory, meeting_at
from tests.notes.test_forms import admin_post_data

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime(2030, 1, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def meeting(group):
    return MeetingFactory(
        group=group,
        number=2,
        date=datetime.date(2030, 1, 16),
        starts_at=at(16, 19),
        ends_at=at(16, 21),
        time_zone="Asia/Shanghai",
    )


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def url_of(meeting):
    return reverse("admin:notes_meeting_change", args=[meeting.pk])


def form_of(client, meeting):
    """The change form as the browser sends it back, the times as the admin's two inputs."""
    data = admin_post_data(client.get(url_of(meeting)))
    for name in ("starts_at", "ends_at"):
        value = getattr(meeting, name)
        data.pop(name, None)
        if value is not None:
            local = value.astimezone(SHANGHAI)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    return data


def test_a_new_date_moves_the_meeting_to_that_day_at_the_same_time(admin_client, meeting):
    data = form_of(admin_client, meeting)
    data["date"] = "2030-01-23"
    assert admin_client.post(url_of(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2030, 1, 23)
    assert (meeting.starts_at, meeting.ends_at) == (at(23, 19), at(23, 21))


def test_a_date_and_a_start_that_disagree_get_a_message(admin_client, meeting):
    data = form_of(admin_client, meeting)
    data["date"], data["starts_at_0"] = "2030-01-23", "2030-01-30"
    response = admin_client.post(url_of(meeting), data)
    assertContains(response, "The date is the day the meeting starts")
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2030, 1, 16)


def test_an_end_before_the_start_is_refused(admin_client, meeting):
    data = form_of(admin_client, meeting)
    data["starts_at_1"], data["ends_at_1"] = "21:00:00", "19:00:00"
    response = admin_client.post(url_of(meeting), data)
    assertContains(response, "The meeting must end after it starts.")
    meeting.refresh_from_db()
    assert meeting.starts_at == at(16, 19)


def test_a_clash_with_another_meeting_is_refused(admin_client, meeting, group):
    other = MeetingFactory(group=group, number=3, date=datetime.date(2030, 1, 9))
    data = form_of(admin_client, other)
    data["date"] = "2030-01-16"
    data["starts_at_0"], data["starts_at_1"] = "2030-01-16", "19:30:00"
    data["ends_at_0"], data["ends_at_1"] = "2030-01-16", "20:30:00"
    data["time_zone"] = "Asia/Shanghai"
    response = admin_client.post(url_of(other), data)
    assertContains(response, "This clashes with meeting #2")
    # A skipped week clashes with nothing.
    data["status"] = Meeting.Status.SKIPPED
    assert admin_client.post(url_of(other), data).status_code == 302


def test_presenters_must_be_members_and_fit_the_slots(admin_client, meeting, group, member):
    outsider = UserFactory(username="carol")
    data = form_of(admin_client, meeting)
    data["presenters"], data["presenter_slots"] = [str(member.pk), str(outsider.pk)], "1"
    response = admin_client.post(url_of(meeting), data, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(response, "carol is not a member of")
    assertContains(response, "2 presenters for 1 slot")
    assert not meeting.presenters.exists()
    MembershipFactory(group=group, user=outsider)
    data["presenter_slots"] = "2"
    assert admin_client.post(url_of(meeting), data).status_code == 302
    assert set(meeting.presenters.all()) == {member, outsider}


def test_the_meeting_list_finds_a_meeting_by_its_presenters_account(admin_client, meeting, member):
    meeting.presenters.add(member)
    url = reverse("admin:notes_meeting_changelist")
    assertContains(admin_client.get(url, {"q": member.username}), url_of(meeting))


def test_the_papers_inline_is_named_as_the_presented_papers_help_says(admin_client, meeting):
    page = admin_client.get(url_of(meeting), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(page, "其他论文填在“讨论的论文”中")
    assertContains(page, "讨论的论文")
    assert "讲读的论文" not in page.content.decode()


def test_the_admin_names_a_meeting_and_a_note_in_its_language(admin_client, meeting):
    """A browser walk read "LLM Reading Group #1 · 2023-10-25 组会分享：…" in the English
    admin's breadcrumbs and messages: the English title was there."""
    from django.utils import translation

    from tests.factories import NoteFactory

    Meeting.objects.filter(pk=meeting.pk).update(title_zh="组会分享：思维链", title_en="Talk: CoT")
    meeting.refresh_from_db()
    meeting.group.name_zh = "大模型读书会"
    note = NoteFactory(title_zh="自我博弈微调", title_en="Self-play fine-tuning")
    with translation.override("en"):
        assert str(meeting) == f"{meeting.group.name_en} #2 · 2030-01-16 Talk: CoT"
        assert str(note) == "Self-play fine-tuning"
    with translation.override("zh-hans"):
        assert str(meeting) == "大模型读书会 #2 · 2030-01-16 组会分享：思维链"
        assert str(note) == "自我博弈微调"
    url = reverse("admin:notes_meeting_change", args=[meeting.pk])
    meeting.group.save()
    english = admin_client.get(url, headers={"accept-language": "en"})
    assertContains(english, "#2 · 2030-01-16 Talk: CoT")  # breadcrumbs
    assertNotContains(english, "#2 · 2030-01-16 组会分享")
    chinese = admin_client.get(url, headers={"accept-language": "zh-hans"})
    assertContains(chinese, "#2 · 2030-01-16 组会分享：思维链")


def test_an_organiser_in_another_zone_reads_and_types_the_start_as_before(client, meeting):
    """The member's own zone (notes.auth.OwnTimeZoneMiddleware) is not the admin's: a
    19:00 Shanghai meeting showed as 06:00 to an organiser in New York, beside its time
    zone field, and 19:00 typed there was read as New York's (a review)."""
    organiser = UserFactory(is_staff=True, is_superuser=True)
    MemberSettings.objects.create(user=organiser, time_zone="America/New_York")
    client.force_login(organiser)
    assertContains(client.get(url_of(meeting)), 'value="19:00:00"')
    data = form_of(client, meeting)
    data["starts_at_1"], data["ends_at_1"] = "19:30:00", "21:00:00"
    assert client.post(url_of(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.starts_at) == (datetime.date(2030, 1, 16), at(16, 19, 30))
    # On the site, the same organiser reads the meeting in their own zone.
    MembershipFactory(group=meeting.group, user=organiser)
    assertContains(client.get(meeting.get_absolute_url()), "06:30")


def test_a_new_date_whose_start_the_clocks_skip_is_refused(admin_client, group):
    """A London meeting at 01:30 moved by its date to the night the clocks go forward
    would have started at 02:30, unseen: the date is refused with the reason."""
    london = zoneinfo.ZoneInfo("Europe/London")
    meeting = meeting_at(group, datetime.datetime(2030, 3, 24, 1, 30), london, 5, minutes=60)
    start = meeting.starts_at
    data = form_of(admin_client, meeting)
    data["date"] = "2030-03-31"
    response = admin_client.post(url_of(meeting), data)
    assertContains(
        response,
        "01:30 does not exist in Europe/London on 2030-03-31: the clocks go forward then.",
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == start
    data["date"] = "2030-04-07"  # a week later the time is there again
    assert admin_client.post(url_of(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2030, 4, 7, 1, 30, tzinfo=london)
