"""Hostile input on real pages, and the Content Security Policy on the main pages.

Every payload of tests/core/xss_payloads.txt goes into one note and one meeting
page. The note page is loaded with the CSP header stripped, so the sanitiser alone
must hold; the meeting page with it, as a member sees it. Nothing may open a dialog,
set window.__xss, or leave a handler, a script-capable element or a javascript:
URL in the rendered Markdown.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import login, screenshot
from tests.core.xss_payloads import load_payloads
from tests.factories import (
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """
window.__dialogs = [];
"""
SCAN = """
() => {
  const bad = [];
  const risky = new RegExp('^(script|iframe|object|embed|form|base|meta|link|style|svg|' +
    'math|template|frame|frameset|noscript)$', 'i');
  for (const el of document.querySelectorAll('.markdown *, .page-header *')) {
    const inKatex = el.closest('.katex');
    if (!inKatex && risky.test(el.tagName)) bad.push('element ' + el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (!inKatex && attr.name === 'style') bad.push(el.tagName + ' style');
      const url = attr.value.replace(/[\\t\\n\\r]/g, '').trim();
      if (/^(href|src|xlink:href|action|formaction)$/.test(attr.name) &&
          /^(javascript|vbscript|data|livescript):/i.test(url)) {
        bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
      }
    }
  }
  return bad;
}
"""
# A request the page could not complete is not script running.
HARMLESS = ("Failed to load resource", "Refused to load the image")


def hostile(page, live_server, strip_csp):
    """Answer only the live server (others aborted), optionally without the CSP header."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    def route(route):
        if not route.request.url.startswith(live_server.url):
            route.abort()
            return
        if not strip_csp:
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        headers = {
            key: value
            for key, value in response.headers.items()
            if key.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    page.on("dialog", on_dialog)
    page.route("**/*", route)
    return dialogs


def settle(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".katex", state="attached")
    page.mouse.move(200, 300)
    page.mouse.move(600, 500)
    page.wait_for_timeout(300)


def test_hostile_payloads_do_not_run(page, live_server, member):
    payloads = load_payloads()
    everything = "\n\n".join(payloads)
    meeting = MeetingFactory(
        title_en='"><img src=x onerror=alert(1)>',
        presenter_name="<script>alert(1)</script>",
        body_en=everything,
        minutes=everything,
    )
    MembershipFactory(group=meeting.group, user=member)
    note = NoteFactory(
        title_zh="<script>alert(1)</script>",
        title_en="'\"><svg onload=alert(1)>",
        body_en=everything,
        body_zh=everything,
        group=meeting.group,
        meeting=meeting,
    )
    note.tags.add("<img src=x onerror=alert(1)>")

    dialogs = hostile(page, live_server, strip_csp=True)
    login(page, member, next_url=note.get_absolute_url())
    assert page.url.endswith(note.get_absolute_url())
    settle(page)
    assert page.evaluate(SCAN) == []
    assert page.evaluate("window.__xss") is None
    screenshot(page, "security-hostile-note-without-csp")

    page.unroute("**/*")
    dialogs += hostile(page, live_server, strip_csp=False)
    page.goto(meeting.get_absolute_url())
    settle(page)
    assert page.evaluate(SCAN) == []
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    blocked = [e for e in page.console_errors if not e.startswith(HARMLESS)]
    assert blocked == []
    page.console_errors.clear()


def test_a_formula_cannot_cover_the_page_around_it(page, live_server, member):
    """\\rule{3000px}{3000px} in a note blacked out the whole page; a negative kern
    drew the formula over what stood left of the note."""
    note = NoteFactory(
        visibility="everyone",
        body_en=r"$\kern-150px\mathrm{XX}$ Black: $\rule{3000px}{3000px}$.",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, member, next_url=note.get_absolute_url())
    page.wait_for_selector(".markdown .katex .rule")
    rule = page.locator(".markdown .katex .rule").first.bounding_box()
    font = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.markdown')).fontSize)"
    )
    assert rule["width"] <= 11 * font and rule["height"] <= 11 * font  # maxSize: 10 em
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    # What the kern pushed out of the text's box is not drawn there.
    pushed, text = page.evaluate(
        """() => {
          const katex = [...document.querySelectorAll('.markdown .katex')]
            .find((el) => el.textContent.includes('XX'));
          const box = (el) => { const r = el.getBoundingClientRect();
                                return {x: r.x, y: r.y, width: r.width, height: r.height}; };
          const glyphs = [...katex.querySelectorAll('.katex-html span')]
            .filter((el) => el.textContent === 'XX');
          return [box(glyphs[glyphs.length - 1]), box(katex.closest('.markdown'))];
        }"""
    )
    assert pushed["x"] + pushed["width"] < text["x"], (pushed, text)
    found = page.evaluate(
        "([x, y]) => { const el = document.elementFromPoint(x, y); "
        "return el !== null && el.closest('.katex') !== null; }",
        [pushed["x"] + pushed["width"] / 2, pushed["y"] + pushed["height"] / 2],
    )
    assert found is False
    screenshot(page, "security-hostile-formula")


def test_main_pages_run_under_the_csp(page, admin_user):
    """No CSP violation (a console error) on the site's main pages and the admin."""
    meeting = MeetingFactory(body_zh="## 公式\n\n$$\\sqrt{d_k}$$ 与 $\\frac{QK^T}{\\sqrt{d_k}}$")
    MembershipFactory(group=meeting.group, user=admin_user, role="organiser")
    paper = PaperFactory()
    base = LanguageModelFactory()
    model = LanguageModelFactory(base_model=base, relation="instruction_tuning")
    note = NoteFactory(
        author=admin_user, paper=paper, body_en="Table:\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    login(page, admin_user, password="password")
    pages = [
        "/",
        reverse("reading:paper_list"),
        paper.get_absolute_url(),
        model.get_absolute_url(),
        reverse("papers:model_family"),
        reverse("papers:model_timeline"),
        reverse("papers:dataset_list"),
        reverse("papers:taxonomy"),
        reverse("notes:glossary"),
        reverse("notes:readinglist_list"),
        meeting.group.get_absolute_url(),
        meeting.get_absolute_url(),
        reverse("notes:meeting_edit", args=[meeting.group.slug, meeting.number]),
        note.get_absolute_url(),
        reverse("admin:index"),
        reverse("admin:notes_note_change", args=[note.pk]),
        reverse("admin:notes_meeting_change", args=[meeting.pk]),
        reverse("admin:papers_languagemodel_change", args=[model.pk]),
        reverse("admin:notes_note_history", args=[note.pk]),
    ]
    for url in pages:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"].split("; ")
        page.wait_for_load_state("networkidle")
        assert page.console_errors == [], url
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到这个页面 · Page not found"
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    page.console_errors.clear()
    page.goto(reverse("notes:note_edit", args=[note.slug]))
    page.fill("#id_body_en", "Preview: $e^{i\\pi}+1=0$")
    page.click("[data-preview-button]")
    page.wait_for_selector(".preview .katex")
    screenshot(page, "security-note-preview-under-csp")
