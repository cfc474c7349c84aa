"""What a reader sees at a laptop's and a phone's width: side by side, tables, header."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.conftest import click_and_load, login, screenshot, wait_until
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    ReadingStatusFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDE_TABLE = "| " + " | ".join(f"Column {n}" for n in range(9)) + " |\n" + "|---" * 9 + "|\n"
WIDE_TABLE += "| " + " | ".join("开源大模型" for _ in range(9)) + " |\n"


def open_meeting(page, member, body_zh, body_en, translation):
    """Log the member in on a meeting page of their group with this bilingual write-up."""
    meeting = MeetingFactory(body_zh=body_zh, body_en=body_en, translation=translation)
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=meeting.get_absolute_url())


def test_side_by_side_pairs_sections_and_a_phone_shows_the_original(page, member):
    open_meeting(
        page,
        member,
        "## 背景\n\n" + "很长的中文段落。" * 60 + "\n\n## 方法\n\n方法的说明。",
        "## Background\n\nShort.\n\n## Method\n\nHow it works.",
        translation="en",
    )
    method_zh = page.locator(".side-zh h2", has_text="方法").bounding_box()
    method_en = page.locator(".side-en h2", has_text="Method").bounding_box()
    assert abs(method_zh["y"] - method_en["y"]) < 2  # each section beside its translation
    screenshot(page, "side-by-side-laptop")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator(".side-en h2", has_text="Method").is_hidden()
    assert page.locator(".side-zh h2", has_text="方法").is_visible()
    assert page.locator(".narrow-hint").is_visible()
    page.click(".reading-switch button[data-reading=en]")
    assert page.locator(".side-en h2", has_text="Method").is_visible()
    screenshot(page, "side-by-side-phone")


def test_a_phone_says_once_that_it_shows_the_originals(page, member):
    """The hint stands under the reading switch once, not under each translated block
    (the glossary has two hundred); at a laptop's width there is none."""
    for n in range(3):
        GlossaryTermFactory(
            body_zh=f"中文的定义{n}。", body_en=f"Definition {n}.", translation="en"
        )
    login(page, member, next_url=reverse("notes:glossary"))
    assert page.locator(".narrow-hint:visible").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator(".narrow-hint:visible").count() == 1
    assert page.locator(".side-en", has_text="Definition 1.").is_hidden()
    assert page.locator(".side-zh", has_text="中文的定义1。").is_visible()
    screenshot(page, "glossary-phone")


def test_a_phone_shows_two_originals_each_under_its_own_label(page, member):
    open_meeting(
        page,
        member,
        "## 背景\n\n中文的背景。\n\n## 方法\n\n中文的方法。",
        "## Background\n\nThe background.\n\n## Method\n\nThe method.",
        translation="",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    top = {
        name: page.locator(selector).first.bounding_box()["y"]
        for name, selector in {
            "zh label": ".bilingual .side-label.side-zh",
            "zh method": ".side-zh h2:has-text('方法')",
            "en label": ".bilingual .side-label.side-en",
            "en background": ".side-en h2:has-text('Background')",
        }.items()
    }
    # 中文, all of the Chinese, then ENGLISH, all of the English.
    assert top["zh label"] < top["zh method"] < top["en label"] < top["en background"]
    screenshot(page, "two-originals-phone")


def test_a_sections_heading_has_space_above_it(page, member):
    """Side by side or in one language, each section (a pair) opens with its heading,
    clear of the paragraph before it."""
    open_meeting(
        page,
        member,
        "## 背景\n\n背景的段落。\n\n## 方法\n\n方法的段落。",
        "## Background\n\nThe background.\n\n## Method\n\nThe method.",
        translation="en",
    )
    for side, heading, before in (
        ("zh", "方法", "背景的段落。"),
        ("en", "Method", "The background."),
    ):
        top = page.locator(f".side-{side} h2", has_text=heading).bounding_box()["y"]
        above = page.locator(f".side-{side} p", has_text=before).bounding_box()
        assert top - (above["y"] + above["height"]) > 16, side


@pytest.mark.parametrize(
    "query",
    [
        "https://github.com/hiyouga/LLaMA-Factory/blob/main/src/llamafactory/train/tuner.py",
        "x" * 300,
    ],
    ids=["an address", "a long word"],
)
def test_a_long_query_wraps_on_the_results_page(page, member, query):
    login(page, member, next_url=reverse("search:results") + "?q=" + query)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "search-long-query-phone")


def test_a_wide_table_says_it_scrolls_and_keeps_its_words_whole(page, member):
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh=WIDE_TABLE, body_en="")
    login(page, member, next_url=paper.get_absolute_url())
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    assert page.locator(".table-hint.is-shown").count() == 1
    # The hint is in the interface's language, whatever side's text it stands in.
    assert page.locator(".table-hint").first.get_attribute("lang") == "en"
    cell = page.locator(".markdown td").first.bounding_box()
    assert cell["height"] < 60  # "开源大模型" on one line, not one character a line
    screenshot(page, "wide-table-phone")


SHORT_TABLE = """| 模型 | 参数量 | 发布时间 | 备注 |
| --- | --- | --- | --- |
| GPT-3 | 175B | 2020 | 少样本学习 |
| LLaMA | 65B | 2023 | 开源 |
"""
LONG_HEADER = """| Model | Params | Year | Notes with a rather long header that should wrap |
| --- | --- | --- | --- |
| GPT-3 | 175B | 2020 | few-shot |
"""


@pytest.mark.parametrize(
    "body_zh, body_en, width",
    [(SHORT_TABLE, "", 390), (SHORT_TABLE, LONG_HEADER, 1366), ("", LONG_HEADER, 390)],
    ids=["short Chinese cells on a phone", "a long header side by side", "a long header"],
)
def test_a_table_that_can_fit_does_not_scroll(page, member, body_zh, body_en, width):
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh=body_zh, body_en=body_en)
    page.set_viewport_size({"width": width, "height": 844})
    login(page, member, next_url=paper.get_absolute_url())
    if body_zh and body_en:
        page.get_by_role("button", name="Side by side").click()
    page.wait_for_timeout(100)
    boxes = page.locator(".markdown .table-scroll")
    assert boxes.count() == (2 if body_zh and body_en else 1)
    assert page.locator(".table-hint.is-shown").count() == 0
    for box in boxes.all():
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    for cell in page.locator(".markdown td", has_text="少样本学习").all():
        assert cell.bounding_box()["height"] < 60  # the word on one line
    screenshot(page, "tables-that-fit")


# The headers of a table of the demo's notes (fixtures/41_notes_all_about_llm.yaml).
LONG_RUN_HEADERS = [
    "模型/Model",
    "词表大小/Vocab size",
    "说明/Note",
    "英文平均tokens量/Avg tokens (English )",
    "中文平均tokens量/Avg tokens (Chinesse )",
    "代码平均tokens量/Avg tokens (code)",
]
LONG_RUN = "这里是一段很长的备注文字用于测试表格在手机上的横向滚动和换行是否正确"
LONG_RUN_ROW = ["Aquila", "100008", LONG_RUN]
LONG_RUN_TABLE = "\n".join(
    "| " + " | ".join(cells) + " |"
    for cells in [LONG_RUN_HEADERS, ["---"] * 6, [*LONG_RUN_ROW, "1024", "1024", "1024"]]
)


# The English words of the cells that ``selector`` finds that are cut across two lines.
CUT_WORDS = """selector => [...document.querySelectorAll(selector)].flatMap(cell => {
    const cut = [], walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
        for (const m of node.data.matchAll(/[A-Za-z]+/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (tops.size > 1) cut.push(m[0]);
        }
    }
    return cut;
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_chinese_run_wraps_inside_its_cell(page, member, width):
    """A header or cell whose Chinese runs on with no space or punctuation ran past its
    column's border (a cell keeps its Chinese words whole, up to 22em wide): it breaks
    at the cell's edge where it must."""
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh=LONG_RUN_TABLE, body_en="")
    page.set_viewport_size({"width": width, "height": 844})
    login(page, member, next_url=paper.get_absolute_url())
    page.wait_for_timeout(100)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.markdown th, .markdown td')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.textContent)"""
    )
    assert overflowing == []
    # The other cells' words stay whole: a cell with no space nor slash on one line.
    assert page.evaluate(CUT_WORDS, ".markdown th, .markdown td") == []
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.markdown th, .markdown td')]
            .filter(cell => !cell.textContent.startsWith('这里是'))
            .map(cell => {
                const range = document.createRange();
                range.selectNodeContents(cell);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return [cell.textContent, tops.size];
            })"""
    )
    assert [text for text, count in lines if count > 1 and not {" ", "/"} & set(text)] == []
    screenshot(page, f"long-chinese-run-{width}")


def test_side_by_side_a_bilingual_header_breaks_after_its_slash(page, member):
    """Side by side a header is at most 12em wide and keeps its Chinese words whole:
    "英文平均tokens量/Avg tokens (English )" broke inside "Avg". It breaks after the
    slash between the two languages, and no English word of a header is cut."""
    english = LONG_RUN_TABLE.replace("这里是", "A long remark: ")
    open_meeting(page, member, LONG_RUN_TABLE, english, translation="en")
    page.wait_for_timeout(100)
    # A write-up without headings (no contents beside it) takes the page's width: it
    # stood in the contents' 15rem column, its table a sliver.
    sides = page.evaluate(
        "() => [...document.querySelectorAll('.bilingual .pair:not(.side-labels) .side')]"
        ".map(side => side.getBoundingClientRect().width)"
    )
    assert len(sides) == 2 and min(sides) > 400
    assert page.evaluate(CUT_WORDS, ".side-zh .markdown th") == []
    screenshot(page, "side-by-side-bilingual-headers")


def open_header(page, member, language, width, height):
    """Log the member in with the interface in ``language``, at this size."""
    login(page, member)
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_header_is_one_row_at_a_laptops_width(page, member, language):
    open_header(page, member, language, 1440, 900)
    brand = page.locator(".brand").bounding_box()
    logout = page.locator(".header-tools .link-button").bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (logout["y"] + logout["height"] / 2)) < 12
    box = page.locator(".search-box input").bounding_box()
    assert box["width"] > 180  # the placeholder is not cut to a word


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_search_box_has_a_phones_row_to_itself(page, member, language):
    """In English it shared the row with the language switch: "Search the libr"."""
    open_header(page, member, language, 390, 844)
    field = page.locator(".search-box input")
    placeholder = field.evaluate(
        """(input) => {
          const style = getComputedStyle(input, "::placeholder");
          const context = document.createElement("canvas").getContext("2d");
          context.font = `${style.fontSize} ${style.fontFamily}`;
          return context.measureText(input.placeholder).width;
        }"""
    )
    room = field.evaluate(
        "(input) => input.clientWidth - parseFloat(getComputedStyle(input).paddingLeft)"
        " - parseFloat(getComputedStyle(input).paddingRight)"
    )
    assert placeholder <= room, (placeholder, room)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_note_page_keeps_delete_beside_edit(page, member):
    note = NoteFactory(author=member, visibility="everyone")
    login(page, member, next_url=note.get_absolute_url())
    edit = page.locator(".links a", has_text="Edit").bounding_box()
    delete = page.locator(".links button", has_text="Delete").bounding_box()
    assert abs(edit["y"] - delete["y"]) < 4


def test_the_deck_on_an_upright_phone_keeps_its_tools_on_one_row(page, member):
    meeting = MeetingFactory(body_zh="## 一\n\n文字", body_en="## One\n\nText")
    MembershipFactory(group=meeting.group, user=member)
    login(page, member)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/groups/{meeting.group.slug}/meetings/{meeting.number}/present/")
    page.wait_for_selector("#deck[data-ready=true]")
    assert page.locator("html.deck-upright").count() == 1  # the frame turned upright
    assert page.locator(".deck-keys").is_hidden()
    tools = page.locator(".deck-tools").bounding_box()
    assert tools["height"] < 40
    # Above the slide, not over it.
    assert (
        tools["y"] + tools["height"] <= page.locator(".slides section.present").bounding_box()["y"]
    )
    page.set_viewport_size({"width": 844, "height": 390})
    wait_until(page, "!document.documentElement.classList.contains('deck-upright')")


def test_the_meetings_contents_fold_on_a_phone_and_stay_open_on_a_laptop(page, member):
    meeting = MeetingFactory(body_zh="".join(f"## 第{n}节\n\n文字。\n\n" for n in range(30)))
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=meeting.get_absolute_url())
    assert page.locator(".toc-one a").first.is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator(".toc-one a").first.is_hidden()
    page.click(".toc-fold summary")
    assert page.locator(".toc-one a").first.is_visible()


@pytest.mark.parametrize("width", [1280, 390], ids=["laptop", "phone"])
def test_deeply_nested_quotes_and_lists_keep_room_for_their_words(page, member, width):
    """Twenty quotes one inside another (a text may nest 32 levels) added up each level's
    padding on both sides: the innermost words stood one letter a line."""
    quotes = "".join("> " * level + "\n" for level in range(1, 21)) + "> " * 20 + "deep words"
    outline = "\n".join("  " * level + f"- level {level}" for level in range(24))
    note = NoteFactory(author=member, body_zh="", body_en=f"{quotes}\n\n{outline}\n")
    login(page, member, next_url=note.get_absolute_url())
    page.set_viewport_size({"width": width, "height": 900})
    text = page.locator(".markdown p", has_text="deep words").bounding_box()
    column = page.locator(".markdown").first.bounding_box()
    assert text["width"] > 0.5 * column["width"]
    assert text["height"] < 40  # one line
    innermost = page.locator(".markdown li", has_text="level 23").last.bounding_box()
    assert innermost["x"] + 80 < column["x"] + column["width"]  # its words, not one a line
    screenshot(page, f"deep-nesting-{width}")


def test_dataset_descriptions_are_not_crushed_by_long_names(page, member):
    for n in range(3):
        DatasetFactory(
            name=f"LLaMA pre-training data {n} (publicly available datasets, the full list)",
            kind="pretraining",
            size="20G (Plus version: 120G, then the full corpus of 3T tokens)",
            languages="zh, en, multilingual",
            organization=OrganizationFactory(name=f"BigScience Workshop and partners {n}"),
            description_en="A corpus listed under commonly used corpora in the write-up. " * 3,
        )
    login(page, member, next_url=reverse("papers:dataset_list"))
    page.set_viewport_size({"width": 1280, "height": 900})
    table = page.locator(".dataset-table").first.bounding_box()
    description = page.locator(".dataset-table td.description").first.bounding_box()
    assert description["width"] > 0.35 * table["width"]
    screenshot(page, "datasets-laptop")
    page.set_viewport_size({"width": 390, "height": 844})  # a card per dataset
    card = page.locator(".dataset-table tr").nth(1).bounding_box()
    description = page.locator(".dataset-table td.description").first.bounding_box()
    assert description["width"] > 0.9 * (card["width"] - 30)  # the card's width, padding aside
    screenshot(page, "datasets-phone")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_wide_table_in_the_editors_preview_scrolls_in_its_column(page, member, width):
    note = NoteFactory(author=member, body_zh="正文", body_en="Body")
    login(page, member, next_url=reverse("notes:note_edit", args=[note.slug]))
    page.set_viewport_size({"width": width, "height": 900})
    long_word = "Supercalifragilisticexpialidocious" * 2
    page.fill("#id_body_zh", WIDE_TABLE.replace("开源大模型", long_word))
    page.click("[data-preview-button]")
    page.wait_for_selector(".preview .table-scroll table")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(".preview .table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # it scrolls sideways instead
    screenshot(page, f"editor-preview-wide-table-{width}")


def test_the_editors_preview_says_so_when_it_cannot_be_made(page, member):
    """A session ended in another tab: the preview's request gets the login page, not
    JSON. The writer is told, and the text stays in the editor."""
    note = NoteFactory(author=member, body_zh="正文", body_en="Body")
    login(page, member, next_url=reverse("notes:note_edit", args=[note.slug]))
    page.fill("#id_body_en", "Still here: $x^2$")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # logged out elsewhere
    page.click("[data-preview-button]")

    failed = page.locator(".preview[data-preview-for=id_body_en] .preview-failed")
    failed.wait_for(timeout=5000)
    assert "logged out" in failed.inner_text()
    assert page.input_value("#id_body_en") == "Still here: $x^2$"


def test_side_by_side_contents_follow_the_interface_language(page, member):
    # Two headings a side: one alone is no contents (Writing.contents).
    zh = "## 会前阅读\n\n文字\n\n## 讨论\n\n文字"
    en = "## Before the meeting\n\nText\n\n## Talk\n\nText"
    meeting = MeetingFactory(body_zh=zh, body_en=en)
    only_chinese = MeetingFactory(group=meeting.group, body_zh=zh, body_en="")
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=meeting.get_absolute_url())
    page.wait_for_selector("html[lang=en]")  # the browser asks for English
    assert page.locator(".toc-en a", has_text="Before the meeting").is_visible()
    assert page.locator(".toc-zh a").first.is_hidden()
    page.goto(only_chinese.get_absolute_url())
    assert page.locator(".toc-one a", has_text="会前阅读").is_visible()  # nothing else to show
    page.goto(meeting.get_absolute_url())
    click_and_load(page, "form.language-switch button")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(".toc-zh a", has_text="会前阅读").is_visible()
    assert page.locator(".toc-en a").first.is_hidden()


def test_a_side_with_too_few_headings_read_alone_has_no_empty_contents(page, member):
    """Chinese of one heading beside English of three: read in Chinese, an empty
    "Contents" box narrowed the text; side by side, the English list stands for both (a
    review)."""
    open_meeting(
        page,
        member,
        "## 背景\n\n文字",
        "## Background\n\nText\n\n## Method\n\nText\n\n## Results\n\nText",
        translation="",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    writeup = page.locator(".writeup")
    page.click(".reading-switch button[data-reading=zh]")
    wait_until(page, "document.querySelector('.toc').offsetParent === null")
    assert writeup.bounding_box()["width"] > 1000  # the page's width, no column beside it
    page.click(".reading-switch button[data-reading=en]")
    assert page.locator(".toc-en a", has_text="Results").is_visible()
    assert writeup.bounding_box()["width"] < 1000
    page.click(".reading-switch button[data-reading=both]")
    assert page.locator(".toc-en a", has_text="Results").is_visible()


def test_the_admin_paper_list_fits_beside_its_filters_on_a_laptop(page, admin_user):
    for n in range(3):
        paper = PaperFactory(
            title_en=f"Self-Play Fine-Tuning Converts Weak Language Models to Strong Ones {n}",
            title_zh=f"SPIN:自我博弈微调将弱语言模型转化为强语言模型 {n}",
        )
        paper.tags.add("Retrieval augmentation", "Self-training")
    login(page, admin_user, password="password", next_url="/admin/papers/paper/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    table = page.locator("#result_list").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert table["x"] + table["width"] <= filters["x"] + 1  # no column under the filters
    title = page.locator("#result_list tbody th").first.bounding_box()
    assert title["height"] < 5 * 20  # a title on a few lines, not eight
    screenshot(page, "admin-paper-list-laptop")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_note_and_meeting_lists_show_every_column_on_a_laptop(page, admin_user, language):
    """A foreign key's column (a note's paper, a meeting's presented paper) wraps:
    Django keeps it on one line, and the last columns lay under the filters."""
    paper = PaperFactory(
        title_en="Q-Transformer: Scalable Offline Reinforcement Learning via "
        "Autoregressive Q-Functions"
    )
    NoteFactory(paper=paper, title_zh="Q-Transformer: 通过自回归 Q 函数实现可扩展的离线强化学习")
    MeetingFactory(paper=paper)
    login(page, admin_user, password="password", next_url="/admin/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    for path, label in [("/admin/notes/note/", "note"), ("/admin/notes/meeting/", "meeting")]:
        page.goto(path)
        table = page.locator("#result_list").bounding_box()
        filters = page.locator("#changelist-filter").bounding_box()
        assert table["x"] + table["width"] <= filters["x"] + 1, (label, language)
        headings = [
            text.strip() for text in page.locator("#result_list thead th").all_inner_texts()
        ]
        if label == "note":  # a bilingual name's column is headed by its label
            assert ("TITLE" if language == "en" else "标题") in headings, headings
        screenshot(page, f"admin-{label}-list-laptop-{language}")


@pytest.mark.parametrize("width", [1366, 390], ids=["laptop", "phone"])
def test_a_long_organisation_name_stays_in_its_chip_on_the_paper_form(page, admin_user, width):
    paper = PaperFactory()
    paper.organizations.add(OrganizationFactory(name="Renmin University of China (中国人民大学)"))
    login(page, admin_user, password="password", next_url="/admin/")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("admin:papers_paper_change", args=[paper.pk]))
    chip = page.locator(".field-organizations .select2-selection__choice")
    box = page.locator(".field-organizations .select2-selection").bounding_box()
    assert chip.evaluate("c => c.scrollWidth <= c.clientWidth")  # its name is not cut
    chip_box = chip.bounding_box()
    assert chip_box["x"] + chip_box["width"] <= box["x"] + box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"admin-paper-organisations-{width}")


@pytest.mark.parametrize(
    ("width", "language", "shown"),
    [(390, "zh-hans", "⇆ 表格较宽，可左右滑动查看"), (1280, "en", "")],
    ids=["phone", "laptop"],
)
def test_the_admins_wide_inline_table_says_it_scrolls(page, admin_user, width, language, shown):
    """A group's members on a phone: the role column lay beyond the box's edge, which
    scrolls sideways with no word of it."""
    group = ReadingGroupFactory()
    MembershipFactory(group=group, user=admin_user, role="organiser")
    login(page, admin_user, password="password", next_url="/admin/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("admin:notes_readinggroup_change", args=[group.pk]))
    hints = page.locator(".table-hint.is-shown")
    if shown:
        assert hints.all_inner_texts() == [shown]
        box = page.locator("#memberships-group")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll
        screenshot(page, "admin-inline-hint-phone")
    else:
        assert hints.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("width", "language", "shown"),
    [(390, "zh-hans", "⇆ 表格较宽，可左右滑动查看"), (1280, "en", "")],
    ids=["phone", "laptop"],
)
def test_the_admins_change_list_says_it_scrolls(page, admin_user, width, language, shown):
    """A change list on a phone: the papers' year, venue, source and topics lay beyond
    the list's edge, which scrolls sideways with no word of it (a browser walk)."""
    PaperFactory(title_en="A paper of the list")
    login(page, admin_user, password="password", next_url="/admin/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("admin:papers_paper_changelist"))
    hints = page.locator("#changelist .table-hint.is-shown")
    if shown:
        assert hints.all_inner_texts() == [shown]
        box = page.locator("#changelist .results")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll
        # The titles keep a few words a line, not one word each (the link column, and a
        # title in a cell of its own), and the other columns a word.
        title = page.locator("#result_list tbody th a").first
        assert title.evaluate("a => a.getClientRects().length") <= 2
        widths = page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll(
                '#result_list tbody tr:first-child td:not(.action-checkbox)')]
                .map(td => [td.className, td.getBoundingClientRect().width]))"""
        )
        assert widths["field-title_zh"] >= 9 * 13 and min(widths.values()) >= 4 * 13
        screenshot(page, "admin-changelist-hint-phone")
    else:
        assert hints.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_link_the_sanitiser_emptied_reads_as_text(page, member):
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh="[点我](javascript:alert(1)) 和 [论文](/papers/)", body_en="")
    login(page, member, next_url=paper.get_absolute_url())
    emptied = page.locator(".markdown a:not([href])", has_text="点我")
    link = page.locator(".markdown a[href]", has_text="论文")
    text_color = emptied.evaluate("el => getComputedStyle(el.parentElement).color")
    assert emptied.evaluate("el => getComputedStyle(el).color") == text_color
    assert "none" in emptied.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert link.evaluate("el => getComputedStyle(el).color") != text_color


def test_a_full_stop_after_a_formula_stays_on_its_line(page, member):
    """Wherever a line ends, the 。 after an inline formula is not the next line's start."""
    paper = PaperFactory()
    formula = "$\\alpha_i = \\frac{a}{b}$"
    body = "\n\n".join(f"{'测' * n}公式 {formula}。后文" for n in range(10, 90))
    NoteFactory(paper=paper, body_zh=body, body_en="")
    login(page, member, next_url=paper.get_absolute_url())
    page.wait_for_selector(".markdown .katex", state="attached")
    apart = page.evaluate(
        """() => [...document.querySelectorAll(".markdown .katex")].filter((math) => {
          const after = math.closest(".arithmatex").nextSibling
            || math.closest(".arithmatex").parentElement.nextSibling;
          const range = document.createRange();
          range.setStart(after, 0);
          range.setEnd(after, 1);
          const stop = range.getBoundingClientRect();
          const end = math.getBoundingClientRect();
          return stop.top >= end.bottom - 2;  // the stop below the formula: a new line
        }).length"""
    )
    assert page.locator(".markdown .katex").count() == 80
    assert apart == 0


def test_a_reading_lists_papers_fit_its_admin_form_on_a_laptop(page, admin_user):
    """Django's ten-line comment boxes made the table 2 400 px wide: the English comment
    and the delete box were out of sight at 1366 px."""
    from notes.models import ReadingListItem

    reading_list = ReadingListFactory()
    for n in range(3):
        paper = PaperFactory(title_en=f"A Survey of Large Language Models, part {n}")
        ReadingListItem.objects.create(reading_list=reading_list, paper=paper, position=n)
    login(page, admin_user, password="password", next_url="/admin/")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("admin:notes_readinglist_change", args=[reading_list.pk]))
    table = page.locator(".inline-group .tabular table")
    assert table.count() == 1
    box = page.locator(".inline-group").bounding_box()
    assert table.bounding_box()["width"] <= box["width"] + 1
    delete = page.locator(".inline-group .tabular td.delete").first.bounding_box()
    assert delete["x"] + delete["width"] <= 1366
    screenshot(page, "admin-reading-list-items-laptop")


# Elements whose own text names arXiv and that the page writes in capitals.
ARXIV_IN_CAPITALS = """() => [...document.querySelectorAll("body *")]
  .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && /arxiv/i.test(n.data)))
  .filter((el) => getComputedStyle(el).textTransform === "uppercase")
  .map((el) => el.textContent.trim())"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_writes_arxiv_with_its_small_a(page, admin_user, language):
    """Django's admin writes column headings and buttons in capitals: "ARXIV 编号"."""
    PaperFactory(arxiv_id="2303.18223")
    login(page, admin_user, password="password", next_url="/admin/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto(reverse("admin:papers_harvest_changelist"))  # its add button
    assert page.evaluate(ARXIV_IN_CAPITALS) == []
    page.goto(reverse("admin:papers_paper_changelist"))
    assert page.evaluate(ARXIV_IN_CAPITALS) == []
    heading = page.locator("#result_list thead th.column-arxiv_id").inner_text().strip()
    assert heading == ("arXiv ID" if language == "en" else "arXiv 编号")
    screenshot(page, f"admin-paper-list-arxiv-{language}")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_history_pages_show_a_version_a_block_on_a_phone(page, admin_user, language):
    """Django kept the date's column 16em wide at 390 px and broke the other cells inside
    their words: a change message a word a line, a change reason a letter a line."""
    from django.contrib.admin.models import CHANGE, LogEntry

    paper = PaperFactory(title_en="Self-Play Fine-Tuning Converts Weak Language Models to Strong")
    paper.remarks = "The arXiv record and the NeurIPS version disagree on the affiliations."
    paper.venue = "ICML 2024"
    paper.save()
    dataset = DatasetFactory(name="ALFRED")
    LogEntry.objects.log_actions(
        admin_user.pk,
        [dataset],
        CHANGE,
        change_message=[{"changed": {"fields": ["Description (English)", "Size"]}}],
        single_object=True,
    )
    login(page, admin_user, password="password", next_url="/admin/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    pages = {
        "versions": reverse("admin:papers_paper_history", args=[paper.pk]),
        "log": reverse("admin:papers_dataset_history", args=[dataset.pk]),
    }
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            body = page.locator("#change-history tbody")
            display = body.evaluate("el => getComputedStyle(el).display")
            if width == 1366:
                assert display == "table-row-group", name  # a table on a laptop
                continue
            assert display == "block", name
            rows = body.locator(":scope > tr")
            assert rows.count() >= 1, name
            for row in range(rows.count()):
                # What changed takes the row's whole width, not a column's share.
                last = rows.nth(row).locator(":scope > :is(th, td)").last.bounding_box()
                assert last["width"] >= 300, (name, row, last)
            screenshot(page, f"admin-history-{name}-phone-{language}")
    # The phone shows what each of simple-history's cells is (its table's head is hidden).
    page.goto(pages["versions"])
    changed_by = page.locator("#change-history tbody tr td").nth(3)
    label = changed_by.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == ('"Changed by: "' if language == "en" else '"修改人："'), label


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_glossarys_reading_switch_lays_out_on_a_phone(page, member, language):
    """ "Show notes in" stays on one line, its three choices together on one row: beside
    it at a phone's width, below it where even that is too narrow."""
    GlossaryTermFactory(body_zh="中文的定义。", body_en="Definition.")
    login(page, member, next_url=reverse("notes:glossary"))
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")

    def boxes():
        label = page.locator(".reading-switch .reading-label")
        chips = page.locator(".reading-switch button[data-reading]")
        return label.bounding_box(), [chips.nth(n).bounding_box() for n in range(chips.count())]

    for width, beside in ((390, True), (300, language != "en")):
        page.set_viewport_size({"width": width, "height": 844})
        label, chips = boxes()
        line = float(page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.reading-label')).lineHeight)"
        ))  # fmt: skip
        assert label["height"] <= line + 1  # one line, not "Show notes / in"
        assert len({round(chip["y"]) for chip in chips}) == 1  # the choices on one row
        if beside:
            assert (
                abs((label["y"] + label["height"] / 2) - (chips[0]["y"] + chips[0]["height"] / 2))
                < 2
            )
        else:
            assert chips[0]["y"] >= label["y"] + label["height"]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    screenshot(page, f"glossary-reading-switch-{language}-300")


def test_a_glossary_term_a_link_leads_to_starts_below_the_sticky_header(page, member):
    """/glossary/#lora put the term's heading under the sticky header (a browser walk)."""
    GlossaryTermFactory(slug="lora", title_en="Low-Rank Adaptation", body_en="LoRA.")
    for n in range(12):  # after it: room to scroll it to the top
        GlossaryTermFactory(slug=f"term-{n:02d}", title_en=f"Term {n:02d}", body_en="Text. " * 80)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, member, next_url="/glossary/")
    page.goto("/glossary/#lora")
    page.wait_for_timeout(300)
    header = page.locator(".site-header").bounding_box()
    term = page.locator("dt#lora").bounding_box()
    assert page.evaluate("window.scrollY") > 0
    assert term["y"] >= header["y"] + header["height"], (term, header)


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("zh-hans", 390)])
def test_since_when_a_status_holds_is_as_small_as_its_buttons_and_on_one_line(
    page, member, language, width
):
    """The "since 2026-12-05" beside the status buttons was the page's size, not theirs, and
    broke before its last word (自 2026-12-05 / 起) at a phone's width."""
    paper = PaperFactory(title_en="ReAct: Synergizing Reasoning and Acting in Language Models")
    ReadingStatusFactory(user=member, paper=paper, status="to_read")
    login(page, member, next_url=paper.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": width, "height": 900})
    since = page.locator(".my-status .status-since")
    button = page.locator(".my-status .status-button").first
    size = since.evaluate("el => getComputedStyle(el).fontSize")
    assert size == button.evaluate("el => getComputedStyle(el).fontSize")
    line = float(since.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    assert since.bounding_box()["height"] <= line + 1  # one line


def test_a_phones_hint_stands_clear_of_the_meetings_contents(page, member):
    """At a phone's width the hint under the reading switch ("Side by side needs a wider
    screen …") sat on the meeting's folded "Contents" heading, with no space between."""
    open_meeting(
        page,
        member,
        "## 背景\n\n背景的段落。\n\n## 方法\n\n方法的段落。",
        "## Background\n\nThe background.\n\n## Method\n\nThe method.",
        translation="en",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    hint = page.locator(".narrow-hint").bounding_box()
    contents = page.locator(".toc-fold summary h2").bounding_box()
    assert contents["y"] - (hint["y"] + hint["height"]) >= 12, (hint, contents)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_long_citation_key_stays_on_a_phones_page(page, member, language):
    """The "Cite" box opened on a phone widened the page to 427 px: the citation key is
    one long word."""
    paper = PaperFactory(
        title_en="Crosslingual Generalization through Multitask Finetuning",
        authors="Niklas Muennighoff, Thomas Wang",
        year=2022,
    )
    assert len(paper.citation_key) > 40
    login(page, member, next_url=paper.get_absolute_url())
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click(".cite summary")
    assert page.locator(".cite .meta code").is_visible()
    screenshot(page, f"cite-box-{language}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


WIDE_FORMULA = (
    "$$N_c \\sim 8.8 \\times 10^{13}, \\quad D_c \\sim 5.4 \\times 10^{13}, \\quad "
    "L(N, D) = \\left[\\left(\\frac{N_c}{N}\\right)^{\\alpha_N / \\alpha_D} "
    "+ \\frac{D_c}{D}\\right]^{\\alpha_D}$$"
)


def test_a_wide_formula_on_a_phone_fades_where_it_goes_on(page, member):
    """A display formula wider than a phone scrolled in its box, cut off at the edge with
    no sign of more (a table says so). It fades at the right while there is more, on the
    page and in the editor's preview."""
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh=f"缩放定律：\n\n{WIDE_FORMULA}\n\n后文。", body_en="")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, member, next_url=paper.get_absolute_url())
    formula = page.locator(".markdown .katex-display").first
    formula.wait_for()
    assert formula.evaluate("el => el.scrollWidth > el.clientWidth")
    assert "is-scrollable" in formula.get_attribute("class")
    assert "at-end" not in formula.get_attribute("class")
    assert "linear-gradient" in formula.evaluate("el => getComputedStyle(el).maskImage")
    screenshot(page, "wide-formula-390")
    formula.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    wait_until(
        page,
        "() => document.querySelector('.markdown .katex-display').classList.contains('at-end')",
    )
    assert formula.evaluate("el => getComputedStyle(el).maskImage") == "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(reverse("notes:note_create"))
    page.fill("#id_body_zh", WIDE_FORMULA)
    page.click("[data-preview-button]")
    preview = page.locator(".markdown .katex-display").first
    preview.wait_for()
    wait_until(
        page,
        "() => document.querySelector('.markdown .katex-display')"
        ".classList.contains('is-scrollable')",
    )


PREVIEWED_ZH = """# 测试笔记

思维链提示：行内公式 $E=mc^2$ 与块公式

$$
\\frac{a}{b} = \\sum_{i=1}^{n} x_i
$$

| 模型 | 参数量 | 说明 |
| --- | --- | --- |
| LLaMA | 7B | 开放权重的基座模型，很长很长很长很长很长很长很长很长的说明文字 |

> [!info] 提示
> 这是提示框。
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editors_preview_comes_into_sight(page, member, width):
    """The previews are drawn under their texts, above the button: with a preview shown,
    a member who went down to the button and asked again was left at the end of the
    previews, their beginning above the screen. The first written text's preview is
    brought into sight, its top below the sticky header."""
    login(page, member, next_url=reverse("notes:note_create"))
    page.set_viewport_size({"width": width, "height": 800})
    page.fill("#id_title_zh", "测试笔记")
    page.fill("#id_body_zh", PREVIEWED_ZH + "\n\n很长的中文段落。" * 40)
    page.fill("#id_body_en", "# Test note\n\nInline $x^2$ and display:\n\n$$\\int_0^1 f(x)\\,dx$$")
    preview = page.get_by_role("button", name="Preview")
    preview.click()
    page.wait_for_selector(".preview[data-preview-for=id_body_zh] .katex")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    preview.click()
    wait_until(
        page,
        """() => {
          const top = document.querySelector(".preview[data-preview-for=id_body_zh]")
            .getBoundingClientRect().top;
          const header = document.querySelector(".site-header").getBoundingClientRect().bottom;
          return top >= header && top < window.innerHeight - 40;
        }""",
        timeout=5000,
    )
    screenshot(page, f"editor-preview-in-sight-{width}")


def test_an_empty_reading_list_says_so_without_a_number(page, member):
    """A browser walk read "1. 这个清单还是空的。" on a list with no papers."""
    reading_list = ReadingListFactory()
    login(page, member, next_url=reading_list.get_absolute_url())
    empty = page.locator(".reading-list > li.empty")
    assert empty.evaluate("el => getComputedStyle(el).listStyleType") == "none"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_title_of_one_long_word_wraps_instead_of_widening_the_pages(page, member, width):
    """A note titled with one word of 300 letters (or a pasted address) made the home
    page, "My notes", the note's own page and its group's page 2 100 px wide: every
    panel stretched under the sidebar."""
    group = MembershipFactory(user=member).group
    word = "Supercalifragilisticexpialidocious" * 8  # 272 letters (a title holds 300)
    note = NoteFactory(author=member, group=group, title_en=word, title_zh="")
    page.set_viewport_size({"width": width, "height": 800})
    login(page, member)
    for url in ("/", reverse("notes:my_notes"), note.get_absolute_url(), group.get_absolute_url()):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    screenshot(page, f"long-title-group-{width}")
