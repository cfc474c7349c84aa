"""Reading together in a browser: a status in one click (no reload), a comment and a reply,
at a laptop's and a phone's width, in English and Chinese."""

import pytest
from django.conf import settings
from django.urls import reverse

from notes.models import Comment, ReadingStatus
from tests.browser.conftest import click_and_load, login, screenshot, wait_until
from tests.factories import (
    CommentFactory,
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    ReadingStatusFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("en", 390), ("zh-hans", 1280), ("zh-hans", 390)]
)
def test_status_and_discussion_flow(page, member, group, language, width):
    paper = PaperFactory(title_en="Scaling Laws for Neural Language Models")
    friend = MembershipFactory(group=group).user
    friend.first_name = "Ada"
    friend.save()
    ReadingStatusFactory(user=friend, paper=paper)
    login(page, member, next_url=paper.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": width, "height": 900})
    read_label = "read" if language == "en" else "读过"

    # The friend who shares their reading with the group shows as having read it.
    assert page.locator(".readers .reader-read").inner_text().startswith("Ada")

    # One click, no reload: the page's script posts and presses the button.
    page.evaluate("window.notReloaded = true")
    control = page.locator(".my-status .status-control")
    control.locator("button[data-value=reading]").click()
    page.wait_for_selector('.my-status .status-control[data-status="reading"]')
    assert page.evaluate("window.notReloaded") is True
    assert ReadingStatus.objects.get(user=member, paper=paper).status == "reading"
    control.locator("button[data-value=read]").click()
    page.wait_for_selector('.my-status .status-control[data-status="read"]')
    assert control.locator("button[aria-pressed=true]").inner_text() == read_label
    # The tooltip that says a click clears it went with the press, as a reload puts it.
    clear = "Click again to clear" if language == "en" else "再点一次取消"
    assert control.locator("button[data-value=read]").get_attribute("title") == clear
    assert control.locator("button[data-value=reading]").get_attribute("title") is None
    # Reloaded, the page shows the new status (not a cached copy from before).
    page.reload()
    assert page.locator(".my-status .status-control").get_attribute("data-status") == "read"
    # Pressing the pressed one again clears it.
    page.locator(".my-status .status-control button[aria-pressed=true]").click()
    page.wait_for_selector('.my-status .status-control[data-status=""]')
    assert not ReadingStatus.objects.filter(user=member, paper=paper).exists()

    # A comment with a formula, then a reply.
    page.fill(".discussion > form.comment-form textarea", "Loss falls as $L \\propto N^{-0.076}$.")
    click_and_load(page, ".discussion > form.comment-form button[type=submit]")
    comment = Comment.objects.get()
    item = page.locator(f"#comment-{comment.pk}")
    assert item.locator(".katex").count() >= 1  # the formula is typeset
    page.locator(".reply-fold summary").click()
    page.fill(".reply-fold textarea", "And with data, too.")
    click_and_load(page, ".reply-fold button[type=submit]")
    assert page.locator(".comment-replies .comment-item").inner_text().count("And with data") == 1
    # Nothing sticks out sideways at this width.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(page, f"together-paper-{language}-{width}")


def test_an_edit_of_a_comment_deleted_meanwhile_keeps_the_text_and_asks_before_leaving(
    page, member, group
):
    """Deleted by a moderator while its author rewrote it: the text comes back, with no
    Save (it could only be refused again), and leaving the page asks first."""
    comment = CommentFactory(paper=PaperFactory(), group=group, author=member, body="First")
    login(page, member, next_url=reverse("notes:comment_edit", args=[comment.pk]))
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.fill("form.comment-form textarea", "A long careful rewrite")
    page.locator("header a[href='/papers/']").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]  # typed, not sent: as in the note editor
    comment.soft_delete()
    click_and_load(page, "form.comment-form button[type=submit]")
    assert page.input_value("form.comment-form textarea") == "A long careful rewrite"
    assert "was deleted while you were editing it" in page.locator(".messages").inner_text()
    assert page.locator("form.comment-form button[type=submit]").count() == 0
    page.locator("header a[href='/papers/']").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload", "beforeunload"]  # refused: asks though nothing was typed
    page.console_errors.clear()  # the browser logs the refusal's 410


def test_a_comment_sent_after_logging_out_is_kept_and_sent_after_logging_in(page, member, group):
    """Logged out meanwhile (in another tab, or the session ended), a comment went to the
    login page and was lost. The text stays, the page says so with a link to log in;
    logged in again, the same click sends it (with the new login's CSRF secret)."""
    paper = PaperFactory()
    login(page, member, next_url=paper.get_absolute_url())
    page.fill(".discussion > form.comment-form textarea", "A careful thought")
    other = page.context.new_page()  # another tab of the same browser
    other.goto(paper.get_absolute_url())
    click_and_load(other, ".header-tools .link-button")  # Log out
    page.click(".discussion > form.comment-form button[type=submit]")
    said = page.locator(".discussion > form.comment-form .session-ended")
    said.wait_for()
    assert "You were logged out, so nothing was sent" in said.inner_text()
    assert said.locator("a").get_attribute("target") == "_blank"
    assert page.url.endswith(paper.get_absolute_url())
    assert page.input_value(".discussion > form.comment-form textarea") == "A careful thought"
    assert not Comment.objects.exists()
    login(other, member)
    click_and_load(page, ".discussion > form.comment-form button[type=submit]")
    assert Comment.objects.get().body == "A careful thought"
    page.console_errors.clear()  # the check's redirect to the login page


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("zh-hans", 390)])
def test_a_meeting_pages_reading_count_follows_the_status(page, member, group, language, width):
    """The count beside the meeting's papers changes with the member's click, no reload."""
    paper, discussed = PaperFactory(), PaperFactory()
    friend = MembershipFactory(group=group).user
    ReadingStatusFactory(user=friend, paper=paper)
    meeting = MeetingFactory(group=group, paper=paper)
    meeting.papers.add(discussed)
    login(page, member, next_url=meeting.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": width, "height": 900})
    counts = {
        "en": ("1 of 2 members have read it", "2 of 2 members have read it", "0 of 2"),
        "zh-hans": ("2 位成员中有 1 位读过", "2 位成员中有 2 位读过", "2 位成员中有 0 位"),
    }[language]
    note = page.locator("#to-read .progress-note")
    assert note.inner_text() == counts[0]
    page.evaluate("window.notReloaded = true")
    page.locator("#to-read button[data-value=read]").click()
    wait_until(
        page,
        "text => document.querySelector('#to-read .progress-note').textContent === text",
        arg=counts[1],
    )
    assert page.evaluate("window.notReloaded") is True
    # Cleared again, it counts one fewer; the discussed paper's count was not touched.
    page.locator("#to-read button[aria-pressed=true]").click()
    page.wait_for_selector('#to-read .status-control[data-status=""]')
    assert note.inner_text() == counts[0]
    page.locator(".discussed summary").click()
    assert counts[2] in page.locator("#discussed-papers .progress-note").inner_text()
    screenshot(page, f"meeting-reading-count-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("zh-hans", 390)])
def test_a_reading_lists_group_progress_follows_the_status(page, member, group, language, width):
    """How far the group has read the list changes with the member's click, no reload."""
    from tests.factories import ReadingListFactory

    papers = [PaperFactory(), PaperFactory()]
    reading_list = ReadingListFactory(group=group)
    for position, paper in enumerate(papers):
        reading_list.items.create(paper=paper, position=position)
    ReadingStatusFactory(user=member, paper=papers[0])
    login(page, member, next_url=reading_list.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": width, "height": 900})
    done = {
        "en": ("0 of 1 member has read every paper", "1 of 1 member has read every paper"),
        "zh-hans": ("1 位成员中有 0 位读完了全部论文", "1 位成员中有 1 位读完了全部论文"),
    }[language]
    progress = page.locator(".group-progress")
    assert progress.locator(".meta").inner_text() == done[0]
    assert progress.locator(".count").inner_text() == "1 / 2"
    page.evaluate("window.notReloaded = true")
    page.locator(".reading-list li").nth(1).locator("button[data-value=read]").click()
    wait_until(
        page,
        "text => document.querySelector('.group-progress .meta').textContent === text",
        arg=done[1],
    )
    assert page.evaluate("window.notReloaded") is True
    assert progress.locator(".count").inner_text() == "2 / 2"
    assert progress.locator("meter").get_attribute("value") == "2"
    assert progress.get_attribute("open") is not None
    # So does the count beside the paper.
    read_it = {"en": "1 of 1 member has read it", "zh-hans": "1 位成员中有 1 位读过"}[language]
    row_note = page.locator(".reading-list li").nth(1).locator(".progress-note")
    assert row_note.inner_text() == read_it
    screenshot(page, f"reading-list-progress-{language}-{width}")


@pytest.mark.parametrize(("language", "said"), [("en", "logged out"), ("zh-hans", "退出登录")])
def test_a_status_click_that_does_not_take_says_why(page, member, language, said):
    """A session ended in another tab: the click's request got the login page, and only a
    red border told of it."""
    paper = PaperFactory()
    login(page, member, next_url=paper.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # logged out elsewhere
    page.locator(".my-status .status-control button[data-value=reading]").click()
    failed = page.locator(".my-status .status-failed")
    failed.wait_for(timeout=5000)
    assert said in failed.inner_text()
    assert not ReadingStatus.objects.filter(user=member).exists()
