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

from core.markdown import render
from notes.slides import build_side_by_side, parse
from notes.slides.build import paired_pages, sections
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
    assert all(zh and en for zh, en in pages)


# --- The demo meeting the defect was found in -----------------------------------------


@cache
def meeting_deck():
    path = settings.BASE_DIR / "fixtures" / "31_meeting.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = next(r["fields"] for r in records if r["model"] == "notes.meeting")
    return build_side_by_side(render(fields["body_zh"]), render(fields["body_en"]))


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
