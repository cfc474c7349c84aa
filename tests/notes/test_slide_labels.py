"""A label ("**模型对比**", "如下：") keeps with the table, list, code or formula it
introduces when the deck splits a section: it never ends a slide with what it labels
on the next one.

Where a section breaks depends on size estimates, so most tests try every amount of
text before the label from none to more than a slide's worth: one of them puts the
label where the slide fills up.
"""

from functools import cache

import pytest
import yaml
from django.conf import settings

from core.markdown import render
from notes.slides import build_side_by_side, build_slides, parse
from notes.slides.tree import text_of

FILLER_ZH = "这一段文字只是为了把幻灯片填满而写的说明。"
FILLER_EN = "This paragraph is only here to fill the slide."


def blocks_of(body):
    return [node for node in parse(body) if node.tag is not None]


def texts_of(body):
    return [text_of(block).strip() for block in blocks_of(body)]


def is_bold_label(block):
    elements = block.elements
    return (
        block.tag == "p"
        and len(elements) == 1
        and elements[0].tag in ("strong", "b")
        and text_of(block).strip() == text_of(elements[0]).strip()
    )


def assert_label_starts_its_block(slides, label, kind, column="body"):
    """The label is on a slide once, right above the first part of what it labels."""
    found = []
    for number, slide in enumerate(slides, start=1):
        body = getattr(slide, column)
        texts = texts_of(body)
        if label in texts:
            at = texts.index(label)
            blocks = blocks_of(body)
            assert at + 1 < len(blocks), f"slide {number} of {len(slides)} ends with {label!r}"
            assert kind(blocks[at + 1]), f"slide {number}: {label!r} is not above its block"
            found.append(number)
    assert len(found) == 1


def is_table(block):
    return block.tag == "table"


def is_list(block):
    return block.tag in ("ul", "ol")


def is_code(block):
    return block.tag == "div" and block.has_class("highlight")


def is_formula(block):
    return block.tag == "div" and block.has_class("arithmatex")


def is_image(block):
    return block.tag == "p" and any(child.tag == "img" for child in block.children)


def fillers(count, text=FILLER_ZH):
    return "".join(f"{text}{n}\n\n" for n in range(count))


# Rows four lines high: below a slide nearly full, the label and three lines fit, but
# not the header with the first row.
TALL_TABLE = "| 数据 | 说明 |\n| --- | --- |\n" + "".join(
    f"| 数据{n} | {'在原数据集的基础上进行了采样和规则筛选' * 9} |\n" for n in range(4)
)
TALL_LIST = "".join(
    f"- 第{n}条：{'在原数据集的基础上进行了采样和规则筛选' * 8}\n" for n in range(4)
)
CODE = "```python\n" + "".join(f"step_{n} = train(step_{n - 1})\n" for n in range(1, 9)) + "```\n"
FORMULA = "$$\n" + " \\\\\n".join(f"x_{n} = y_{n} + z_{n}" for n in range(5)) + "\n$$\n"
IMAGE = "![训练流程](https://example.com/pipeline.png)\n"

FOLLOWING = {
    "table": (TALL_TABLE, is_table),
    "list": (TALL_LIST, is_list),
    "code": (CODE, is_code),
    "formula": (FORMULA, is_formula),
    "image": (IMAGE, is_image),
}


@pytest.mark.parametrize("name", FOLLOWING)
def test_a_bold_label_goes_on_to_the_next_slide_with_what_it_introduces(name):
    block, kind = FOLLOWING[name]
    for count in range(14):
        markdown = f"## 数据\n\n{fillers(count)}**指令精调语料**\n\n{block}\n结尾的一句话。\n"
        slides = build_slides(render(markdown))

        assert_label_starts_its_block(slides, "指令精调语料", kind)


def test_a_label_goes_over_with_a_table_whose_first_row_does_not_fit_below_it():
    # 8.4 lines of text and the label: the header and first row (4.8 lines) do not fit
    # below them, so the table starts the next slide. It did without its label.
    markdown = f"## 数据\n\n{fillers(6)}**指令精调语料**\n\n{TALL_TABLE}"
    slides = build_slides(render(markdown))

    assert texts_of(slides[0].body) == [f"{FILLER_ZH}{n}" for n in range(6)]
    assert [b.tag for b in blocks_of(slides[1].body)] == ["p", "table"]
    assert texts_of(slides[1].body)[0] == "指令精调语料"
    # The label's line leaves room for three of the four rows: the last goes on.
    assert [b.tag for b in blocks_of(slides[2].body)] == ["table"]


def test_a_line_ending_with_a_colon_goes_on_with_its_list():
    for count in range(14):
        markdown = f"## Data\n\n{fillers(count, FILLER_EN)}The corpus is as follows:\n\n{TALL_LIST}"
        slides = build_slides(render(markdown))

        assert_label_starts_its_block(slides, "The corpus is as follows:", is_list)


def test_a_label_stays_with_a_block_too_tall_for_any_slide():
    rows = " \\\\\n".join(f"x_{{{n}}} &= {n}" for n in range(20))
    formula = f"$$\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}\n$$\n"
    slides = build_slides(render(f"## Example\n\n**Derivation**\n\n{formula}"))

    assert len(slides) == 1
    assert [b.tag for b in blocks_of(slides[0].body)] == ["p", "div"]


def test_a_label_stays_with_the_first_part_of_code_split_over_slides():
    code = "```\n" + "".join(f"line {n}\n" for n in range(30)) + "```\n"
    slides = build_slides(render(f"## Example\n\n**Training script**\n\n{code}"))

    assert len(slides) == 2
    assert [b.tag for b in blocks_of(slides[0].body)] == ["p", "div"]
    assert "line 0\n" in slides[0].body and "line 29\n" in slides[1].body


def test_a_bold_paragraph_at_the_end_of_a_section_is_left_alone():
    for count in range(14):
        with_label = build_slides(render(f"## 数据\n\n{fillers(count)}**小结**\n"))
        plain = build_slides(render(f"## 数据\n\n{fillers(count)}小结\n"))

        assert len(with_label) == len(plain)
        assert texts_of(with_label[-1].body) == texts_of(plain[-1].body)
        assert texts_of(with_label[-1].body)[-1] == "小结"


def test_a_label_that_fits_with_its_table_stays_where_it_is():
    table = "| 数据 | 量级 |\n| --- | --- |\n| pCLUE | 300K |\n"
    markdown = f"## 数据\n\n{fillers(2)}**指令精调语料**\n\n{table}"
    slides = build_slides(render(markdown))

    assert len(slides) == 1
    assert [b.tag for b in blocks_of(slides[0].body)] == ["p", "p", "p", "table"]


# --- Side by side ---------------------------------------------------------------------

TALL_TABLE_EN = "| Data | Notes |\n| --- | --- |\n" + "".join(
    f"| Data {n} | {'sampled from the original data set and filtered by rules, ' * 6} |\n"
    for n in range(4)
)
TALL_LIST_EN = "".join(
    f"- Item {n}: {'sampled from the original data set and filtered by rules, ' * 5}\n"
    for n in range(4)
)
CODE_EN = CODE.replace("train", "fit")

PAIRED = {
    "table": (TALL_TABLE, TALL_TABLE_EN, is_table),
    "list": (TALL_LIST, TALL_LIST_EN, is_list),
    "code": (CODE, CODE_EN, is_code),
}


@pytest.mark.parametrize("name", PAIRED)
def test_side_by_side_a_label_pair_goes_on_with_what_it_introduces(name):
    zh_block, en_block, kind = PAIRED[name]
    for count in range(16):
        zh = render(f"## 数据\n\n{fillers(count)}**指令精调语料**\n\n{zh_block}\n结尾。\n")
        en = render(
            f"## Data\n\n{fillers(count, FILLER_EN)}**Instruction fine-tuning corpus**\n\n"
            f"{en_block}\nThe end.\n"
        )
        slides = build_side_by_side(zh, en)

        assert all(slide.paired for slide in slides)
        assert_label_starts_its_block(slides, "指令精调语料", kind)
        assert_label_starts_its_block(slides, "Instruction fine-tuning corpus", kind, "body_en")


def test_side_by_side_with_unlike_sections_each_side_keeps_its_label():
    # An extra paragraph on the English side: the sides are paginated one by one.
    zh = render(f"## 数据\n\n{fillers(6)}**指令精调语料**\n\n{TALL_TABLE}")
    en = render(
        f"## Data\n\n{fillers(6, FILLER_EN)}One more sentence.\n\n"
        f"**Instruction fine-tuning corpus**\n\n{TALL_TABLE_EN}"
    )
    slides = build_side_by_side(zh, en)

    assert_label_starts_its_block(slides, "指令精调语料", is_table)
    assert_label_starts_its_block(slides, "Instruction fine-tuning corpus", is_table, "body_en")


# --- The demo note the defect was found in --------------------------------------------


@cache
def demo_note(slug):
    path = settings.BASE_DIR / "fixtures" / "41_notes_all_about_llm.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = next(
        r["fields"] for r in records if r["model"] == "notes.note" and r["fields"]["slug"] == slug
    )
    return render(fields["body_zh"]), render(fields["body_en"])


LABELS = {
    "body": ["模型对比", "指令精调语料"],
    "body_en": ["Model comparison", "Instruction fine-tuning corpus"],
}


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_no_slide_of_the_chinese_llama_alpaca_deck_ends_with_a_label(lang):
    """/notes/all-about-llm-chinese-llama-alpaca/present/: side by side, "模型对比" and
    "指令精调语料" ended slides and their tables began the next ones."""
    zh, en = demo_note("all-about-llm-chinese-llama-alpaca")
    if lang == "both":
        slides, labels = build_side_by_side(zh, en), LABELS
    else:
        slides = build_slides(zh if lang == "zh" else en, lang=lang)
        labels = {"body": LABELS["body" if lang == "zh" else "body_en"]}

    for number, slide in enumerate(slides, start=1):
        if slide.part == slide.parts:
            continue  # the section ends here: nothing follows a label on the next slide
        for column in labels:
            blocks = blocks_of(getattr(slide, column))
            assert not (blocks and is_bold_label(blocks[-1])), f"slide {number}, {column}"
    for column, column_labels in labels.items():
        for label in column_labels:
            assert_label_starts_its_block(slides, label, is_table, column)


# --- Labels longer than a bold word: a sentence ending with a colon, a bold label -----

# Two lines at the slide's width, ending with a colon: it introduces what follows.
COLON_LEAD = (
    "At the end, the paper presents the challenges and future directions of large language "
    "models in the following areas, each with its own challenges and directions:"
)
# A bold label, then a sentence: "**训练配置:** 以下是…" (the note's own words).
BOLD_LEAD = "**训练配置:** 以下是训练基础版7B模型的训练配置。更多详情请参考技术报告。"
BOLD_LEAD_TEXT = "训练配置: 以下是训练基础版7B模型的训练配置。更多详情请参考技术报告。"


@pytest.mark.parametrize("name", FOLLOWING)
def test_a_sentence_ending_with_a_colon_goes_on_with_what_it_introduces(name):
    block, kind = FOLLOWING[name]
    for count in range(14):
        markdown = f"## Data\n\n{fillers(count, FILLER_EN)}{COLON_LEAD}\n\n{block}\nThe end.\n"
        slides = build_slides(render(markdown))

        assert_label_starts_its_block(slides, COLON_LEAD, kind)


@pytest.mark.parametrize("name", FOLLOWING)
def test_a_paragraph_opening_with_a_bold_label_goes_on_with_what_it_introduces(name):
    block, kind = FOLLOWING[name]
    for count in range(14):
        markdown = f"## 数据\n\n{fillers(count)}{BOLD_LEAD}\n\n{block}\n结尾的一句话。\n"
        slides = build_slides(render(markdown))

        assert_label_starts_its_block(slides, BOLD_LEAD_TEXT, kind)


@pytest.mark.parametrize(
    "paragraph",
    [
        # Four lines and more: text in its own right, whatever its end.
        "这一段很长的文字说明了数据是怎样收集、清洗和筛选的，" * 6 + "具体如下：",
        "**数据处理:** " + "这一段很长的文字说明了数据是怎样收集、清洗和筛选的，" * 6 + "见下表。",
    ],
)
def test_a_long_paragraph_is_no_label(paragraph):
    """A paragraph of more than three lines splits a section where any other would."""
    plain = paragraph.replace("**", "").rstrip("：。") + "。"
    for count in range(14):
        tail = f"\n\n{TALL_LIST}\n结尾的一句话。\n"
        with_colon = build_slides(render(f"## 数据\n\n{fillers(count)}{paragraph}{tail}"))
        without = build_slides(render(f"## 数据\n\n{fillers(count)}{plain}{tail}"))

        assert [len(blocks_of(s.body)) for s in with_colon] == [
            len(blocks_of(s.body)) for s in without
        ]


def test_a_sentence_ending_with_a_colon_before_a_paragraph_is_no_label():
    """Only a table, list, code, formula or image makes a longer line a label."""
    for count in range(14):
        tail = "\n\nThe next paragraph says something else entirely.\n\n" + fillers(4, FILLER_EN)
        with_colon = build_slides(
            render(f"## Data\n\n{fillers(count, FILLER_EN)}{COLON_LEAD}{tail}")
        )
        plain = COLON_LEAD[:-1] + "."
        without = build_slides(render(f"## Data\n\n{fillers(count, FILLER_EN)}{plain}{tail}"))

        assert [len(blocks_of(s.body)) for s in with_colon] == [
            len(blocks_of(s.body)) for s in without
        ]


def test_side_by_side_a_bold_label_sentence_goes_on_with_its_table():
    en_lead = (
        "**Training configuration:** The following is the training configuration for the "
        "base 7B model. See the technical report for more details."
    )
    en_text = en_lead.replace("**", "")
    for count in range(16):
        zh = render(f"## 数据\n\n{fillers(count)}{BOLD_LEAD}\n\n{TALL_TABLE}\n结尾。\n")
        en = render(
            f"## Data\n\n{fillers(count, FILLER_EN)}{en_lead}\n\n{TALL_TABLE_EN}\nThe end.\n"
        )
        slides = build_side_by_side(zh, en)

        assert_label_starts_its_block(slides, BOLD_LEAD_TEXT, is_table)
        assert_label_starts_its_block(slides, en_text, is_table, "body_en")


@pytest.mark.parametrize("lang", ["zh", "both"])
def test_the_training_configuration_of_the_chinese_llama_alpaca_deck_keeps_with_its_table(lang):
    """/notes/all-about-llm-chinese-llama-alpaca/present/: "**训练配置 :** 以下是…" ended a
    slide and its table was alone on the next."""
    zh, en = demo_note("all-about-llm-chinese-llama-alpaca")
    slides = build_side_by_side(zh, en) if lang == "both" else build_slides(zh, lang="zh")

    assert_label_starts_its_block(slides, BOLD_LEAD_TEXT, is_table)
    if lang == "both":
        en_label = next(
            text
            for slide in slides
            for text in texts_of(slide.body_en)
            if text.startswith("Training configuration:")
        )
        assert_label_starts_its_block(slides, en_label, is_table, "body_en")


def test_the_future_directions_of_meeting_1_begin_with_their_list():
    """The English meeting 1 deck, "3.2 Future directions": a slide held only "…in the
    following areas:" and the list began on the next."""
    path = settings.BASE_DIR / "fixtures" / "31_meeting.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = next(r["fields"] for r in records if r["model"] == "notes.meeting")
    slides = build_slides(render(fields["body_en"]), lang="en")
    label = next(
        text
        for slide in slides
        for text in texts_of(slide.body)
        if text.endswith("in the following areas:")
    )

    assert_label_starts_its_block(slides, label, is_list)
