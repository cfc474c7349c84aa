"""Whole pages kept once for everyone who reads alike (core/audiencepage.py): a member
gets the page their audience's first member rendered, with their own name, CSRF token
and reading statuses; never another member's, never a page that is someone's own."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core import fragments
from core.audiencepage import audience_page
from notes.audience import MEETING_SOURCES, audience
from notes.models import MemberSettings, ReadingStatus, display_name
from tests.factories import (
    CommentFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    PaperFactory,
    ReadingListFactory,
    ReadingStatusFactory,
    UserFactory,
    client_of,
    meeting_at,
)

pytestmark = pytest.mark.django_db
Status = ReadingStatus.Status
MARKS = ("<!--mine:", "<!--/mine-->", "<!--shared-->", "<!--/shared-->", "<!--csrf-->")


@pytest.fixture
def alike(world):
    """Two members of group A who wrote nothing: they read alike."""
    return MembershipFactory(group=world.group_a).user, MembershipFactory(group=world.group_a).user


def own_control(html, paper):
    """The status control of the paper in the page."""
    action = reverse("notes:status_set", args=[paper.pk])
    return re.search(rf'<form method="post" action="{action}".*?</form>', html, re.S)[0]


def assert_no_marks(response):
    for mark in MARKS:
        assertNotContains(response, mark)


def test_a_member_who_reads_alike_gets_the_kept_page_with_their_own_parts(alike):
    first, second = alike
    read, unread = PaperFactory(title_en="Read by the first"), PaperFactory()
    ReadingStatusFactory(user=first, paper=read, status=Status.READ)
    ReadingStatusFactory(user=second, paper=unread, status=Status.READING)
    url = reverse("reading:paper_list")

    mine = client_of(first).get(url)
    assert mine.context is not None  # rendered, and kept for the audience
    theirs = client_of(second).get(url)
    assert theirs.context is None  # the kept page, not rendered again
    assertContains(theirs, "Read by the first")
    assert f'title="{second.username}"' in theirs.content.decode()
    assertNotContains(theirs, first.username)
    assert 'data-status="read"' in own_control(mine.content.decode(), read)
    assert 'data-status=""' in own_control(theirs.content.decode(), read)
    assert 'data-status="reading"' in own_control(theirs.content.decode(), unread)
    assert_no_marks(mine)
    assert_no_marks(theirs)


def test_the_csrf_token_in_a_kept_page_is_the_members_own(alike):
    first, second = alike
    paper = PaperFactory()
    url = reverse("reading:paper_list")
    client_of(first).get(url)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(second)
    page = browser.get(url)
    assert page.context is None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    answer = browser.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": Status.READ, "next": url, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert ReadingStatus.objects.get(user=second, paper=paper).status == Status.READ
    # Their status shows at once on the kept page, not on the first member's.
    assert 'data-status="read"' in own_control(browser.get(url).content.decode(), paper)
    assert 'data-status=""' in own_control(client_of(first).get(url).content.decode(), paper)


def test_members_who_do_not_read_alike_get_pages_of_their_own(world, alike):
    first, _second = alike
    url = reverse("notes:glossary")
    client_of(first).get(url)
    # A note that is not public, another group, another role, staff: another page.
    for user in (world.member, world.other, world.organiser, world.staff):
        assert client_of(user).get(url).context is not None, user
    staff_page = client_of(world.staff).get(url)
    assertContains(staff_page, reverse("admin:index"))
    assertNotContains(client_of(first).get(url), reverse("admin:index"))


def test_the_kept_page_follows_every_change(alike):
    first, second = alike
    paper = PaperFactory(title_en="Old title")
    url = reverse("reading:paper_list")
    client_of(first).get(url)
    paper.title_en = "New title"
    paper.save()
    page = client_of(second).get(url)
    assert page.context is not None  # rendered afresh after the change
    assertContains(page, "New title")


def test_a_groups_progress_on_a_kept_page_follows_a_status(world, alike):
    first, second = alike
    paper = PaperFactory()
    reading_list = ReadingListFactory(group=world.group_a)
    reading_list.items.create(paper=paper, position=1)
    url = reading_list.get_absolute_url()
    assertContains(client_of(first).get(url), "0 of 5 members have read it")
    ReadingStatus.set(second, paper, Status.READ)
    page = client_of(first).get(url)
    assertContains(page, "1 of 5 members have read it")
    assert 'data-status=""' in own_control(page.content.decode(), paper)


def test_a_page_of_the_members_own_reading_is_not_kept_for_others(alike):
    first, second = alike
    url = reverse("reading:paper_list") + "?read=me"
    client_of(first).get(url)
    assert client_of(second).get(url).context is not None


def test_a_kept_page_is_answered_304_until_the_members_own_parts_change(alike):
    first, second = alike
    paper = PaperFactory()
    url = reverse("reading:paper_list")
    client_of(first).get(url)
    client = client_of(second)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ReadingStatus.set(second, paper, Status.READ)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def request_of(rf, user, path="/page/"):
    request = rf.get(path)
    request.user, request.session = user, SessionStore()
    request.session.save()
    request._messages = FallbackStorage(request)
    return request


def recording_page(html_of):
    """An audience page of a view answering html_of(request), and who it rendered for."""
    calls = []

    def view(request):
        calls.append(request.user)
        return HttpResponse(html_of(request))

    return audience_page(view), calls


def test_a_page_that_names_its_reader_is_never_kept(rf, alike):
    first, second = alike
    page, calls = recording_page(lambda request: f"<p>Hello {request.user.username}</p>")
    assert page(request_of(rf, first)).content.decode() == f"<p>Hello {first.username}</p>"
    assert page(request_of(rf, second)).content.decode() == f"<p>Hello {second.username}</p>"
    assert calls == [first, second]


def test_a_page_that_names_its_reader_by_their_chinese_name_is_never_kept(rf, alike):
    first, second = alike
    for user, (last, given) in zip(alike, [("张", "三"), ("李", "四")], strict=True):
        user.last_name, user.first_name = last, given
        user.save()
    page, calls = recording_page(lambda request: f"<p>主讲：{display_name(request.user)}</p>")
    assert page(request_of(rf, first)).content.decode() == "<p>主讲：张三</p>"
    assert page(request_of(rf, second)).content.decode() == "<p>主讲：李四</p>"
    assert calls == [first, second]


def test_a_kept_page_that_names_a_member_is_not_served_to_them(rf, alike):
    first, second = alike
    page, calls = recording_page(lambda request: f"<p>Presented by {second.username}</p>")
    stranger = UserFactory()
    page(request_of(rf, first))
    page(request_of(rf, stranger))  # another audience: rendered
    page(request_of(rf, first))  # kept
    page(request_of(rf, second))  # named: may hold what only they may do, rendered
    assert calls == [first, stranger, second]


def test_a_kept_paper_page_shows_each_member_their_status_and_the_others(world, alike):
    first, second = alike
    paper = PaperFactory()
    ReadingStatus.set(first, paper, Status.READ)
    url = paper.get_absolute_url()
    assert client_of(first).get(url).context is not None
    page = client_of(second).get(url)
    assert page.context is None  # the page kept for their audience
    html = page.content.decode()
    assert 'data-status=""' in own_control(html, paper)
    # The first member's status is the second's to see among their group's readers.
    assert re.search(rf'class="reader reader-read">{first.username} · ', html)
    assert "status-since" not in html
    mine = client_of(first).get(url).content.decode()
    assert 'data-status="read"' in own_control(mine, paper) and "status-since" in mine
    assert f'class="reader reader-read">{first.username}' not in mine


def test_a_comment_s_author_gets_their_own_paper_page_with_its_actions(world, alike):
    first, second = alike
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=world.group_a, author=first)
    edit = reverse("notes:comment_edit", args=[comment.pk])
    url = paper.get_absolute_url()
    others = client_of(second).get(url)  # kept for the audience, without the actions
    assertNotContains(others, edit)
    mine = client_of(first).get(url)
    assert mine.context is not None  # named on the kept page: rendered for them
    assertContains(mine, edit)
    assertNotContains(client_of(second).get(url), edit)


def test_a_username_in_a_link_or_a_word_does_not_name_the_member(rf, world):
    member = MembershipFactory(group=world.group_a, user=UserFactory(username="bench")).user
    page, calls = recording_page(
        lambda request: '<a href="/papers/bench-paper-1/">Benchmarks</a> <p>benches</p>'
    )
    page(request_of(rf, member))
    page(request_of(rf, member))  # kept, and served to them
    assert calls == [member]


def test_a_kept_meeting_page_gives_its_presenter_their_edit_button(world, alike):
    first, second = alike
    url = world.meeting.get_absolute_url()
    edit = reverse("notes:meeting_edit", args=[world.group_a.slug, world.meeting.number])
    assertNotContains(client_of(first).get(url), edit)  # kept for the audience
    presenter = client_of(world.presenter).get(url)
    # The kept page, with the presenter's own parts (the page itself not rendered).
    assert "notes/meeting_detail.html" not in [t.name for t in presenter.templates]
    assertContains(presenter, edit)
    assertContains(presenter, 'id="plan"')
    theirs = client_of(second).get(url)
    assert "notes/meeting_detail.html" not in [t.name for t in theirs.templates]
    assertNotContains(theirs, edit)
    assertContains(theirs, 'id="plan"')
    assertContains(client_of(world.organiser).get(url), edit)  # another role: their page


def test_a_kept_meeting_page_is_read_with_its_meeting_in_one_round_trip(world, alike, monkeypatch):
    """The member's own parts of a kept meeting page read the meeting (kept for the
    audience): it comes with the page, one round trip to the cache for both."""
    first, second = alike
    url = world.meeting.get_absolute_url()
    client_of(first).get(url)  # kept for the audience, the meeting too
    reads = []
    real = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    theirs = client_of(second).get(url)
    assert "notes/meeting_detail.html" not in [t.name for t in theirs.templates]
    assertContains(theirs, 'id="plan"')
    with_page = [keys for keys in reads if any(k.startswith("pagecache:audience:") for k in keys)]
    assert len(with_page) == 1
    meeting_key, _stamps = fragments._locate(
        "kept",
        ["meeting"],
        [audience(second), world.group_a.slug, world.meeting.number],
        MEETING_SOURCES,
    )
    assert meeting_key in with_page[0]
    assert not [keys for keys in reads if meeting_key in keys and keys is not with_page[0]]


def test_a_coming_meeting_s_plan_is_each_member_s_own(world, alike):
    first, second = alike
    meeting = MeetingSeriesFactory(group=world.group_a).plan(datetime.date(2030, 1, 1))[0]
    meeting.presenters.add(first)
    url = meeting.get_absolute_url()
    hand_back = reverse(
        "notes:meeting_plan", args=[world.group_a.slug, meeting.number, "hand-back"]
    )
    theirs = client_of(second).get(url)  # kept for the audience
    assertContains(theirs, 'id="plan"')
    assertNotContains(theirs, hand_back)
    mine = client_of(first).get(url)
    assert "notes/meeting_detail.html" not in [t.name for t in mine.templates]
    assertContains(mine, hand_back)  # the presenter's own plan on the kept page


def _parts_filled(monkeypatch):
    """Record the names of the member's own parts filled in for each view."""
    from core import audiencepage

    names, real = [], audiencepage.provide
    monkeypatch.setattr(
        audiencepage,
        "provide",
        lambda request, name, keys: names.append(name) or real(request, name, keys),
    )
    return names


def test_a_past_meeting_s_plan_is_kept_with_its_page_in_each_member_s_time_zone(
    world, alike, monkeypatch
):
    """Before the meeting its plan is each member's own (what they may do); after it, the
    plan offers nothing to do and gives its time in the reader's zone, which the kept
    page's key has: kept with the page, not filled in (nor read from the cache) for
    each view."""
    first, second = alike
    meeting = meeting_at(
        world.group_a, datetime.datetime(2024, 3, 6, 14), ZoneInfo("Asia/Shanghai"), 40
    )
    meeting.presenters.add(world.presenter)
    url = meeting.get_absolute_url()
    client_of(first).get(url)  # kept for the audience
    filled = _parts_filled(monkeypatch)
    for reader in (second, world.presenter):  # a presenter too: the plan names them
        page = client_of(reader).get(url)
        assert "notes/meeting_detail.html" not in [t.name for t in page.templates]
        assertContains(page, "2024-03-06 Wed 14:00")
        assertContains(page, display_name(world.presenter))
        assert_no_marks(page)
    assert "meeting-plan" not in filled and "meeting-edit" in filled
    # Another zone: a page of its own, the time in it.
    in_zone = MembershipFactory(group=world.group_a).user
    MemberSettings.objects.create(user=in_zone, time_zone="Europe/London")
    page = client_of(in_zone).get(url)
    assertContains(page, "2024-03-06 Wed 06:00")
    assertNotContains(page, "2024-03-06 Wed 14:00")


def test_a_plan_kept_as_a_member_s_own_part_is_filled_in_once_its_meeting_is_past(
    world, alike, monkeypatch
):
    """A page kept before the meeting began holds a hole for the plan: a view after it
    gets the past plan, with nothing to do."""
    first, second = alike
    meeting = MeetingSeriesFactory(group=world.group_a).plan(datetime.date(2030, 1, 1))[0]
    url = meeting.get_absolute_url()
    sign_up = reverse("notes:meeting_plan", args=[world.group_a.slug, meeting.number, "sign-up"])
    # The same day (the kept page's key has the date), before it began and after it ended.
    before = meeting.starts_at - datetime.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: before)
    assertContains(client_of(first).get(url), sign_up)  # kept, with the plan a hole
    filled = _parts_filled(monkeypatch)
    after = meeting.ends_at + datetime.timedelta(minutes=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: after)
    page = client_of(second).get(url)
    assert "notes/meeting_detail.html" not in [t.name for t in page.templates]
    assert "meeting-plan" in filled
    assertContains(page, "When and where")
    assertNotContains(page, sign_up)


def test_every_kept_page_is_the_page_the_member_would_get_rendered(world, alike):
    """The whole rule, page by page: what a member gets from the page another member of
    their audience rendered is, but for the CSRF tokens, what would be rendered for
    them."""
    from django.core.cache import cache

    from tests.factories import (
        GlossaryTermFactory,
        LanguageModelFactory,
        MeetingFactory,
        NoteFactory,
    )

    first, second = alike
    paper = PaperFactory(title_en="Chain of Thought")
    model = LanguageModelFactory()
    model.papers.add(paper)
    meeting = MeetingFactory(group=world.group_a, paper=paper, number=7)
    meeting.presenters.add(world.presenter)
    NoteFactory(paper=paper, meeting=meeting, author=world.organiser, group=world.group_a)
    CommentFactory(paper=paper, group=world.group_a, author=world.organiser)
    GlossaryTermFactory().papers.add(paper)
    reading_list = ReadingListFactory(group=world.group_a)
    reading_list.items.create(paper=paper, position=1)
    ReadingStatus.set(first, paper, Status.READ)
    ReadingStatus.set(second, paper, Status.READING)
    urls = [
        reverse("reading:paper_list"),
        paper.get_absolute_url(),
        reverse("papers:model_list"),
        reverse("reading:model_detail", args=[model.slug]),
        reverse("papers:model_family"),
        meeting.get_absolute_url(),
        reverse("notes:meeting_present", args=[world.group_a.slug, meeting.number]),
        reverse("notes:glossary"),
        reverse("notes:readinglist_list"),
        reading_list.get_absolute_url(),
        reverse("search:results") + "?q=Chain",
    ]

    def content(response):
        assert response.status_code == 200
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    for url in urls:
        cache.clear()
        client_of(first).get(url)  # kept for the audience
        kept = client_of(second).get(url)
        assert "base.html" not in [t.name for t in kept.templates], url  # the kept page
        cache.clear()
        rendered = client_of(second).get(url)
        assert content(kept) == content(rendered), url
