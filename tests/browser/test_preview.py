"""The note editor's preview, as a member uses it: a text the form would refuse as
nested too deeply says why in the pane, and the text stays as typed."""

import pytest
from django.urls import reverse

from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import MembershipFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_preview_of_a_text_nested_too_deeply_says_why(page, member):
    MembershipFactory(user=member)
    note = NoteFactory(author=member, body_zh="正文", body_en="Before.")
    login(page, member, next_url=reverse("notes:note_edit", args=[note.slug]))
    deep = "*" * 2000 + "x" + "*" * 2000
    page.fill("#id_body_en", deep)
    page.click("[data-preview-button]")
    said = page.locator(".preview[data-preview-for=id_body_en] .preview-failed")
    said.wait_for()
    assert said.inner_text() == (
        "This text nests emphasis (* or _) too deeply to be shown (more than 32 levels, at "
        "line 1): remove some of the asterisks or underscores and save again."
    )
    assert page.input_value("#id_body_en") == deep
    chinese = page.locator(".preview[data-preview-for=id_body_zh]")
    chinese.locator("p").first.wait_for()
    assert chinese.inner_text() == "正文"  # the other side previews as before
    # The browser logs the refusal's 422; nothing else went wrong.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    page.console_errors.clear()
    screenshot(page, "editor-preview-too-deep")
    # Saved all the same: the form says why, on the field, and keeps the text.
    click_and_load(page, "form.note-form button[type=submit]")
    field_error = page.locator("#id_body_en").locator("xpath=..").locator(".errorlist")
    assert "too deeply to be shown" in field_error.inner_text()
    assert page.input_value("#id_body_en") == deep
    screenshot(page, "editor-save-too-deep")


def test_leaving_the_editor_with_text_not_sent_asks_first(page, member):
    """The language switch, a link or "Log out" threw typed text away without a word."""
    MembershipFactory(user=member)
    login(page, member, next_url=reverse("notes:note_create"))
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.click("#id_body_en")
    page.keyboard.type("A long thought")
    page.click("header a[href='/papers/']", no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(reverse("notes:note_create"))
    assert page.input_value("#id_body_en") == "A long thought"
    # Sent, it asks nothing.
    page.fill("#id_title_en", "Thoughts")
    click_and_load(page, "form.note-form button[type=submit]")
    assert asked == ["beforeunload"]


def test_on_a_phone_the_preview_is_scrolled_into_sight(page, member):
    """Below 800 px the header is not sticky: counting its bottom (far above the window
    once scrolled) sent the preview off the top of the screen, and nothing seemed to
    happen."""
    MembershipFactory(user=member)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, member, next_url=reverse("notes:note_create"))
    page.fill("#id_body_zh", "\n".join(f"第 {n} 段。" for n in range(40)))
    page.locator("[data-preview-button]").first.scroll_into_view_if_needed()
    page.click("[data-preview-button]")
    pane = page.locator(".preview[data-preview-for=id_body_zh]")
    pane.locator("p").first.wait_for()
    page.wait_for_timeout(800)  # the smooth scroll
    top = pane.evaluate("p => p.getBoundingClientRect().top")
    assert 0 <= top < 844, top
    screenshot(page, "editor-preview-phone")


def test_a_link_reached_by_shift_tab_is_not_under_the_sticky_header(page, member):
    MembershipFactory(user=member)
    paper = PaperFactory()
    long = "\n\n".join(f"Para {n}, see [[{paper.title_en}]]." for n in range(60))
    note = NoteFactory(author=member, paper=paper, body_en=long, visibility="everyone")
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, member, next_url=note.get_absolute_url())
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    tops = []
    for _press in range(20):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.closest('.site-header') === null"):
            tops.append(page.evaluate("document.activeElement.getBoundingClientRect().top"))
    assert tops and min(tops) >= header, (tops, header)
