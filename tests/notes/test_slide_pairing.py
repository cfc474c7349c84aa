"""Side by side, the two columns of a section stay level even where the translation
does not have the same blocks as the original (a translator's note, a footnote): a
list or table is split after the same item or row in both columns, and no slide has
one column empty while the other goes on with the section.

The meeting 1 deck had one: the English write-up opens with a translator's note, so
its section did not pair block for block, each column was paginated alone, and the
English list's fourth item went to a slide of its own beside an empty Chinese column.
"""

from functools import cache

import yaml
from django.conf import settings
from django.template.loader import render_to_string

from core.markdown import render
from notes.slides import build_side_by_side, parse
from notes.slides.build import (
    PAIRED_LINES,
    PAIRED_WIDTH_EM,
    _body_of,
    _sections_for_pairing,
    paired_pages,
    sections,
)
from notes.slides.tree import text_of

FILLER_ZH = "这一段文字只是为了把幻灯片填满而写的说明。"
FILLER_EN = "This paragraph is only here to fill the slide, and it is a little longer."
NOTE_EN = "> [!note] English translation of the Chinese write-up.\n\n"


def blocks_of(body):
    return [node for node in parse(body) if node.tag is not None]


def items(body):
    """The texts of a column's list items, top-level ones only."""
    return [
        text_of(li).strip()
        for block in blocks_of(body)
        if block.tag in ("ul", "ol")
        for li in block.elements
    ]


def is_footnotes(body):
    blocks = blocks_of(body)
    return len(blocks) == 1 and blocks[0].has_class("footnote")


def assert_level(slides):
    """Every slide shows as many items of the list in one column as in the other, and
    no slide has one column empty."""
    for number, slide in enumerate(slides, start=1):
        where = f"slide {number} of {len(slides)}"
        assert bool(blocks_of(slide.body)) == bool(blocks_of(slide.body_en)), where
        assert len(items(slide.body)) == len(items(slide.body_en)), where


def list_of(count, zh=True):
    if zh:
        return "".join(
            f"- 第{n}条：{'在原数据集的基础上进行了采样和规则筛选' * 2}\n" for n in range(count)
        )
    return "".join(
        f"- Item {n}: {'sampled from the original data set and filtered by rules ' * 2}\n"
        for n in range(count)
    )


def fillers(count, text):
    return "".join(f"{text} {n}\n\n" for n in range(count))


def test_a_note_on_one_side_only_leaves_the_lists_after_it_level():
    # The English side opens with a translator's note the Chinese side does not have.
    for count in range(12):
        zh = render(f"## 背景\n\n{fillers(count, FILLER_ZH)}文章基本信息如下\n\n{list_of(4)}")
        en = render(
            f"## Background\n\n{NOTE_EN}{fillers(count, FILLER_EN)}"
            f"Basic information about the paper:\n\n{list_of(4, zh=False)}"
        )
        slides = build_side_by_side(zh, en)

        assert all(slide.paired for slide in slides)
        assert_level(slides)


def test_a_label_on_either_side_keeps_the_pair_with_its_list():
    """ "文章基本信息如下" has no colon, "Basic information about the paper:" beside it
    has: the pair still goes on with the lists it introduces."""
    for count in range(12):
        zh = render(f"## 背景\n\n{fillers(count, FILLER_ZH)}文章基本信息如下\n\n{list_of(4)}")
        en = render(
            f"## Background\n\n{fillers(count, FILLER_EN)}"
            f"Basic information about the paper:\n\n{list_of(4, zh=False)}"
        )
        slides = build_side_by_side(zh, en)

        for slide in slides:
            zh_blocks, en_blocks = blocks_of(slide.body), blocks_of(slide.body_en)
            assert text_of(zh_blocks[-1]).strip() != "文章基本信息如下"
            assert text_of(en_blocks[-1]).strip() != "Basic information about the paper:"


def test_a_block_on_one_side_only_in_the_middle_of_a_section():
    for count in range(12):
        zh = render(f"## 背景\n\n{fillers(count, FILLER_ZH)}{list_of(8)}")
        en = render(
            f"## Background\n\n{fillers(count, FILLER_EN)}"
            f"> A translator's remark on the list below, which is not in the original.\n\n"
            f"{list_of(8, zh=False)}"
        )
        slides = build_side_by_side(zh, en)

        assert_level(slides)


def test_lists_of_different_lengths_leave_no_column_empty():
    # The translation has one item more: the lists cannot be split item for item, so
    # each goes by itself, but the shorter is spread over as many slides as the longer.
    zh_list = "".join(f"- 第{n}条\n" for n in range(16))
    en_list = "".join(
        f"- Item {n}: sampled from the original data set and filtered by rules\n" for n in range(17)
    )
    pages = paired_pages(
        sections(render(f"## 数据\n\n{zh_list}"))[0].blocks,
        sections(render(f"## Data\n\n{en_list}"))[0].blocks,
    )

    assert len(pages) > 2
    assert all(len(bands) == 1 and bands[0].zh and bands[0].en for bands in pages)


# --- The demo meeting the defect was found in -----------------------------------------


@cache
def meeting_texts():
    path = settings.BASE_DIR / "fixtures" / "31_meeting.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = next(r["fields"] for r in records if r["model"] == "notes.meeting")
    return render(fields["body_zh"]), render(fields["body_en"])


@cache
def meeting_deck():
    return build_side_by_side(*meeting_texts())


def test_meeting_1_keeps_the_papers_details_level():
    """The paper's details (four items) were on one slide in Chinese, and three of them
    in English with the fourth alone on the next slide beside an empty column."""
    slides = meeting_deck()
    opening = slides[: next(n for n, slide in enumerate(slides) if slide.title)]
    assert opening and all(slide.paired for slide in opening)

    assert_level(opening)
    details = next(slide for slide in opening if "发表机构" in slide.body)
    assert "Institution: Renmin University of China" in details.body_en
    assert "文章基本信息如下" in details.body
    assert "Basic information about the paper:" in details.body_en


def test_no_slide_of_meeting_1_has_a_column_empty_but_for_footnotes():
    """A slide may show the translator's footnotes beside nothing, at the end of a
    section (the Chinese text has none): never a column empty mid-section."""
    for number, slide in enumerate(meeting_deck(), start=1):
        if slide.divider:
            continue
        zh, en = blocks_of(slide.body), blocks_of(slide.body_en)
        if bool(zh) != bool(en):
            assert slide.part == slide.parts, f"slide {number}"
            assert is_footnotes(slide.body_en), f"slide {number}"


# --- Sections in one text only -------------------------------------------------------

TALK_ZH = "# 论文\n\n## 背景\n\n背景内容\n\n## 方法\n\n方法内容\n\n# 讨论\n\n## 问题\n\n问题内容\n"
TALK_EN = (
    "# Paper\n\n## Background\n\nBackground text\n\n## Method\n\nMethod text\n\n"
    "# Discussion\n\n## Questions\n\nQuestions text\n"
)
TALK = [
    ("论文", "Paper", True, "", ""),
    ("背景", "Background", False, "<p>背景内容</p>", "<p>Background text</p>"),
    ("方法", "Method", False, "<p>方法内容</p>", "<p>Method text</p>"),
    ("讨论", "Discussion", True, "", ""),
    ("问题", "Questions", False, "<p>问题内容</p>", "<p>Questions text</p>"),
]


def columns(slides):
    """Each slide as (title, English title, divider, Chinese body, English body)."""
    return [(s.title, s.title_en, s.divider, s.body, s.body_en) for s in slides]


def test_a_talk_translated_in_part_stays_side_by_side():
    """The Chinese talk has one section more than its translation: the sections of both
    stay side by side, and the last beside an empty column, where the deck used to show
    all the Chinese slides, then all the English."""
    slides = build_side_by_side(render(f"{TALK_ZH}\n## 补充\n\n补充内容\n"), render(TALK_EN))

    assert columns(slides) == [*TALK, ("补充", "", False, "<p>补充内容</p>", "")]
    assert all(slide.paired for slide in slides)
    assert slides[-1].kicker == "讨论"
    assert len({slide.anchor for slide in slides}) == len(slides)


def test_a_section_in_one_text_only_goes_at_its_place():
    """Where the levels of the sections place it: here a subsection (h3) the translation
    does not have."""
    zh = TALK_ZH.replace("方法内容\n", "方法内容\n\n### 细节\n\n细节内容\n")
    slides = build_side_by_side(render(zh), render(TALK_EN))

    assert columns(slides) == [*TALK[:3], ("细节", "", False, "<p>细节内容</p>", ""), *TALK[3:]]
    assert slides[3].kicker == "方法"


def test_sections_at_the_end_of_one_text_only_keep_their_slides_in_order():
    """A translation that stops short: the sections after it get a slide each, or more
    for a long one, numbered as in one language."""
    rest = f"## 附录\n\n{fillers(20, FILLER_ZH)}## 致谢\n\n谢谢大家\n"
    slides = build_side_by_side(render(f"{TALK_ZH}\n{rest}"), render(TALK_EN))
    tail = slides[len(TALK) :]

    assert columns(slides[: len(TALK)]) == TALK
    assert [slide.title for slide in tail] == ["附录"] * (len(tail) - 1) + ["致谢"]
    assert len(tail) > 2
    assert [(slide.part, slide.parts) for slide in tail[:-1]] == [
        (number, len(tail) - 1) for number in range(1, len(tail))
    ]
    assert all(slide.paired and slide.body and not slide.body_en for slide in tail)
    assert all(not slide.title_en for slide in tail)
    text = "".join(slide.body for slide in tail)
    assert [f"{FILLER_ZH} {n}" in text for n in range(20)] == [True] * 20


def test_a_part_in_the_english_text_only_has_its_english_titles():
    """An appendix the translator added: its divider and section have their English
    titles and kicker, and the Chinese column is empty."""
    appendix = "# Appendix\n\n## Glossary\n\nTerms\n"
    slides = build_side_by_side(render(TALK_ZH), render(f"{TALK_EN}\n{appendix}"))

    assert columns(slides) == [
        *TALK,
        ("", "Appendix", True, "", ""),
        ("", "Glossary", False, "", "<p>Terms</p>"),
    ]
    assert slides[-1].kicker == "Appendix"
    assert slides[-1].anchor == "glossary"
    assert all(slide.paired for slide in slides)


def test_sections_of_other_levels_but_as_many_are_paired():
    zh = render("## 背景\n\n甲\n\n## 方法\n\n乙\n")
    en = render("# Background\n\nA\n\n# Method\n\nB\n")
    slides = build_side_by_side(zh, en)

    assert columns(slides) == [
        ("背景", "Background", False, "<p>甲</p>", "<p>A</p>"),
        ("方法", "Method", False, "<p>乙</p>", "<p>B</p>"),
    ]


def test_a_slide_of_the_english_text_only_shows_its_title():
    slides = build_side_by_side(
        render("## 背景\n\n甲\n"), render("## Background\n\nA\n\n## Extra\n\nB\n")
    )
    html = render_to_string("includes/_deck_slide.html", {"slide": slides[-1]})

    assert '<h2 class="deck-title" lang="en">Extra</h2>' in html
    assert "deck-title-en" not in html
    assert html.count('<div class="deck-col" lang=') == 2


def test_matching_sections_are_paired_one_to_one_as_before():
    """Where the sections match, each pair of them makes the slides paired_pages makes
    of their blocks, in order, as before one-sided sections were possible."""
    zh, en = meeting_texts()
    zh_sections = _sections_for_pairing(zh, PAIRED_LINES, PAIRED_WIDTH_EM)
    en_sections = _sections_for_pairing(en, PAIRED_LINES, PAIRED_WIDTH_EM)
    expected = []
    for zh_section, en_section in zip(zh_sections, en_sections, strict=True):
        divider = not (zh_section.blocks or en_section.blocks)
        pages = [[]] if divider else paired_pages(zh_section.blocks, en_section.blocks)
        for number, bands in enumerate(pages, start=1):
            columns = [band for band in bands if not band.shared]
            zh_page = [block for band in columns for block in band.zh]
            en_page = [block for band in columns for block in band.en]
            expected.append(
                (
                    zh_section.title,
                    en_section.title,
                    zh_section.kicker,
                    divider,
                    _body_of(zh_page),
                    _body_of(en_page),
                    number,
                    len(pages),
                )
            )
    slides = meeting_deck()

    assert len(expected) > 5
    assert [
        (s.title, s.title_en, s.kicker, s.divider, s.body, s.body_en, s.part, s.parts)
        for s in slides
    ] == expected
    assert all(slide.paired for slide in slides)


def test_an_extra_section_in_the_middle_is_found_by_the_sections_numbers():
    """Levels alone cannot say where among sections of one level the extra one stands:
    their numbers (and what they hold) do, as on the meeting page (core.alignment)."""
    zh = render("## 1 背景\n\n甲\n\n## 2 方法\n\n乙\n\n## 3 补充\n\n丙\n\n## 4 结果\n\n丁\n")
    en = render("## 1 Background\n\nA\n\n## 2 Method\n\nB\n\n## 4 Results\n\nD\n")
    slides = build_side_by_side(zh, en)
    assert [(s.title, s.title_en) for s in slides] == [
        ("1 背景", "1 Background"),
        ("2 方法", "2 Method"),
        ("3 补充", ""),
        ("4 结果", "4 Results"),
    ]
