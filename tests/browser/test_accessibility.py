"""What a reader with low vision or a screen reader meets: contrast of small text and of
form fields' borders, computed from the colours the browser draws."""

import pytest
from django.urls import reverse

from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = "note info tip success question warning failure danger bug example quote abstract todo"
CALLOUTS = "\n\n".join(f"> [!{kind}] {kind.title()}\n> Body." for kind in KINDS.split())

# The contrast ratio (WCAG 2) of each visible text's colour on the background it is
# drawn on, for the text too small to need only 3:1; and of each form field's border.
CONTRAST = """(root) => {
  // rgb(r, g, b[, a]), or color(srgb r g b[ / a]) for a color-mix(): 0 to 255, alpha
  const rgb = (c) => { const n = (c.match(/[\\d.]+/g) || []).map(Number);
    return c.startsWith("color(srgb")
      ? [...n.slice(0, 3).map((v) => v * 255), ...n.slice(3)] : n; };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const style = getComputedStyle(el);
    if (!walker.currentNode.textContent.trim() || !el.checkVisibility({opacityProperty: true})
        || el.closest("svg, .katex")) continue;
    const large = parseFloat(style.fontSize) >= 24 ||
      (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
    const r = ratio(rgb(style.color).slice(0, 3), background(el));
    const text = el.textContent.trim().slice(0, 30);
    if (r < (large ? 3 : 4.5)) low.push(`${r.toFixed(2)} ${el.className}: ${text}`);
  }
  for (const field of root.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!field.checkVisibility()) continue;
    const style = getComputedStyle(field);
    const r = ratio(rgb(style.borderTopColor).slice(0, 3), background(field.parentElement));
    if (r < 3) low.push(`${r.toFixed(2)} border of ${field.name}`);
  }
  return low;
}"""


def test_small_text_and_field_borders_keep_their_contrast(page, member):
    """Callout titles, the green and amber badges ("shared", "no English version yet")
    and the fields' borders were too faint (3.0 to 3.8:1, and 1.6:1)."""
    note = NoteFactory(author=member, body_zh="", body_en=CALLOUTS)
    login(page, member, next_url=note.get_absolute_url())
    assert page.locator(".badge-missing").count()
    low = page.evaluate(CONTRAST, page.locator("main").element_handle())
    screenshot(page, "contrast-note")
    page.goto(reverse("notes:my_reading"))
    assert page.locator(".badge.open").count()
    low += page.evaluate(CONTRAST, page.locator("main").element_handle())
    page.goto(reverse("notes:note_create"))
    low += page.evaluate(CONTRAST, page.locator("main").element_handle())
    assert low == []


def test_the_reading_switch_says_which_choice_is_on(page, member):
    """The pressed choice was only coloured: a screen reader heard three alike buttons.
    Each says whether it is pressed, also after a click that changes it without a reload;
    中文 and English are each in their own language."""
    note = NoteFactory(author=member)
    login(page, member, next_url=note.get_absolute_url())
    switch = page.locator(".reading-switch")
    assert switch.get_by_role("button", name="Side by side", pressed=True).count() == 1
    assert switch.locator("button[aria-pressed=false]").count() == 2
    assert switch.locator("button[data-reading=zh]").get_attribute("lang") == "zh-Hans"
    switch.locator("button[data-reading=en]").click()
    assert switch.get_by_role("button", name="English", pressed=True).count() == 1
    assert (
        switch.get_by_role("button", name="Side by side").get_attribute("aria-pressed") == "false"
    )


def test_each_reading_status_control_is_named_after_its_paper(page, member):
    """Every row of a list has the same four buttons: a screen reader's list of forms,
    or a member tabbing from row to row, heard "My reading status" on each. Each control
    is named after its paper, in a list, on a paper's page, in Chinese too."""
    papers = [
        PaperFactory(title_en="Scaling Laws for Neural Language Models"),
        PaperFactory(title_en="Training Compute-Optimal Large Language Models"),
    ]
    login(page, member, next_url=reverse("reading:paper_list"))
    for paper in papers:
        assert page.get_by_role("form", name=f"My reading status: {paper.title_en}").count() == 1
    page.goto(papers[0].get_absolute_url())
    control = page.locator(".my-status .status-control")
    assert control.get_attribute("aria-label") == f"My reading status: {papers[0].title_en}"
    click_and_load(page, ".language-switch button[value=zh-hans]")
    assert control.get_attribute("aria-label") == f"我的阅读状态：{papers[0].title_en}"
    # A click changes the status, not the name.
    control.locator("button[data-value=reading]").click()
    page.wait_for_selector('.my-status .status-control[data-status="reading"]')
    assert control.get_attribute("aria-label") == f"我的阅读状态：{papers[0].title_en}"
