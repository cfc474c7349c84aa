"""Reading together in a browser: a status in one click (no reload), a comment and a reply,
at a laptop's and a phone's width, in English and Chinese."""

import pytest

from notes.models import Comment, ReadingStatus
from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import MembershipFactory, PaperFactory, ReadingStatusFactory

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
