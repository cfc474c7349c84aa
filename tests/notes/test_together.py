"""Reading together: statuses, their sharing, progress, discussion and what changed."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from core import pagecache
from core.rendering import rerender_all
from notes import activity, discussion, permissions, progress
from notes.models import Comment, Meeting, MemberSettings, Membership, ReadingStatus
from notes.models.writing import display_name
from search.models import Kind, SearchDocument
from tests.factories import (
    CommentFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
    ReadingStatusFactory,
)
from tests.notes.test_schedule_views import in_part

pytestmark = pytest.mark.django_db

Status = ReadingStatus.Status


def set_status(client, paper, status, json=False, next_url=""):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": status, "next": next_url},
        headers=headers,
    )


# --- Reading status ------------------------------------------------------------------------


def test_status_is_set_in_one_post_and_goes_back_to_the_page(member_client, member):
    paper = PaperFactory()
    response = set_status(member_client, paper, Status.READ, next_url="/papers/")
    assert response.status_code == 302
    assert response["Location"] == "/papers/"
    status = ReadingStatus.objects.get(user=member, paper=paper)
    assert status.status == Status.READ
    assert status.history.count() == 1


def test_status_answers_json_to_the_script_and_an_empty_one_clears(member_client, member):
    paper = PaperFactory()
    response = set_status(member_client, paper, Status.TO_READ, json=True)
    assert response.json() == {
        "status": "to_read",
        "label": "to read",
        "progress": {},
        "list_progress": "",
    }
    response = set_status(member_client, paper, "", json=True)
    assert response.json() == {"status": "", "label": "", "progress": {}, "list_progress": ""}
    assert not ReadingStatus.objects.filter(user=member).exists()
    # Set then cleared: both kept in the history.
    assert ReadingStatus.history.filter(user=member).count() == 2


def test_status_refuses_an_unknown_value_with_a_message(member_client, member):
    paper = PaperFactory()
    assert set_status(member_client, paper, "skimmed", json=True).status_code == 400
    response = set_status(member_client, paper, "<b>x</b>")
    assert response.status_code == 302
    assert not ReadingStatus.objects.exists()
    page = member_client.get(response["Location"])
    assertContains(page, "Unknown reading status.")


def test_status_never_goes_back_to_another_site(member_client):
    paper = PaperFactory()
    response = set_status(member_client, paper, Status.READ, next_url="https://evil.example/")
    assert response["Location"] == paper.get_absolute_url()


def test_status_needs_a_login_and_a_post(member_client):
    paper = PaperFactory()
    url = reverse("notes:status_set", args=[paper.pk])
    assert Client().post(url, {"status": "read"}).status_code == 302
    assert not ReadingStatus.objects.exists()
    assert member_client.get(url).status_code == 405


def test_marking_read_keeps_other_members_pages_but_refreshes_the_readers(client, settings, world):
    """Statuses do not move the global generation: only the pages of the member and of
    those they share with are made afresh; another group's members keep theirs."""
    settings.PAGECACHE_ENABLED = True
    paper = PaperFactory()
    before = pagecache.generation()
    generations = {name: pagecache.member_generation(user.pk) for name, user in world.users.items()}
    client.force_login(world.member)
    set_status(client, paper, Status.READ)
    assert pagecache.generation() == before
    changed = {
        name
        for name, user in world.users.items()
        if pagecache.member_generation(user.pk) != generations[name]
    }
    assert changed == {"member", "organiser", "presenter"}


def test_paper_page_shows_the_new_status_right_after_the_click(client, settings, member):
    """The page is cached: after a status change the member's next view shows it, never
    the control from before."""
    settings.PAGECACHE_ENABLED = True
    paper = PaperFactory()
    client.force_login(member)
    url = paper.get_absolute_url()
    page = client.get(url)
    assertContains(page, 'data-status=""')
    assert client.get(url).context is None  # served from the cache, not rendered
    set_status(client, paper, Status.READING, json=True)
    assertContains(client.get(url), 'data-status="reading"')
    set_status(client, paper, Status.READ, json=True)
    assertContains(client.get(reverse("reading:paper_list")), 'data-status="read"')


def test_statuses_are_private_unless_shared_with_the_group(client, world):
    paper = PaperFactory()
    ReadingStatusFactory(user=world.member, paper=paper, status=Status.READ)
    client.force_login(world.organiser)
    assertContains(client.get(paper.get_absolute_url()), "reader-read")
    zh = client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(zh, "<span>你的读书会中：</span>")
    client.force_login(world.other)  # another group: sees nothing of it
    assertNotContains(client.get(paper.get_absolute_url()), "reader-read")
    for membership in Membership.objects.filter(user=world.member):
        membership.shares_reading = False
        membership.save()  # as the sharing switch does: what showed it is refreshed
    client.force_login(world.organiser)
    assertNotContains(client.get(paper.get_absolute_url()), "reader-read")


def test_sharing_is_set_per_group(member_client, member, group):
    url = reverse("notes:sharing_set", args=[group.slug])
    member_client.post(url, {"share": "0"})
    assert not Membership.objects.get(user=member, group=group).shares_reading
    member_client.post(url, {"share": "1"})
    assert Membership.objects.get(user=member, group=group).shares_reading


def test_sharing_of_another_group_is_404(member_client):
    other = MembershipFactory().group
    assert member_client.post(reverse("notes:sharing_set", args=[other.slug])).status_code == 404


def test_my_reading_puts_papers_of_coming_meetings_first(member_client, member, group):
    later, for_meeting, done = PaperFactory(), PaperFactory(), PaperFactory()
    ReadingStatusFactory(user=member, paper=for_meeting, status=Status.TO_READ)
    ReadingStatusFactory(user=member, paper=later, status=Status.READING)  # changed last
    ReadingStatusFactory(user=member, paper=done, status=Status.READ)
    MeetingFactory(group=group, paper=for_meeting, date="2999-01-01")
    page = member_client.get(reverse("notes:my_reading"))
    queue = [s.paper for s in page.context["queue"]]
    assert queue == [for_meeting, later]
    assert [s.paper for s in page.context["read"]] == [done]
    assert [p for _m, p in page.context["meeting_papers"]] == [for_meeting]


def test_my_reading_gives_no_paper_for_a_skipped_week(member_client, member, group):
    """A skipped week's paper was listed to read for it, and first in the queue."""
    skipped_paper, later = PaperFactory(), PaperFactory()
    ReadingStatusFactory(user=member, paper=skipped_paper, status=Status.TO_READ)
    ReadingStatusFactory(user=member, paper=later, status=Status.READING)  # changed last
    MeetingFactory(group=group, paper=skipped_paper, date="2999-01-01", status="skipped")
    page = member_client.get(reverse("notes:my_reading"))
    assert page.context["meeting_papers"] == []
    assert [s.paper for s in page.context["queue"]] == [later, skipped_paper]


def test_the_json_answer_counts_the_readers_in_the_groups_the_page_shows(client, group):
    """A meeting page asks for its group's count beside the paper again (together.js); a
    group the member is not in is not answered."""
    member, friend = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    elsewhere = MembershipFactory().group
    paper = PaperFactory()
    ReadingStatusFactory(user=friend, paper=paper, status=Status.READ)
    client.force_login(member)
    response = client.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": "read", "progress": [str(group.pk), str(elsewhere.pk), "x", "9" * 30]},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {
        "status": "read",
        "label": "read",
        "progress": {str(group.pk): "2 of 2 members have read it"},
        "list_progress": "",
    }
    answer = set_status(client, paper, "", json=True).json()
    assert answer["progress"] == {}  # nothing asked


# --- Group progress ----------------------------------------------------------------------------


def listed_and_read(world):
    """Two papers on the group's list: the organiser has read both, the member the first."""
    papers = [PaperFactory(), PaperFactory()]
    for position, paper in enumerate(papers, start=1):
        world.list_a.items.create(paper=paper, position=position)
    ReadingStatusFactory(user=world.member, paper=papers[0])
    ReadingStatusFactory(user=world.organiser, paper=papers[0])
    ReadingStatusFactory(user=world.organiser, paper=papers[1])
    return papers


def test_reading_list_shows_the_group_progress_to_its_members_only(client, world):
    listed_and_read(world)
    client.force_login(world.presenter)
    page = client.get(world.list_a.get_absolute_url())
    assertContains(page, "2 of 3 members have read it")
    assertContains(page, "1 of 3 members have read it")
    assertContains(page, "1 of 3 members have read every paper")
    client.force_login(world.other)
    page = client.get(world.list_a.get_absolute_url())
    assert page.status_code == 200
    assertNotContains(page, "members have read")


def test_a_status_set_on_a_lists_page_answers_how_far_its_group_has_read_now(client, world):
    """The list's page sends its list (``list``) with a status change: the answer holds the
    group's progress as the page shows it, for the page's script to put in place; nothing
    for a list of a group the member is not in, or an id that is not one."""
    papers = listed_and_read(world)
    client.force_login(world.member)

    def answer(paper, listed):
        return client.post(
            reverse("notes:status_set", args=[paper.pk]),
            {"status": Status.READ, "list": listed},
            headers={"Accept": "application/json"},
        ).json()["list_progress"]

    shown = answer(papers[1], str(world.list_a.pk))
    assert "2 of 3 members have read every paper" in shown
    assert '<meter min="0" max="2" value="2">' in shown
    page = client.get(world.list_a.get_absolute_url())
    assertContains(page, f'<details class="group-progress" open data-list="{world.list_a.pk}">')
    assertContains(page, shown, html=True)
    assert answer(papers[1], "１") == answer(papers[1], "9" * 30) == ""
    client.force_login(world.other)
    assert answer(papers[1], str(world.list_a.pk)) == ""


def test_meeting_shows_how_many_have_read_its_papers(client, world):
    paper = PaperFactory()
    world.meeting.paper = paper
    world.meeting.save()
    ReadingStatusFactory(user=world.presenter, paper=paper)
    ReadingStatusFactory(user=world.other, paper=paper)  # another group's member
    client.force_login(world.member)
    assertContains(client.get(world.meeting.get_absolute_url()), "1 of 3 members have read it")


def test_a_meetings_progress_by_its_id_is_that_of_its_papers_ids(settings, world):
    """Cold, a meeting's progress is read by the meeting's id with SQL compiled once
    (progress.meeting_progress_and_own): the same as by the ids of its papers to read."""
    settings.PAGECACHE_ENABLED = False
    presented, discussed, elsewhere = PaperFactory(), PaperFactory(), PaperFactory()
    world.meeting.paper = presented
    world.meeting.save()
    world.meeting.papers.add(discussed, presented)
    MeetingFactory(group=world.group_a, number=2).papers.add(elsewhere)
    Membership.objects.filter(user=world.organiser).update(shares_reading=False)
    for user in (world.member, world.presenter, world.organiser, world.other):
        ReadingStatusFactory(user=user, paper=presented)
    ReadingStatusFactory(user=world.presenter, paper=discussed)
    ReadingStatusFactory(user=world.presenter, paper=elsewhere)
    ReadingStatusFactory(user=world.member, paper=discussed, status=Status.TO_READ)
    ReadingStatusFactory(user=world.member, paper=elsewhere, status=Status.READING)
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    paper_ids = [paper.pk for paper in meeting.papers_to_read()]
    for user in (world.member, world.organiser, world.other, world.superuser):
        found = progress.meeting_progress_and_own(meeting, paper_ids, user)
        assert found == progress.group_progress_and_own(meeting.group, paper_ids, user)
    found, own, role = progress.meeting_progress_and_own(meeting, paper_ids, world.member)
    assert (found.member_count, found.paper_count, role) == (3, 2, "member")
    assert found.papers_read == {presented.pk: 2, discussed.pk: 1}
    assert own == {presented.pk: Status.READ, discussed.pk: Status.TO_READ}


# --- Discussion ----------------------------------------------------------------------------


def post_comment(client, url, body, parent=None):
    data = {"body": body}
    if parent:
        data["parent"] = parent.pk
    return client.post(url, data)


def test_paper_discussion_is_per_group_and_never_leaks(client, world):
    paper = PaperFactory()
    url_a = reverse("notes:comment_on_paper", args=[paper.slug, world.group_a.slug])
    client.force_login(world.member)
    response = post_comment(client, url_a, "Group A thinks **this** matters")
    comment = Comment.objects.get()
    assert response["Location"] == f"{paper.get_absolute_url()}#comment-{comment.pk}"
    assert comment.group == world.group_a
    assertContains(client.get(paper.get_absolute_url()), "<strong>this</strong>", html=True)
    # A member of the other group posts nothing to group A, and sees neither text nor count.
    client.force_login(world.other)
    assert post_comment(client, url_a, "sneaky").status_code == 410  # as one taken away
    assert Comment.objects.count() == 1
    page = client.get(paper.get_absolute_url())
    assertNotContains(page, "Group A thinks")
    assertNotContains(page, world.group_a.name)
    assert [(g, n) for g, _t, n in page.context["discussions"]] == [(world.group_b, 0)]


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("private", {"member", "superuser"}),
        ("shared", {"member", "organiser", "presenter", "superuser"}),
        ("public", {"member", "organiser", "presenter", "other", "staff", "superuser"}),
        ("meeting", {"member", "organiser", "presenter", "superuser"}),
    ],
)
def test_comments_on_notes_and_meetings_are_read_by_who_reads_them(client, world, target, allowed):
    subject = getattr(world, target)
    comment = discussion.add_comment(world.member, subject, "Hidden words")
    for name, user in world.users.items():
        visible = Comment.objects.visible_to(user).filter(pk=comment.pk).exists()
        assert visible == (name in allowed), name
        client.force_login(user)
        page = client.get(subject.get_absolute_url())
        if name in allowed:
            assertContains(page, "Hidden words")
        else:
            assert page.status_code == 404


def test_a_readable_meetings_comments_are_those_its_readers_may_read(world):
    discussion.add_comment(world.member, world.meeting, "On the meeting")
    discussion.add_comment(world.member, world.shared, "On a note")
    for name, user in world.users.items():
        if not Meeting.objects.visible_to(user).filter(pk=world.meeting.pk).exists():
            continue
        expected = Comment.objects.visible_to(user).filter(meeting=world.meeting)
        found = Comment.objects.on_readable_meeting(world.meeting)
        assert list(found) == list(expected), name
        assert [c.body for c in found] == ["On the meeting"]


def test_a_papers_discussions_in_ones_groups_are_those_one_may_read(world):
    paper = PaperFactory()
    discussion.add_comment(world.member, paper, "In group A", group=world.group_a)
    discussion.add_comment(world.other, paper, "In group B", group=world.group_b)
    discussion.add_comment(world.member, PaperFactory(), "On another paper", group=world.group_a)
    for name, user in world.users.items():
        groups = [m.group_id for m in Membership.objects.filter(user=user)]
        expected = Comment.objects.visible_to(user).filter(paper=paper, group__in=groups)
        found = Comment.objects.in_discussions(paper, groups)
        assert list(found.order_by("pk")) == list(expected.order_by("pk")), name
    found = Comment.objects.in_discussions(paper, [world.group_a.pk])
    assert [c.body for c in found] == ["In group A"]


def test_posting_on_a_note_one_may_not_read_is_refused(client, world):
    """Refused, the text given back, in the same words as on a note or meeting taken
    away meanwhile: the answer tells nothing of what one may not read."""
    client.force_login(world.other)
    url = reverse("notes:comment_on_note", args=[world.shared.slug])
    assertContains(post_comment(client, url, "hello"), "no longer yours to see", status_code=410)
    url = reverse("notes:comment_on_meeting", args=[world.group_a.slug, 1])
    assertContains(post_comment(client, url, "hello"), "no longer yours to see", status_code=410)
    assert not Comment.objects.exists()


def _given_back(response, text, status):
    """The comment form again, refused: the text in it, leaving asks first, no Save."""
    assert response.status_code == status
    assertContains(response, f">\n{text}</textarea>", status_code=status)
    assertContains(response, "data-refused", status_code=status)
    assertContains(response, "js/note-form.js", status_code=status)  # the leaving guard
    assertNotContains(response, 'class="button primary"', status_code=status)  # no Save


def test_an_edit_of_a_comment_deleted_meanwhile_keeps_the_text(client, world):
    """A moderator deleted the comment while its author rewrote it: Save was a page not
    found and the text was lost."""
    comment = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    url = reverse("notes:comment_edit", args=[comment.pk])
    client.force_login(world.member)
    opened = client.get(url).context["form"]["revision"].value()
    comment.soft_delete()
    response = client.post(url, {"body": "My long careful edit", "revision": opened})
    _given_back(response, "My long careful edit", 410)
    assertContains(response, "This comment was deleted while you were editing it.", status_code=410)
    comment.refresh_from_db()
    assert comment.body != "My long careful edit"
    assert client.get(url).status_code == 404  # opened again, it is not there


def test_an_edit_of_a_comment_one_may_no_longer_read_keeps_the_text(client, world):
    note = NoteFactory(author=world.organiser, group=world.group_a, visibility="group")
    comment = CommentFactory(note=note, paper=None, group=None, author=world.member)
    note.visibility = "private"
    note.save()
    client.force_login(world.member)
    url = reverse("notes:comment_edit", args=[comment.pk])
    response = client.post(url, {"body": "Second thoughts", "revision": 1})
    _given_back(response, "Second thoughts", 403)
    assertContains(response, "You may no longer change this comment", status_code=403)
    assertNotContains(response, note.title_en, status_code=403)  # nothing of what one may not read
    # Nor of a comment that never was: the same answer.
    response = client.post(reverse("notes:comment_edit", args=[10**9]), {"body": "x"})
    assertContains(response, "You may no longer change this comment", status_code=403)


@pytest.mark.parametrize("gone", ["private", "deleted"])
def test_a_comment_on_a_note_taken_away_meanwhile_keeps_the_text(member_client, group, gone):
    note = NoteFactory(author=MembershipFactory(group=group).user, group=group, visibility="group")
    url = reverse("notes:comment_on_note", args=[note.slug])
    if gone == "private":
        note.visibility = "private"
        note.save()
    else:
        note.delete()
    response = post_comment(member_client, url, "My long reply")
    _given_back(response, "My long reply", 410)
    assertContains(response, "What you were commenting on was deleted", status_code=410)
    assert not Comment.objects.exists()


def test_a_comment_on_a_meeting_or_paper_taken_away_meanwhile_keeps_the_text(member_client, group):
    meeting = MeetingFactory(group=group)
    url = reverse("notes:comment_on_meeting", args=[group.slug, meeting.number])
    meeting.delete()
    _given_back(post_comment(member_client, url, "On the meeting"), "On the meeting", 410)
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    paper.delete()
    _given_back(post_comment(member_client, url, "On the paper"), "On the paper", 410)
    assert not Comment.objects.exists()


def test_replies_are_one_level_deep(member_client, member, group):
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    post_comment(member_client, url, "first")
    first = Comment.objects.get()
    post_comment(member_client, url, "reply", parent=first)
    reply = Comment.objects.get(body="reply")
    post_comment(member_client, url, "reply to reply", parent=reply)
    assert Comment.objects.get(body="reply to reply").parent == first
    threads = discussion.threads(Comment.objects.all(), member)
    assert [(t.comment.body, [r.body for r in t.replies]) for t in threads] == [
        ("first", ["reply", "reply to reply"])
    ]


def test_a_reply_to_another_discussion_is_refused_and_the_text_kept(member_client, group):
    paper, elsewhere = PaperFactory(), CommentFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    response = post_comment(member_client, url, "my careful words", parent=elsewhere)
    assert response.status_code == 400
    assertContains(response, "my careful words", status_code=400)
    assertContains(response, "no longer there", status_code=400)


def test_a_reply_to_a_comment_deleted_meanwhile_can_be_posted_on_its_own(
    member_client, group, organiser
):
    """The form came back with the deleted comment's id still in it, so every Save was
    refused again: a dead end. Now it comes back without it, and says what Save does."""
    paper = PaperFactory()
    parent = CommentFactory(paper=paper, group=group, author=organiser)
    parent.soft_delete()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    response = post_comment(member_client, url, "my careful answer", parent=parent)
    assertContains(response, "it will be posted as a comment of its own", status_code=400)
    form = response.context["form"]
    assert form["parent"].value() == ""
    assertNotContains(response, f'value="{parent.pk}"', status_code=400)
    sent_again = {name: form[name].value() or "" for name in ("body", "parent")}
    assert member_client.post(url, sent_again).status_code == 302
    posted = Comment.objects.get(body="my careful answer")
    assert (posted.parent, posted.paper, posted.group) == (None, paper, group)


def test_an_empty_comment_is_refused_with_a_message(member_client, group):
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    response = post_comment(member_client, url, "   ")
    # The form's own words, where a comment of spaces got Django's "This field is required."
    assertContains(response, "Write something first.", status_code=400)
    response = post_comment(member_client, url, "a\x00b")
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body", ["<!-- x -->", "&#8203;", "&nbsp;", "<!-- <script> -->", "## <!-- -->", "<br>"]
)
def test_a_comment_that_would_show_nothing_is_refused(member_client, group, body):
    """Its source shows something, its page nothing: it was posted as an empty comment."""
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    assertContains(
        post_comment(member_client, url, body), "Write something first.", status_code=400
    )
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["![](/figures/loss.png)", "$x$", "<!-- x --> ok", "[[LLaMA]]"])
def test_a_comment_of_an_image_or_a_formula_alone_is_posted(member_client, group, body):
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    assert post_comment(member_client, url, body).status_code == 302


def test_comment_markdown_is_sanitised_with_math_kept(member_client, group):
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    post_comment(member_client, url, "<script>alert(1)</script> $E=mc^2$ [x](javascript:alert(1))")
    html = Comment.objects.get().body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "E=mc^2" in html


def test_a_comments_ids_are_its_own_on_the_notes_page(member_client, member, group):
    """Its footnote was "#fn:1" as the note's above it (its link led to the note's), and
    "## Comment 5" was "#comment-5", the page's anchor of another comment."""
    note = NoteFactory(
        author=member, group=group, visibility="group", body_en="Claim[^1].\n\n[^1]: Kaplan."
    )
    url = reverse("notes:comment_on_note", args=[note.slug])
    post_comment(member_client, url, "No[^1].\n\n[^1]: Hoffmann.\n\n## Comment 5")
    comment = Comment.objects.get()
    c = f"c{comment.pk}:"
    html = member_client.get(note.get_absolute_url()).content.decode()
    assert (html.count('id="fn:1"'), html.count('href="#fn:1"')) == (1, 1)  # the note's
    assert f'id="{c}fn:1"' in html and f'href="#{c}fn:1"' in html
    assert f'id="{c}fnref:1"' in html and f'href="#{c}fnref:1"' in html  # and back
    assert f'id="{c}comment-5"' in html and 'id="comment-5"' not in html
    assert comment.toc == {"body_html": [[2, f"{c}comment-5", "Comment 5"]]}
    # An edit renders it again, as the command that renders every record again does.
    edit = reverse("notes:comment_edit", args=[comment.pk])
    member_client.post(edit, {"body": "Yes[^a].\n\n[^a]: Chinchilla.", "revision": 1})
    comment.refresh_from_db()
    assert f'id="{c}fn:a"' in comment.body_html and 'id="fn:a"' not in comment.body_html
    rerender_all()
    comment.refresh_from_db()
    assert comment.body_html.count(f'id="{c}fn:a"') == 1
    note.refresh_from_db()
    assert 'id="fn:1"' in note.body_en_html  # a note's ids stay as they were


def test_author_edits_organiser_moderates_others_may_not(client, world):
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=world.group_a, author=world.member)
    edit = reverse("notes:comment_edit", args=[comment.pk])
    delete = reverse("notes:comment_delete", args=[comment.pk])
    expected = {
        "member": 200,
        "organiser": 200,
        "presenter": 404,
        "other": 404,
        "staff": 404,
        "superuser": 200,
    }
    for name, user in world.users.items():
        client.force_login(user)
        assert client.get(edit).status_code == expected[name], name
        assert permissions.may_change(user, comment) == (expected[name] == 200), name
        may = discussion.changer(user)(comment)
        assert may == (expected[name] == 200), name
    editable = set(permissions.editable_comments(world.organiser))
    assert editable == {comment}
    client.force_login(world.presenter)
    assert client.post(delete).status_code == 404
    client.force_login(world.organiser)
    form = client.get(edit).context["form"]
    # Whose comment it is, where the author's own form says "Your comment" (a browser walk)
    assert form["body"].label == f"Comment by {display_name(world.member)}"
    opened = form["revision"].value()
    client.post(edit, {"body": "Moderated text", "revision": opened})
    comment.refresh_from_db()
    assert comment.body == "Moderated text"
    assert comment.history.count() == 2


def test_deleting_keeps_the_history_and_marks_the_place_in_a_thread(member_client, member, group):
    paper = PaperFactory()
    first = CommentFactory(paper=paper, group=group, author=member, body="opening words")
    CommentFactory(paper=paper, group=group, parent=first, body="an answer")
    lonely = CommentFactory(paper=paper, group=group, author=member, body="lonely words")
    member_client.post(reverse("notes:comment_delete", args=[first.pk]))
    member_client.post(reverse("notes:comment_delete", args=[lonely.pk]))
    page = member_client.get(paper.get_absolute_url())
    assertContains(page, "This comment was deleted.", count=1)
    assertContains(page, "an answer")
    assertNotContains(page, "opening words")
    assertNotContains(page, "lonely words")
    first.refresh_from_db()
    assert first.is_deleted and first.history.count() == 2
    # A deleted comment can no longer be edited.
    assert member_client.get(reverse("notes:comment_edit", args=[first.pk])).status_code == 404


def edited_marks(page, comment):
    """How many "edited" marks the comment's line on the page has."""
    html = page.content.decode()
    start = html.index('<p class="meta">', html.index(f'id="comment-{comment.pk}"'))
    line = html[start : html.index("</p>", start)]
    return line.count("<span>edited</span>")


def test_a_comment_edited_within_its_first_minute_shows_as_edited(member_client, member, group):
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=group, author=member, body="first words")
    edit = reverse("notes:comment_edit", args=[comment.pk])
    assert edited_marks(member_client.get(paper.get_absolute_url()), comment) == 0
    # Seconds after it was posted (the page marked an edit only in another minute).
    member_client.post(edit, {"body": "better words", "revision": 1})
    comment.refresh_from_db()
    assert comment.edited is not None and comment.edited - comment.created < timedelta(minutes=1)
    assert edited_marks(member_client.get(paper.get_absolute_url()), comment) == 1


def test_a_save_that_changes_nothing_is_no_edit(member_client, member, group):
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=group, author=member, body="same words")
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(hours=2))
    edit = reverse("notes:comment_edit", args=[comment.pk])
    assert member_client.post(edit, {"body": "same words", "revision": 1}).status_code == 302
    comment.refresh_from_db()
    assert comment.edited is None
    assert edited_marks(member_client.get(paper.get_absolute_url()), comment) == 0


def test_comments_edited_before_are_marked_from_their_history(member, group):
    edited = CommentFactory(paper=PaperFactory(), group=group, author=member, body="before")
    edited.body = "after"
    edited.save()
    untouched = CommentFactory(paper=PaperFactory(), group=group, author=member, body="as is")
    untouched.save()  # saved again, the same text
    Comment.objects.update(edited=None)
    migration = importlib.import_module("notes.migrations.0016_comment_edited")
    migration.mark_edited(django_apps, None)
    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert (edited.edited, untouched.edited) == (edited.updated, None)


# --- What changed ---------------------------------------------------------------------------


def test_activity_shows_the_group_what_it_may_see_and_nothing_of_another_group(world):
    paper = PaperFactory(title_en="Freshly added paper")
    ReadingStatusFactory(user=world.member, paper=paper, status=Status.READING)
    CommentFactory(paper=paper, group=world.group_b, author=world.other, body="B only")
    CommentFactory(paper=paper, group=world.group_a, author=world.member, body="A only")
    events = activity.recent(world.organiser)
    kinds = {(e.kind, e.group) for e in events}
    assert ("comment", world.group_a) in kinds
    assert ("comment", world.group_b) not in kinds
    assert any(e.kind == "status" and e.detail == "reading" for e in events)
    assert all(e.kind != "note" or e.url != world.private.get_absolute_url() for e in events)
    other_events = activity.recent(world.other)
    assert all(e.kind != "status" for e in other_events)
    assert all(e.kind != "comment" or e.group != world.group_a for e in other_events)


def test_home_and_group_page_show_what_changed(client, world):
    paper = PaperFactory()
    CommentFactory(paper=paper, group=world.group_a, author=world.member)
    client.force_login(world.organiser)
    assertContains(client.get(reverse("reading:home")), "commented on")
    assertContains(client.get(world.group_a.get_absolute_url()), "commented on")
    client.force_login(world.other)
    assertNotContains(client.get(reverse("reading:home")), "commented on")


def test_new_since_the_last_visit_is_marked(member_client, member):
    from notes.models import Visit

    member_client.get(reverse("reading:home"))
    Visit.objects.filter(user=member).update(
        seen="2000-01-01T00:00:00Z", since="2000-01-01T00:00:00Z"
    )
    cache.clear()
    PaperFactory()
    page = member_client.get(reverse("reading:home"))
    assertContains(page, 'class="badge new"')


def test_activity_gives_the_year_of_what_changed_in_another_year(client, world):
    """The group page's recent activity said "01-01 08:00" of a 2024 comment."""
    old = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    new = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    last_year = timezone.now().replace(month=1, day=1, hour=0) - timedelta(days=400)
    Comment.objects.filter(pk=old.pk).update(created=last_year, updated=last_year)
    client.force_login(world.member)
    page = client.get(world.group_a.get_absolute_url()).content.decode()
    local = timezone.localtime(last_year)
    assert f">{local:%Y-%m-%d %H:%M}</time>" in page
    assert f">{timezone.localtime(new.created):%m-%d %H:%M}</time>" in page


def test_activity_feed_carries_the_member_events(client, world):
    from notes import feeds

    CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    CommentFactory(paper=PaperFactory(), group=world.group_b, author=world.other)
    token = feeds.token_for(world.organiser)
    # Written in the member's e-mail language (notes.feeds.MemberFeed): English here.
    MemberSettings.objects.create(user=world.organiser, email_language="en")
    response = client.get(reverse("notes:activity_feed", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("commented on") == 1
    assert client.get(reverse("notes:activity_feed", args=["1-bad"])).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_reading_list_queries_do_not_grow(client, world, django_assert_num_queries, count):
    for position in range(count):
        paper = PaperFactory()
        world.list_a.items.create(paper=paper, position=position)
        ReadingStatusFactory(user=world.member, paper=paper)
    client.force_login(world.member)
    # + the list's items and their papers' organisations (kept with the list: the rows
    # come from them), then the group's members and their reading (kept for the group),
    # the member's own statuses, audience and roles
    with django_assert_num_queries(8):
        client.get(world.list_a.get_absolute_url())


@pytest.mark.parametrize("count", [1, 3])
def test_paper_discussion_queries_do_not_grow(client, world, django_assert_num_queries, count):
    paper = PaperFactory()
    for _ in range(count):
        parent = CommentFactory(paper=paper, group=world.group_a, author=world.member)
        CommentFactory(paper=paper, group=world.group_a, author=world.organiser, parent=parent)
        ReadingStatusFactory(user=MembershipFactory(group=world.group_a).user, paper=paper)
    client.force_login(world.member)
    # What the member may read as keys in one query (UNION ALL, shared fragments); the
    # first view also reads the member's audience and roles (one query) and, apart, their
    # own status; the paper's organisations and topics come with its related records
    with django_assert_num_queries(10):
        client.get(paper.get_absolute_url())


@pytest.mark.parametrize("count", [1, 3])
def test_my_reading_queries_do_not_grow(
    member_client, member, group, django_assert_num_queries, count
):
    for _ in range(count):
        paper = PaperFactory()
        ReadingStatusFactory(user=member, paper=paper, status=Status.TO_READ)
        ReadingStatusFactory(user=member, paper=PaperFactory())
        meeting = MeetingFactory(group=group, date="2999-01-01")
        meeting.papers.add(paper)
    with django_assert_num_queries(7):
        member_client.get(reverse("notes:my_reading"))


@pytest.mark.parametrize("count", [1, 3])
def test_home_activity_queries_do_not_grow(client, world, django_assert_num_queries, count):
    for _ in range(count):
        paper = PaperFactory()
        CommentFactory(paper=paper, group=world.group_a, author=world.member)
        ReadingStatusFactory(user=world.member, paper=paper)
    client.force_login(world.organiser)
    # (the page is kept per day of the member's time zone, which comes with them:
    # notes.auth.MemberBackend) + the swap requests asked of them
    with django_assert_num_queries(18):
        client.get(reverse("reading:home"))


def test_reading_list_page_for_a_list_without_group(member_client):
    reading_list = ReadingListFactory(group=None)
    reading_list.items.create(paper=PaperFactory(), position=1)
    page = member_client.get(reading_list.get_absolute_url())
    assertNotContains(page, "members have read")
    assertContains(page, "status-control")


# --- The permission matrix, for discussions ----------------------------------------------


#                   anonymous member other organiser presenter staff superuser
COMMENT_MATRIX = {
    # member's comment in group A's discussion of a paper
    "paper_page_shows": (302, True, False, True, True, False, False),
    "edit": (302, 200, 404, 200, 404, 404, 200),
    # 410: refused with the text given back, as on a discussion taken away meanwhile
    "reply": (302, 302, 410, 302, 302, 410, 410),
}  # fmt: skip
ROLES = ["anonymous", "member", "other", "organiser", "presenter", "staff", "superuser"]


@pytest.mark.parametrize("role", ROLES)
def test_paper_discussion_answers_each_role_as_the_matrix_says(world, role):
    """A paper's discussion belongs to its group: another group (and a superuser outside
    it, on the site) sees neither it nor a count of it; replying is for the group."""
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=world.group_a, author=world.member, body="Zebra")
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    column = ROLES.index(role)
    page = client.get(paper.get_absolute_url())
    shows = COMMENT_MATRIX["paper_page_shows"][column]
    if shows == 302:
        assert page.status_code == 302
    else:
        assert ("Zebra" in page.content.decode()) == shows
        counts = [n for _g, _t, n in page.context["discussions"]]
        assert counts == ([1] if shows else [0] * len(counts))
    edit = client.get(reverse("notes:comment_edit", args=[comment.pk]))
    assert edit.status_code == COMMENT_MATRIX["edit"][column]
    reply = client.post(
        reverse("notes:comment_on_paper", args=[paper.slug, world.group_a.slug]),
        {"body": "a reply", "parent": comment.pk},
    )
    assert reply.status_code == COMMENT_MATRIX["reply"][column]


def test_a_status_not_shared_is_no_event_for_the_group(world):
    paper = PaperFactory()
    ReadingStatusFactory(user=world.member, paper=paper, status=Status.READ)
    assert any(e.kind == "status" for e in activity.recent(world.organiser, group=world.group_a))
    Membership.objects.filter(user=world.member).update(shares_reading=False)
    assert not any(e.kind == "status" for e in activity.recent(world.organiser))
    assert not any(e.kind == "status" for e in activity.recent(world.other))


def test_not_for_me_stays_the_members_own(client, world):
    paper = PaperFactory()
    ReadingStatusFactory(user=world.member, paper=paper, status=Status.NOT_FOR_ME)
    assert not any(e.kind == "status" for e in activity.recent(world.organiser))
    client.force_login(world.organiser)
    assertNotContains(client.get(paper.get_absolute_url()), "reader-not_for_me")


def test_a_comment_edited_meanwhile_is_not_overwritten_and_the_text_is_kept(client, world):
    """The comment form has the notes' revision check: the second of two saves opened at
    the same revision is refused with the same message, the member's text given back."""
    comment = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    url = reverse("notes:comment_edit", args=[comment.pk])
    client.force_login(world.member)
    opened = client.get(url).context["form"]["revision"].value()
    assert opened == 1
    client.force_login(world.organiser)  # the moderator saves first
    assert client.post(url, {"body": "Moderated", "revision": opened}).status_code == 302
    client.force_login(world.member)
    response = client.post(url, {"body": "My longer second thoughts", "revision": opened})
    assert response.status_code == 200
    assertContains(
        response,
        "Someone else saved this while you were editing (now revision 2; you started from 1).",
    )
    assertContains(response, ">\nMy longer second thoughts</textarea>")
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("Moderated", 2)
    fresh = client.get(url).context["form"]["revision"].value()
    assert fresh == 2
    response = client.post(url, {"body": "My longer second thoughts", "revision": fresh})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("My longer second thoughts", 3)


def test_a_comment_form_without_its_revision_is_stale(client, world):
    comment = CommentFactory(
        paper=PaperFactory(), group=world.group_a, author=world.member, body="Old"
    )
    client.force_login(world.member)
    response = client.post(reverse("notes:comment_edit", args=[comment.pk]), {"body": "New"})
    # Nothing says when it was opened, so nothing says who saved since: no one is blamed.
    assertContains(response, "This was saved again since you opened it")
    assertContains(response, ">\nNew</textarea>")
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("Old", 1)


def test_deleting_a_comment_moves_its_revision_on(client, world):
    comment = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    client.force_login(world.member)
    client.post(reverse("notes:comment_delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert (comment.is_deleted, comment.revision) == (True, 2)


def test_a_comments_message_stands_where_the_member_is_taken_back_to(member_client, member, group):
    """Posted and saved: at the comment the page opens at; deleted: at the top of its
    discussion. Not at the top of the page, a screen or more above (a browser walk)."""
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    response = member_client.post(url, {"body": "First thoughts"}, follow=True)
    comment = Comment.objects.get()
    in_part(response, "Your comment was posted.", f"comment-{comment.pk}")
    edit = reverse("notes:comment_edit", args=[comment.pk])
    opened = member_client.get(edit).context["form"]["revision"].value()
    response = member_client.post(
        edit, {"body": "Second thoughts", "revision": opened}, follow=True
    )
    in_part(response, "The comment was saved.", f"comment-{comment.pk}")
    delete = reverse("notes:comment_delete", args=[comment.pk])
    response = member_client.post(delete, follow=True)
    in_part(response, "The comment was deleted.", f"discussion-{group.slug}")


def test_the_feed_buttons_message_stands_in_their_section(member_client):
    url = reverse("notes:feed_renew")
    response = member_client.post(url, {"back": "settings"}, follow=True)
    in_part(response, "Your feeds have new addresses", "calendars")
    response = member_client.post(url, follow=True)
    in_part(response, "Your feeds have new addresses", "feeds")


def test_deleting_a_comment_or_a_note_asks_what_it_does(member_client, member, group):
    """The confirmation said only "确定删除？" (a browser walk): it says what goes and what
    stays, in the interface's language."""
    paper = PaperFactory()
    note = NoteFactory(paper=paper, author=member, group=group)
    CommentFactory(note=note, paper=None, group=group, author=member, body="a remark")
    page = member_client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'data-confirm="删除这条评论？它的回复会保留。"' in html
    assert 'data-confirm="删除这篇笔记？它的评论也会一起删除。"' in html


def test_a_notes_comments_are_moderated_by_the_group_it_moves_to(world):
    """A comment kept the group its note had when it was written: moved to another
    group, the note's discussion was still moderated by the old group's organisers, and
    the new group's could not touch it. Made private, by no group's."""
    note = world.public  # group A's, read by everyone
    comment = CommentFactory(note=note, paper=None, group=None, author=world.other)
    comment.group = Comment.group_of(note)
    comment.save()
    editable_by = lambda user: permissions.editable_comments(user).filter(pk=comment.pk).exists()  # noqa: E731
    assert (editable_by(world.organiser), editable_by(world.staff)) == (True, False)
    revision = Comment.objects.get(pk=comment.pk).revision
    note.group = world.group_b
    note.save()
    assert (editable_by(world.organiser), editable_by(world.staff)) == (False, True)
    assert Comment.objects.get(pk=comment.pk).revision == revision  # no edit of the comment
    # Search's copy of who reads it follows the note too.
    document = SearchDocument.objects.get(kind=Kind.COMMENT, object_id=comment.pk)
    assert document.group_id == world.group_b.pk
    note.visibility = "private"
    note.save()
    assert (editable_by(world.organiser), editable_by(world.staff)) == (False, False)
    assert editable_by(world.other)  # its author still


def test_the_migration_gives_comments_of_notes_moved_before_it_their_notes_group(world):
    migration = importlib.import_module("notes.migrations.0028_comments_follow_their_notes_group")
    moved = CommentFactory(note=world.public, paper=None, group=world.group_b)  # A's note
    private = CommentFactory(note=world.private, paper=None, group=world.group_a)
    kept = CommentFactory(note=world.shared, paper=None, group=world.group_a)
    on_paper = CommentFactory(group=world.group_b)
    migration.regroup(django_apps, None)
    groups = dict(Comment.objects.values_list("pk", "group_id"))
    assert groups[moved.pk] == world.group_a.pk
    assert groups[private.pk] is None
    assert groups[kept.pk] == world.group_a.pk
    assert groups[on_paper.pk] == world.group_b.pk
