import re

import pytest

from tests.browser.conftest import click_and_load, login, screenshot, wait_until
from tests.factories import MeetingFactory, MembershipFactory, PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "\n".join(
    f"| 开源 | Model-{n} | 2023/{n % 12 + 1:02d} | {n * 7} | 论文 |" for n in range(40)
)
ITEMS = "\n".join(
    f"{n}. 第 {n} 条：预训练语料的规模和质量决定模型能力的上限。" for n in range(1, 25)
)
WRITEUP = f"""开场白：今天讲大语言模型综述。

# 1 扩展法则

## 1.1 KM 扩展法则

$$
L(N) = \\left(\\frac{{N_c}}{{N}}\\right)^{{\\alpha_N}}, \\quad \\alpha_N \\sim 0.076
$$

行内公式 $C \\approx 6ND$ 也要排版。

> [!notes] 讲者备注
> 悄悄提醒：这里停顿 $L(D)$。

## 1.2 模型列表

| 分类 | 模型 | 发表时间 | 大小(B) | 链接 |
| --- | --- | --- | --- | --- |
{ROWS}

## 1.3 要点

{ITEMS}

---

参考文献
"""
SLIDES = 11  # title, opening, divider, 1.1, the table on 4, the list on 2, after ---


# The slides whose content runs out of their frame, after layout, fonts and scaling.
OVERFLOWING = """() => {
  const bad = [];
  for (let i = 0; i < Reveal.getTotalSlides(); i++) {
    Reveal.slide(i);
    const slide = Reveal.getCurrentSlide();
    if (slide.scrollHeight > slide.clientHeight + 1) bad.push(slide.id);
    if (slide.scrollWidth > slide.clientWidth + 1) bad.push(slide.id);
    slide.querySelectorAll(".deck-fit").forEach((fit) => {
      const box = fit.parentElement.getBoundingClientRect();
      const r = fit.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1) bad.push(slide.id);
      // The last block too: a margin collapsing through the box hid it from the fit.
      const last = fit.lastElementChild;
      if (last && last.getBoundingClientRect().bottom > box.bottom + 1) bad.push(slide.id);
    });
  }
  return bad;
}"""


@pytest.fixture
def deck_meeting(member):
    meeting = MeetingFactory(number=1, body_zh=WRITEUP, body_en="")
    meeting.papers.set([PaperFactory(title_en="A Survey of Large Language Models")])
    MembershipFactory(group=meeting.group, user=member)
    return meeting


def present_url(meeting):
    return f"{meeting.get_absolute_url()}present/"


def open_deck(page, member, url, live_server):
    blocked = []

    def only_local(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.set_viewport_size({"width": 1280, "height": 720})
    login(page, member, next_url=url)
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    return blocked


def open_meeting_deck(page, member, live_server, body_zh, body_en, query=""):
    """Open the deck of a new meeting of the texts, the member in its group."""
    meeting = MeetingFactory(body_zh=body_zh, body_en=body_en)
    MembershipFactory(group=meeting.group, user=member)
    open_deck(page, member, present_url(meeting) + query, live_server)
    return meeting


def test_deck_walks_every_slide_within_its_frame(page, member, deck_meeting, live_server):
    blocked = open_deck(page, member, present_url(deck_meeting), live_server)

    assert page.evaluate("Reveal.getTotalSlides()") == SLIDES
    assert page.locator(".deck-fit .katex-display").count() == 1
    assert page.locator(".deck-fit .katex").count() == 2
    # Keyboard: the next slide, and its own URL fragment (the page's CSP forbids
    # eval, so no wait_for_function).
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"#/1-(%E6%89%A9%E5%B1%95%E6%B3%95%E5%88%99|扩展法则)$"))
    assert page.evaluate("Reveal.getIndices().h") == 2
    overflowing = page.evaluate(OVERFLOWING)
    assert overflowing == []
    page.evaluate("Reveal.slide(3)")
    visible = page.locator(".reveal").inner_text()
    assert "悄悄提醒" not in visible
    assert page.locator("aside.notes .katex math").count() == 1  # MathML for the speaker view
    screenshot(page, "deck-formula")
    page.evaluate("Reveal.slide(5)")
    screenshot(page, "deck-table")
    assert blocked == []


@pytest.mark.parametrize("width, height", [(1366, 768), (844, 390)])
def test_slide_number_leaves_the_arrows_clear(
    page, member, deck_meeting, live_server, width, height
):
    open_deck(page, member, present_url(deck_meeting), live_server)
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("Reveal.slide(2)")  # a slide with an arrow either way
    number = page.locator(".reveal .slide-number").bounding_box()
    assert number and number["width"] > 0
    for arrow in page.locator(".reveal .controls button.enabled").all():
        box = arrow.bounding_box()
        apart = (
            box["x"] >= number["x"] + number["width"]
            or number["x"] >= box["x"] + box["width"]
            or box["y"] >= number["y"] + number["height"]
            or number["y"] >= box["y"] + box["height"]
        )
        assert apart, (box, number)


def test_tab_reaches_only_the_slide_on_screen(page, member, live_server):
    meeting = MeetingFactory(
        body_zh="开场。\n\n# 一\n\n[第一个链接](/papers/)\n\n# 二\n\n[第二个链接](/models/)"
    )
    MembershipFactory(group=meeting.group, user=member)
    open_deck(page, member, present_url(meeting), live_server)
    assert page.locator(".slides a[href]").count() >= 2  # links on slides not shown yet
    for slide in (0, 2):
        page.evaluate(f"Reveal.slide({slide})")
        for _ in range(12):
            page.keyboard.press("Tab")
            assert page.evaluate(
                """() => {
                  const on = document.activeElement.closest(".slides section");
                  const current = Reveal.getCurrentSlide();
                  return !on || on === current || on.contains(current);
                }"""
            )


def test_a_click_in_the_overview_goes_to_that_slide(page, member, deck_meeting, live_server):
    """In the overview ("O") a click on another slide did nothing: every slide but the
    current one was inert (kept out of Tab's reach), and an inert slide gets no click."""
    open_deck(page, member, present_url(deck_meeting), live_server)
    page.keyboard.press("o")
    wait_until(page, "() => Reveal.isOverview()")
    page.wait_for_timeout(600)  # the overview's transition
    page.locator(".slides > section").nth(3).click(timeout=5000)
    wait_until(page, "() => !Reveal.isOverview()")
    assert page.evaluate("Reveal.getIndices().h") == 3
    # Out of the overview, Tab again reaches the slide on screen only.
    inert = page.evaluate("Array.from(document.querySelectorAll('.slides>section'), s => s.inert)")
    assert inert.count(False) == 1 and not inert[3]


def test_the_slide_arrows_show_the_keyboards_focus(page, member, deck_meeting, live_server):
    """reveal.css sets outline: 0 on its arrows: Tab reached "Next slide" unseen."""
    open_deck(page, member, present_url(deck_meeting), live_server)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.controls button')"):
            break
    outline = page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
          return [document.activeElement.matches('.controls button:focus-visible'),
                  style.outlineStyle, parseFloat(style.outlineWidth)]; }"""
    )
    assert outline[0] and outline[1] != "none" and outline[2] >= 2, outline
    screenshot(page, "deck-arrow-focus")


def test_the_go_to_slide_box_is_opaque_and_clear_of_the_tools(
    page, member, deck_meeting, live_server
):
    """The box that G opens had no background: "Go to slide" was drawn over the title."""
    open_deck(page, member, present_url(deck_meeting), live_server)
    page.evaluate("Reveal.slide(3)")
    page.keyboard.press("g")
    box = page.locator(".reveal .jump-to-slide-input")
    box.wait_for()
    background = box.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert re.fullmatch(r"rgb\(\d+, \d+, \d+\)", background), background  # no alpha
    tools = page.locator(".deck-tools").bounding_box()
    assert box.bounding_box()["y"] >= tools["y"] + tools["height"]
    screenshot(page, "deck-jump")
    page.keyboard.press("Escape")


def test_speaker_view_shows_the_notes(page, member, deck_meeting, live_server):
    open_deck(page, member, present_url(deck_meeting), live_server)
    page.evaluate("Reveal.slide(3)")  # 1.1, the slide with the notes

    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_selector(".speaker-controls-notes:not(.hidden)")

    assert "悄悄提醒" in speaker.locator(".speaker-controls-notes .value").inner_text()
    speaker.close()


def test_the_keyboard_help_and_jump_box_speak_the_interfaces_language(page, member, deck_meeting):
    """reveal.js writes its keyboard help ("?") and its jump box ("G") in English, the
    only English left in a Chinese deck (a browser walk)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    login(page, member, next_url=deck_meeting.get_absolute_url())
    click_and_load(page, ".language-switch button[value=zh-hans]")
    page.goto(present_url(deck_meeting))
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    # The arrows on screen, as a screen reader names them (they said "next slide").
    controls = page.locator(".reveal .controls")
    assert controls.locator(".navigate-right").get_attribute("aria-label") == "下一张"
    assert controls.locator(".navigate-left").get_attribute("aria-label") == "上一张"
    page.keyboard.press("Shift+Slash")
    help = page.locator(".r-overlay-help-content")
    help.wait_for()
    text = help.inner_text()
    assert help.locator("p.title").inner_text() == "键盘快捷键"
    assert help.locator("th").all_inner_texts() == ["按键", "操作"]
    for chinese in ("下一张", "上一张", "全屏", "幻灯片总览", "跳到第几张", "演讲者视图"):
        assert chinese in text
    for english in ("Next slide", "Fullscreen", "Slide overview", "Speaker notes view"):
        assert english not in text
    screenshot(page, "deck-keyboard-help-zh")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    assert page.locator(".jump-to-slide-input").get_attribute("placeholder") == "跳到第几张"
    # Asked again, the help is the same (the overlay is written anew each time).
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Slash")
    assert page.locator(".r-overlay-help-content p.title").inner_text() == "键盘快捷键"


def test_the_speaker_view_speaks_the_interfaces_language(page, member, deck_meeting, live_server):
    """reveal.js writes its speaker view in English ("Upcoming", "Time", "Layout"): in
    Chinese it is in Chinese, and the presenter's own notes are left as written."""
    page.set_viewport_size({"width": 1280, "height": 720})
    login(page, member, next_url=deck_meeting.get_absolute_url())
    click_and_load(page, ".language-switch button[value=zh-hans]")
    page.goto(present_url(deck_meeting))
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    page.evaluate("Reveal.slide(3)")  # 1.1, the slide with the notes

    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_selector(".speaker-controls-notes:not(.hidden)")
    text = speaker.locator("body").inner_text()
    for english in ("Upcoming", "Click to Reset", "Layout"):
        assert english not in text
    assert speaker.locator("#upcoming-slide .label").inner_text() == "下一张"
    assert speaker.title() == "演讲者视图"  # the window's title
    assert speaker.locator(".speaker-layout-label").inner_text().startswith("布局：")
    assert speaker.locator(".speaker-layout-dropdown option").all_inner_texts()[:2] == [
        "默认",
        "宽屏",
    ]
    speaker.select_option(".speaker-layout-dropdown", "wide")  # written again on a change
    assert speaker.locator(".speaker-layout-label").inner_text() == "布局：宽屏"
    assert "悄悄提醒" in speaker.locator(".speaker-controls-notes .value").inner_text()
    # The clock as Chinese writes the time (21:30), not reveal.js's "09:30 PM".
    speaker.wait_for_timeout(1100)  # written again every second
    assert re.fullmatch(r"\d{2}:\d{2}", speaker.locator(".clock-value").inner_text())
    screenshot(speaker, "speaker-view-zh")
    speaker.close()


# The current slide as shown: its width over the screen's, and the size of its body
# text in screen pixels (the deck's scale times the slide's own fit).
SHOWN = """() => {
  const slide = Reveal.getCurrentSlide();
  const fit = slide.querySelector(".deck-fit");
  const text = fit.querySelector("p, li, td") || fit;
  return {
    upright: document.documentElement.classList.contains("deck-upright"),
    width: slide.getBoundingClientRect().width / window.innerWidth,
    text: parseFloat(getComputedStyle(text).fontSize)
      * fit.getBoundingClientRect().width / fit.offsetWidth,
  };
}"""


@pytest.mark.parametrize("query", ["", "?receiver"])
def test_a_phone_held_upright_shows_the_slide_upright_and_legible(
    page, member, deck_meeting, live_server, query
):
    """Upright (390 × 844), a 16:9 slide was a strip across the middle of the screen, its
    text 7 px. The frame turns upright with the phone and fills the screen's width, and
    back when it is turned sideways; not in the speaker view's slide previews (the deck
    with ?receiver, in a narrow upright frame on a desktop), which show the 16:9 slide."""
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, member, next_url=present_url(deck_meeting) + query)
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    page.evaluate("Reveal.slide(3)")  # 1.1: a formula, text and a display formula
    page.wait_for_timeout(600)  # the slide transition

    shown = page.evaluate(SHOWN)
    if query:
        assert not shown["upright"] and shown["text"] < 9
        return
    assert shown["upright"] and shown["width"] >= 0.9 and shown["text"] >= 12, shown
    screenshot(page, "deck-upright")
    assert page.evaluate(OVERFLOWING) == []
    page.set_viewport_size({"width": 844, "height": 390})  # turned sideways
    wait_until(page, "!document.documentElement.classList.contains('deck-upright')")
    page.wait_for_timeout(300)
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(SHOWN)["text"] >= 12
    page.set_viewport_size({"width": 390, "height": 844})  # and upright again
    wait_until(page, "document.documentElement.classList.contains('deck-upright')")
    page.wait_for_timeout(300)
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(SHOWN)["width"] >= 0.9


@pytest.mark.parametrize("query", ["?lang=zh", "?lang=both"])
def test_the_demo_like_deck_upright_stays_within_its_frames(page, member, live_server, query):
    """Side by side upright, the languages stand one above the other, as wide as the
    slide; every slide within its frame, the lists cut over slides and the wide table
    among them."""
    english = MANY_TERMS.replace("模型", "Model ")
    page.set_viewport_size({"width": 390, "height": 844})
    meeting = MeetingFactory(
        body_zh=f"## 要点\n\n{POINTS}\n\n## 对比\n\n{MANY_TERMS}\n",
        body_en=f"## Points\n\n{ENGLISH_INTRO}\n\n## Comparison\n\n{english}\n",
    )
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=present_url(meeting) + query)
    page.wait_for_selector("#deck[data-ready=true]", state="attached")

    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(CONTAINED) == []
    if query == "?lang=both":
        page.evaluate("Reveal.slide(1)")
        columns = page.locator(".slides section").nth(1).locator(".deck-col")
        zh, en = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert en["y"] >= zh["y"] + zh["height"] - 1 and en["width"] == zh["width"]
        assert page.evaluate(SHOWN)["text"] >= 12
    page.wait_for_timeout(600)
    screenshot(page, f"deck-upright-{query[6:]}")


def test_print_mode_gives_one_page_per_slide(page, member, deck_meeting, live_server):
    open_deck(page, member, f"{present_url(deck_meeting)}?print-pdf", live_server)
    page.wait_for_selector("#deck[data-pdf-ready=true]", state="attached")

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == SLIDES
    assert page.locator(".speaker-notes-pdf").count() == 0


def test_switching_the_language_keeps_the_presenters_place(page, member, live_server):
    """From the Chinese deck's third section to the English one's, and side by side."""
    meeting = MeetingFactory(
        body_zh="## 1 背景\n\n文字。\n\n## 2 方法\n\n文字。\n\n## 3 结果\n\n文字。\n",
        body_en="## 1 Background\n\nText.\n\n## 2 Method\n\nText.\n\n## 3 Results\n\nText.\n",
    )
    MembershipFactory(group=meeting.group, user=member)
    open_deck(page, member, present_url(meeting) + "?lang=zh", live_server)
    page.evaluate("Reveal.slide(3)")  # after the cover: 3 结果
    assert page.evaluate("Reveal.getCurrentSlide().querySelector('h2').textContent") == "3 结果"
    page.click("a.deck-lang[data-lang=en]")
    page.wait_for_url(re.compile(r"\?lang=en#/"))
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    assert page.evaluate("Reveal.getCurrentSlide().querySelector('h2').textContent") == "3 Results"
    page.evaluate("Reveal.slide(2)")
    page.click("a.deck-lang[data-lang=both]")
    page.wait_for_url(re.compile(r"\?lang=both#/"))
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    assert page.evaluate("Reveal.getIndices().h") == 2
    assert "2 Method" in page.evaluate("Reveal.getCurrentSlide().textContent")
    # From the cover, the other deck opens at its cover.
    page.evaluate("Reveal.slide(0)")
    page.click("a.deck-lang[data-lang=zh]")
    page.wait_for_url(re.compile(r"\?lang=zh$"))
    page.wait_for_selector("#deck[data-ready=true]", state="attached")
    assert page.evaluate("Reveal.getIndices().h") == 0


SAME_TABLE = "| Model | MMLU | GSM8K | HumanEval |\n| --- | --- | --- | --- |\n" + "\n".join(
    f"| LLaMA-{n}B | {30 + n}.1 | {10 + n}.0 | {n}.5 |" for n in (7, 13, 33, 65)
)
# Wide in the Chinese column only: the English text has the table's first columns.
WIDE_ZH = "| " + " | ".join(f"基准测试{n}" for n in range(24)) + " |\n"
WIDE_ZH += "|" + " --- |" * 24 + "\n| " + " | ".join(f"{n}.0" for n in range(24)) + " |"
WIDE_EN = "| Benchmark | Score |\n| --- | --- |\n| MMLU | 35.1 |"
HUNDRED = "| " + " | ".join(f"c{n}" for n in range(100)) + " |\n|" + " --- |" * 100 + "\n"
HUNDRED += "| " + " | ".join(str(n * 11) for n in range(100)) + " |"

CONTAINED = """() => {
  const bad = [];
  document.querySelectorAll(".slides section").forEach((slide) => {
    const frame = slide.querySelector(".deck-frame").getBoundingClientRect();
    slide.querySelectorAll(".deck-col, .deck-shared, .deck-fit").forEach((box) => {
      const outer = box.getBoundingClientRect();
      box.querySelectorAll(":scope > table, :scope > .deck-wide").forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.right > outer.right + 1 || r.right > frame.right + 1) bad.push(slide.id);
      });
    });
  });
  return bad;
}"""


def test_side_by_side_draws_a_table_the_same_in_both_texts_once(page, member, live_server):
    open_meeting_deck(
        page,
        member,
        live_server,
        body_zh=f"## 结果\n\n结果如下：\n\n{SAME_TABLE}\n\n## 基准\n\n{WIDE_ZH}\n",
        body_en=f"## Results\n\nThe results:\n\n{SAME_TABLE}\n\n## Benchmarks\n\n{WIDE_EN}\n",
        query="?lang=both",
    )

    assert page.evaluate("Reveal.getTotalSlides()") == 3
    results = page.locator(".slides section").nth(1)
    assert results.locator("table").count() == 1
    assert results.locator(".deck-shared table").count() == 1
    assert results.locator(".deck-fit").get_attribute("data-scale") is None  # full size
    # The Chinese column's wide table stays in its column: it scrolls and says so.
    benchmarks = page.locator(".slides section").nth(2)
    assert benchmarks.locator(".deck-col").first.locator(".deck-wide table").count() == 1
    assert benchmarks.locator(".deck-wide-more").inner_text() == "Table continues →"
    assert page.evaluate(CONTAINED) == []
    page.evaluate("Reveal.slide(2)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-wide-table-side-by-side")


def test_a_table_too_wide_for_any_scale_scrolls_and_says_it_goes_on(page, member, live_server):
    meeting = MeetingFactory(body_zh=f"## 全部指标\n\n说明。\n\n{HUNDRED}\n", body_en="")
    MembershipFactory(group=meeting.group, user=member)
    open_deck(page, member, present_url(meeting), live_server)

    slide = page.locator(".slides section").nth(1)
    assert slide.locator(".deck-wide table").count() == 1
    assert slide.locator(".deck-wide-more").count() == 1
    scroller = slide.locator(".deck-wide")
    assert scroller.evaluate("box => box.scrollWidth > box.clientWidth")
    # The rest of the slide is not shrunk to the smallest scale for the table's sake.
    assert slide.locator(".deck-fit").get_attribute("data-scale") is None
    assert page.evaluate(CONTAINED) == []
    page.evaluate("Reveal.slide(1)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-hundred-columns")


TERMS = " + ".join(
    f"\\alpha_{{{n}}} \\frac{{\\partial L}}{{\\partial \\theta_{{{n}}}}}" for n in range(40)
)
ALIGNED = "\\begin{aligned}\n" + " \\\\\n".join(f"L_{k} &= {TERMS}" for k in range(3))
ALIGNED += "\n\\end{aligned}"
WIDE_FORMULAS = """() => Array.from(document.querySelectorAll(".slides section")).map((slide) => {
  const frame = slide.querySelector(".deck-frame").getBoundingClientRect();
  return Array.from(slide.querySelectorAll(".katex-display")).map((el) => {
    const box = el.parentElement.closest(".deck-col, .deck-shared, .deck-fit")
      .getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return {
      slide: slide.id,
      scrolls: el.classList.contains("deck-wide-formula") && el.scrollWidth > el.clientWidth,
      inside: r.right <= box.right + 1 && r.right <= frame.right + 1,
    };
  });
}).flat()"""


def test_a_formula_too_wide_for_any_scale_scrolls_and_says_it_goes_on(page, member, live_server):
    meeting = MeetingFactory(
        body_zh=f"## 梯度\n\n总损失：\n\n$$\n\\nabla L = {TERMS}\n$$\n\n"
        f"## 三行\n\n$$\n{ALIGNED}\n$$\n\n## 短公式\n\n$$\nC \\approx 6ND\n$$\n",
        body_en="",
    )
    MembershipFactory(group=meeting.group, user=member)
    open_deck(page, member, present_url(meeting), live_server)

    formulas = page.evaluate(WIDE_FORMULAS)
    assert [(f["scrolls"], f["inside"]) for f in formulas] == [(True, True)] * 2 + [(False, True)]
    slide = page.locator(".slides section").nth(1)
    assert slide.locator(".deck-wide-more").inner_text() == "Formula continues →"
    # The rest of the slide is not shrunk to the smallest scale for the formula's sake.
    assert slide.locator(".deck-fit").get_attribute("data-scale") is None
    assert page.locator(".slides section").nth(3).locator(".deck-wide-more").count() == 0
    # Fitted again (a font arriving late), a slide that needs no shrinking says so, whatever
    # an earlier fit had found.
    slide.locator(".deck-fit").evaluate("fit => fit.setAttribute('data-scale', '0.5')")
    page.evaluate("document.fonts.dispatchEvent(new Event('loadingdone'))")
    assert slide.locator(".deck-fit").get_attribute("data-scale") is None
    # The arrow keys still go from slide to slide, even with the formula focused.
    page.evaluate("Reveal.slide(1)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-wide-formula")
    slide.locator(".deck-wide-formula").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 2
    assert slide.locator(".deck-wide-formula").evaluate("box => box.scrollLeft") == 0


def test_side_by_side_a_wide_formula_scrolls_in_its_column(page, member, live_server):
    open_meeting_deck(
        page,
        member,
        live_server,
        body_zh=f"## 梯度\n\n$$\n\\text{{损失}} = {TERMS}\n$$\n",
        body_en=f"## Gradient\n\n$$\n\\text{{loss}} = {TERMS}\n$$\n",
        query="?lang=both",
    )

    slide = page.locator(".slides section").nth(1)
    assert slide.locator(".deck-col .deck-wide-formula").count() == 2
    assert slide.locator(".deck-col .deck-wide-more").count() == 2
    formulas = page.evaluate(WIDE_FORMULAS)
    assert [(f["scrolls"], f["inside"]) for f in formulas] == [(True, True)] * 2
    page.evaluate("Reveal.slide(1)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-wide-formula-side-by-side")


ENGLISH_ITEM = (
    "- The tokenizer is trained on a mix of multilingual text, with little filtering of it."
)
ENGLISH_INTRO = (
    "In this section we list what it is trained on, and with which settings it is tuned"
    " for the tasks."
)


def test_an_english_list_that_fits_stays_on_one_readable_slide(page, member, live_server):
    items = "\n".join([ENGLISH_ITEM] * 10)
    open_meeting_deck(
        page,
        member,
        live_server,
        body_zh="",
        body_en=f"## Training\n\n{ENGLISH_INTRO}\n\n{ENGLISH_INTRO}\n\n{items}\n",
    )

    assert page.evaluate("Reveal.getTotalSlides()") == 2  # the cover and the section
    slide = page.locator(".slides section").nth(1)
    assert slide.locator("li").count() == 10
    # In the widest face a slide may be set in (DejaVu Sans), shrunk a little at most.
    assert float(slide.locator(".deck-fit").get_attribute("data-scale") or 1) >= 0.85
    page.evaluate("Reveal.slide(1)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-english-list")


# Below an opening paragraph, so that the first part ends before 10: its numbers have one
# digit, the second part's two.
CHAPTERS_ZH = "今天讲大语言模型综述。" * 12 + "\n\n注：文章的原文有 20 个章节，分别是：\n\n"
CHAPTERS_ZH += "\n".join(f"{n}. 第 {n} 章：预训练语料" for n in range(1, 21))
CHAPTERS_EN = "Today we read a survey of large language models. " * 6
CHAPTERS_EN += "\n\nNote: the paper has 20 chapters:\n\n"
CHAPTERS_EN += "\n".join(f"{n}. Chapter {n}: pre-training data" for n in range(1, 21))
# Each slide's heading and part, and each ordered list's first number, the indent of its
# items and the width of its widest number ("20. ") set in its font; each slide measured
# on screen (reveal.js does not lay out the slides far from the current one).
LIST_PARTS = """() => {
  const parts = [];
  for (let i = 0; i < Reveal.getTotalSlides(); i++) {
    Reveal.slide(i);
    const slide = Reveal.getCurrentSlide();
    if (!slide.querySelector(".deck-fit ol")) continue;
    const title = slide.querySelector(".deck-title");
    const part = title && title.querySelector(".deck-part");
    parts.push({
      title: title ? title.textContent.replace(part ? part.textContent : "", "").trim() : "",
      part: part ? part.textContent.trim() : "",
      lists: Array.from(slide.querySelectorAll(".deck-fit ol")).map((ol) => {
        const items = ol.querySelectorAll(":scope > li");
        const probe = document.createElement("span");
        probe.textContent = "20.\\u00a0";
        items[0].prepend(probe);
        const number = probe.getBoundingClientRect().width;
        probe.remove();
        const scale = ol.getBoundingClientRect().width / ol.offsetWidth;
        const left = items[0].getBoundingClientRect().left - ol.getBoundingClientRect().left;
        return {
          start: Number(ol.getAttribute("start") || 1),
          items: items.length,
          indent: Math.round(left / scale),
          number: Math.round(number / scale),
        };
      }),
    });
  }
  return parts;
}"""


@pytest.mark.parametrize(
    "body_zh, body_en, query",
    [(CHAPTERS_ZH, "", ""), ("", CHAPTERS_EN, ""), (CHAPTERS_ZH, CHAPTERS_EN, "?lang=both")],
    ids=["zh", "en", "both"],
)
def test_a_list_split_over_slides_is_headed_and_counted_and_numbered_on(
    page, member, live_server, body_zh, body_en, query
):
    """An opening without a heading whose list runs over slides: each part is headed (by
    the deck's title) and says which part it is, as a table's parts do; the list counts
    on, and its numbers, 20 the widest, have room in every part alike."""
    open_meeting_deck(page, member, live_server, body_zh, body_en, query)

    parts = page.evaluate(LIST_PARTS)
    assert len(parts) >= 2
    assert parts[0]["title"] and {p["title"] for p in parts} == {parts[0]["title"]}
    # Consecutive parts of the section (side by side, its first slide holds the opening
    # paragraph only), each but its first said to go on.
    first, total = map(int, parts[0]["part"].split()[-1].split("/"))
    assert [p["part"] for p in parts] == [
        f"{'continued ' if n > 1 else ''}{n}/{total}" for n in range(first, total + 1)
    ]
    columns = list(zip(*(p["lists"] for p in parts), strict=True))  # one side by side
    for lists in columns:
        assert lists[0]["start"] == 1
        if not query:  # one language: the first part's numbers have one digit
            assert lists[0]["items"] < 10
        for before, after in zip(lists, lists[1:], strict=False):
            assert after["start"] == before["start"] + before["items"]
        assert sum(part["items"] for part in lists) == 20
        # The numbers line up: the items of every part as far in, with room for "20."
        # (it ran out past the body's edge, and a side-by-side column clipped it).
        assert {part["indent"] for part in lists} == {lists[0]["indent"]}, lists
        assert lists[0]["indent"] >= lists[0]["number"], lists
    page.evaluate("Reveal.slide(2)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, f"deck-list-continued-{query[6:] or ('zh' if body_zh else 'en')}")


# A results table of many columns: its words cannot all stand side by side at full size.
MANY_COLUMNS = "| " + " | ".join(f"列{c} column{c}" for c in range(14)) + " |\n" + "|---" * 14
MANY_COLUMNS += "|\n" + "\n".join(
    "| " + " | ".join(f"r{r}c{c} 数据" for c in range(14)) + " |" for r in range(30)
)
# Each slide's table: its rows, and how much of the slide's box it fills (the box as
# deck.js fits it, the table as shrunk with it).
TABLE_FILL = """() => {
  const found = [];
  for (let i = 0; i < Reveal.getTotalSlides(); i++) {
    Reveal.slide(i);
    const slide = Reveal.getCurrentSlide();
    const table = slide.querySelector(".deck-fit table");
    if (!table) continue;
    const box = slide.querySelector(".deck-fit").parentElement.getBoundingClientRect();
    found.push({
      rows: table.querySelectorAll("tbody tr").length,
      fill: table.getBoundingClientRect().height / box.height,
    });
  }
  return found;
}"""


def test_a_table_of_many_columns_fills_its_slides(page, member, live_server):
    """A browser walk saw such a table split six rows a slide, each slide half full: the
    split counted the rows as wrapped at full size, but deck.js shrinks the slide to fit
    the table's width, and the shrunk slide is wider, its rows wrapped less."""
    open_meeting_deck(page, member, live_server, body_zh=f"## 结果\n\n{MANY_COLUMNS}\n", body_en="")
    parts = page.evaluate(TABLE_FILL)
    assert sum(part["rows"] for part in parts) == 30
    assert page.evaluate(CONTAINED) == []
    # Shrunk to 0.6 or so, its rows of one line (r0) or two (r10 …): four slides, not
    # five each half full (0.35, 0.41, 0.54 …).
    assert len(parts) <= 4
    assert all(0.45 <= part["fill"] <= 1.01 for part in parts[:-1])
    page.evaluate("Reveal.slide(2)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-many-columns")


# The contrast ratio (WCAG 2) of each visible text of the deck's tools and slide number
# as drawn: its colour faded by its own and its ancestors' opacity over the ground it is
# drawn on (its ancestors' backgrounds laid over the white page, each by its alpha).
TOOLS_CONTRAST = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const found = [];
  const over = (c, ground, a) => c.map((v, i) => v * a + ground[i] * (1 - a));
  const tools = ".deck-tools, .deck-tools *, .reveal .slide-number, .reveal .slide-number *";
  for (const el of document.querySelectorAll(tools)) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility()) continue;
    let alpha = 1, ground = [255, 255, 255];
    const chain = [];
    for (let e = el; e; e = e.parentElement) {
      alpha *= Number(getComputedStyle(e).opacity);
      chain.unshift(e);
    }
    for (const e of chain) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      ground = over(c.slice(0, 3), ground, c.length === 3 ? 1 : c[3]);
    }
    const color = rgb(getComputedStyle(el).color);
    alpha *= color.length > 3 ? color[3] : 1;
    const drawn = over(color.slice(0, 3), ground, alpha);
    found.push([el.textContent.trim().slice(0, 24), Number(ratio(drawn, ground).toFixed(2))]);
  }
  return found;
}"""


def test_the_deck_tools_are_legible_and_hint_at_keys_where_there_is_a_keyboard(
    page, member, deck_meeting, live_server
):
    """The tools were drawn at 35 % opacity (1.6:1 to 2.3:1) and the slide number white
    on a grey of 55 % (3.9:1): faint on a projector."""
    open_deck(page, member, present_url(deck_meeting), live_server)

    texts = page.evaluate(TOOLS_CONTRAST)
    assert {text for text, _ratio in texts} >= {"← Back to the page", "Handout (PDF)", "1"}
    assert [(text, ratio) for text, ratio in texts if ratio < 4.5] == []
    assert page.locator(".deck-keys").is_visible()  # a mouse and, likely, a keyboard
    screenshot(page, "deck-tools")


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A page on a touch screen, held sideways (wider than the phones' layout's 700 px)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 844, "height": 390},
        has_touch=True,
        is_mobile=True,
        locale="en-US",
    )
    yield context.new_page()
    context.close()


def swipe(page, dx):
    """A finger drawn across the middle of the screen by dx pixels."""
    session = page.context.new_cdp_session(page)
    size = page.viewport_size
    x, y = size["width"] // 2, size["height"] // 2
    send = session.send
    send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        point = {"x": x + dx * step // 5, "y": y}
        send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def test_on_a_touch_screen_no_key_hints_and_a_swipe_or_tap_turns_the_slide(
    phone, member, deck_meeting, live_server
):
    """A phone held sideways is wider than the phone layout: it showed 'S: speaker view
    · O: overview · F: full screen', keys a touch screen does not have."""
    login(phone, member, next_url=present_url(deck_meeting))
    phone.wait_for_selector("#deck[data-ready=true]", state="attached")

    assert phone.locator(".deck-keys").is_hidden()
    assert phone.locator(".deck-back").is_visible()
    swipe(phone, -300)
    wait_until(phone, "Reveal.getIndices().h === 1")
    swipe(phone, 300)
    wait_until(phone, "Reveal.getIndices().h === 0")
    phone.locator(".reveal .controls .navigate-right").tap()
    wait_until(phone, "Reveal.getIndices().h === 1")
    screenshot(phone, "deck-touch")


POINT = "预训练语料的规模和质量决定了模型能力的上限。" * 14
POINTS = "\n".join(f"{n}. 第{n}点：{POINT}" for n in range(1, 5))
# Each slide's fill (its content's height over its box's) and the text its continued
# items begin with, as shown (an ellipsis before the rest of a point).
FILL = """() => {
  const found = [];
  for (let i = 0; i < Reveal.getTotalSlides(); i++) {
    Reveal.slide(i);
    const slide = Reveal.getCurrentSlide();
    const fit = slide.querySelector(".deck-fit");
    if (!fit) continue;
    const box = fit.parentElement.getBoundingClientRect();
    const resumes = slide.querySelector(".deck-resumes");
    found.push({
      fill: fit.getBoundingClientRect().height / box.height,
      resumes: resumes ? getComputedStyle(resumes, "::before").content : null,
    });
  }
  return found;
}"""


def test_paragraph_long_points_fill_their_slides_within_their_frames(page, member, live_server):
    """Each point, half a slide high, went to a slide of its own: four slides half empty.
    It goes on over the next slide, where it resumes after an ellipsis."""
    open_meeting_deck(page, member, live_server, body_zh=f"## 要点\n\n{POINTS}\n", body_en="")

    slides = page.evaluate(FILL)
    assert len(slides) == 3
    assert all(slide["fill"] >= 0.7 for slide in slides[:-1]), slides
    assert slides[1]["resumes"] == '"……"'
    page.evaluate("Reveal.slide(2)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, "deck-point-continued")
    assert page.evaluate(OVERFLOWING) == []


# A comparison of many columns of short Chinese terms, with one long column.
CHINESE_TERMS = [
    "不开源大模型",
    "指令微调",
    "人类反馈强化学习",
    "中文语料",
    "上下文学习",
    "思维链提示",
]
MANY_TERMS = "| 模型 | " + " | ".join(f"方面{n}" for n in range(len(CHINESE_TERMS))) + " | 说明 |\n"
MANY_TERMS += "|---" * (len(CHINESE_TERMS) + 2) + "|\n"
MANY_TERMS += "\n".join(
    f"| 模型{r} | "
    + " | ".join(CHINESE_TERMS)
    + " | 这一行说明模型在各个方面的表现，文字较长，可以换行。 |"
    for r in range(4)
)
# Each table cell of at most eight characters, Chinese among them, that takes more than
# a line.
BROKEN_CELLS = """() => Array.from(document.querySelectorAll(".slides .deck-fit :is(td, th)"))
  .filter((cell) => cell.textContent.trim().length <= 8)
  .filter((cell) => /[\\u4e00-\\u9fff]/.test(cell.textContent))
  .filter((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return tops.size > 1;
  })
  .map((cell) => cell.textContent.trim())"""


@pytest.mark.parametrize("query", ["", "?lang=both"])
def test_a_wide_tables_short_chinese_terms_stay_on_one_line(page, member, live_server, query):
    """In narrow columns, the browser broke Chinese terms between any two characters:
    '不开源大模型' over three lines of two, '人类反馈强化学习' a character or two a line."""
    english = MANY_TERMS.replace("模型", "Model ") if query else ""
    open_meeting_deck(page, member, live_server, f"## 对比\n\n{MANY_TERMS}\n", english, query)

    page.evaluate("Reveal.slide(1)")
    page.wait_for_timeout(600)  # the slide transition
    screenshot(page, f"deck-chinese-terms{query[6:] and '-both'}")
    assert page.evaluate(BROKEN_CELLS) == []
    assert page.evaluate(CONTAINED) == []
    assert page.evaluate(OVERFLOWING) == []


LONG_CODE = (
    "```python\ndef forward(model, hidden_states, mask, pos):\n"
    + "".join(
        f"    x_{n} = model.layers[{n}](hidden_states, attention_mask=mask, position_ids=pos)"
        f"  # layer {n} forward pass with a very long trailing comment\n"
        for n in range(55)
    )
    + "    return x_54\n```\n"
)

# Each slide's code: its lines as shown, the scale deck.js set it at, and whether any of
# it runs out of its slide's body (on screen or on the printed page).
CODE_PARTS = """() => Array.from(document.querySelectorAll(".slides section")).flatMap((slide) =>
  Array.from(slide.querySelectorAll(".deck-fit .highlight, .deck-fit pre:not(.highlight pre)"))
    .filter((code) => !code.closest(".deck-col[lang=en]"))
    .map((code) => {
      const body = code.closest(".deck-body").getBoundingClientRect();
      const fit = code.closest(".deck-fit");
      return {
        text: code.querySelector("code").textContent,
        scale: Number(fit.getAttribute("data-scale") || 1),
        out: code.getBoundingClientRect().bottom > body.bottom + 1,
      };
    }))"""


@pytest.mark.parametrize("query", ["", "?lang=both", "?print-pdf"])
def test_long_code_goes_on_over_slides_all_of_it_in_sight(page, member, live_server, query):
    """A code block of 57 lines was set whole on one slide, shrunk to the smallest scale and
    still 180 px past its foot: the rest never showed, on screen or in the handout."""
    open_meeting_deck(
        page,
        member,
        live_server,
        body_zh=f"## 长代码块\n\n{LONG_CODE}",
        body_en=f"## Long code\n\n{LONG_CODE}" if query == "?lang=both" else "",
        query=query,
    )
    if query == "?print-pdf":
        page.wait_for_selector("#deck[data-pdf-ready=true]", state="attached")
    else:
        assert page.evaluate(OVERFLOWING) == []
    parts = page.evaluate(CODE_PARTS)
    assert len(parts) > 2
    assert not any(part["out"] for part in parts)
    assert all(part["scale"] >= 0.7 for part in parts)  # legible, not shrunk to the least
    shown = "".join(part["text"] for part in parts)
    assert shown.splitlines() == LONG_CODE.splitlines()[1:-1]
    if not query:
        page.evaluate("Reveal.slide(2)")
        page.wait_for_timeout(600)  # the slide transition
        screenshot(page, "deck-long-code")
