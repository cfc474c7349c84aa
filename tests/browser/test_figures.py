"""Figures in the editor, as a member adds them: chosen with the button, pasted, dropped;
the Markdown goes where the cursor is, the preview, the saved note and the deck show the
image, and a refused file leaves the text as it was."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import MembershipFactory, NoteFactory

pytestmark = pytest.mark.django_db(transaction=True)


def png(width=240, height=120, colour=(36, 86, 199)):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def edit_note(page, member, body_en="First paragraph.\n\nSecond paragraph."):
    MembershipFactory(user=member)
    note = NoteFactory(author=member, body_zh="正文", body_en=body_en)
    login(page, member, next_url=reverse("notes:note_edit", args=[note.slug]))
    return note


def chooser(page, field):
    return page.locator(f"#{field} ~ .figure-tools input[type=file]")


def status(page, field):
    return page.locator(f"#{field} ~ .figure-tools .figure-status")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_chosen_figure_goes_where_the_cursor_is_and_shows_everywhere(page, member, width):
    note = edit_note(page, member)
    page.set_viewport_size({"width": width, "height": 900})
    # The cursor after the first paragraph.
    page.locator("#id_body_en").evaluate("t => t.setSelectionRange(16, 16)")
    chooser(page, "id_body_en").set_input_files(
        files=[{"name": "Transformer architecture.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.locator("#id_body_en ~ .figure-tools .figure-status[data-state=added]").wait_for()
    assert "Transformer architecture.png" in status(page, "id_body_en").inner_text()
    text = page.input_value("#id_body_en")
    assert re.fullmatch(
        r"First paragraph\.\n\n!\[Transformer architecture\]\(/[^)]+\.png\)\n\nSecond paragraph\.",
        text,
    ), text
    assert page.locator("#id_body_zh").input_value() == "正文"  # the other side untouched
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"figure-added-{width}")

    page.click("[data-preview-button]")
    preview = page.locator(".preview[data-preview-for=id_body_en] img")
    preview.wait_for()
    assert preview.evaluate("i => i.complete && i.naturalWidth") == 240

    click_and_load(page, "button[type=submit].primary")
    shown = page.locator(".markdown img").first
    shown.wait_for()
    assert shown.evaluate("i => i.complete && i.naturalWidth") == 240
    assert shown.bounding_box()["width"] <= width
    note.refresh_from_db()
    assert "![Transformer architecture](" in note.body_en

    # Presented: the figure on its slide, whole.
    page.goto(reverse("notes:note_present", args=[note.slug]) + "?lang=en")
    # Not wait_for_function: its polling evaluates a string, which the deck's CSP forbids.
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    page.evaluate(
        """() => {
          const slides = Reveal.getSlides();
          Reveal.slide(slides.findIndex((s) => s.querySelector("img")));
        }"""
    )
    slide = page.locator(".reveal .slides section.present")
    figure = slide.locator("img").first
    figure.wait_for()
    assert figure.evaluate("i => i.complete && i.naturalWidth") == 240
    inner, outer = figure.bounding_box(), slide.bounding_box()
    assert outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    page.wait_for_timeout(800)  # the slide's transition, for the screenshot
    screenshot(page, f"figure-deck-{width}")


def test_a_pasted_image_is_named_as_obsidian_names_it(page, member):
    edit_note(page, member, body_en="")
    page.locator("#id_body_en").focus()
    page.evaluate(
        """bytes => {
          const file = new File([new Uint8Array(bytes)], "image.png", {type: "image/png"});
          const data = new DataTransfer();
          data.items.add(file);
          const t = document.getElementById("id_body_en");
          const init = {clipboardData: data, bubbles: true, cancelable: true};
          t.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        list(png(64, 64)),
    )
    page.locator("#id_body_en ~ .figure-tools .figure-status[data-state=added]").wait_for()
    assert "Pasted image" in status(page, "id_body_en").inner_text()
    assert re.fullmatch(
        r"!\[Pasted image \d{14}\]\(/[^)]+\.png\)\n", page.input_value("#id_body_en")
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_file_is_said_and_the_text_kept(page, member, language):
    edit_note(page, member)
    if language == "zh":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    before = page.input_value("#id_body_en")
    page.on("console", lambda message: None)
    chooser(page, "id_body_en").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image at all"}]
    )
    said = page.locator("#id_body_en ~ .figure-tools .figure-status[data-state=failed]")
    said.wait_for()
    # Named with the interface's colon: "notes.png：" in Chinese, as every label is.
    assert said.inner_text().startswith("notes.png: " if language == "en" else "notes.png：")
    assert said.get_attribute("role") == "alert"
    assert "PNG" in said.inner_text()  # the server's reason, not a generic failure
    assert page.input_value("#id_body_en") == before
    screenshot(page, f"figure-refused-{language}")
    # The browser logs the refused upload's 400 as an error; that one is expected.
    page.console_errors[:] = [e for e in page.console_errors if "400" not in e]


def test_a_figure_the_text_embeds_by_name_is_shown_there_not_added_again(page, member):
    """A note pasted from an Obsidian vault names its figures: uploading one shows it."""
    body = "Before.\n\n![[chart.png|120]]\n\nAfter."
    edit_note(page, member, body_en=body)
    page.click("[data-preview-button]")
    page.locator(".preview[data-preview-for=id_body_en] .wikilink-missing").wait_for()
    chooser(page, "id_body_en").set_input_files(
        files=[{"name": "chart.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.locator("#id_body_en ~ .figure-tools .figure-status[data-state=added]").wait_for()
    assert "![[chart.png]]" in status(page, "id_body_en").inner_text()
    assert page.input_value("#id_body_en") == body
    shown = page.locator(".preview[data-preview-for=id_body_en] img")
    shown.wait_for()
    assert shown.get_attribute("width") == "120"
