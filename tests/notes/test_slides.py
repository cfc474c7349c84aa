import re
from html import unescape

import pytest
from django.template.loader import render_to_string

from core.markdown import render
from notes.slides import (
    BODY_LINES,
    build_side_by_side,
    build_slides,
    estimate,
    link_languages,
    parse,
    sections,
    serialize,
)
from notes.slides.fit import _min_column_widths, _rows, em_width


def titles(slides):
    return [re.sub(r"<[^>]+>", "", s.title) for s in slides]


def slides_of(markdown):
    return build_slides(render(markdown))


def test_slides_split_at_h1_and_h2_with_the_h1_as_kicker():
    slides = slides_of("# One\n\nintro\n\n## Two\n\ntext\n\n## Three\n\nmore\n\n# Four\n\nend\n")

    assert titles(slides) == ["One", "Two", "Three", "Four"]
    assert [s.kicker for s in slides] == ["", "One", "One", ""]
    assert [s.anchor for s in slides] == ["one", "two", "three", "four"]
    assert slides[1].body == "<p>text</p>"


def test_text_before_the_first_heading_gets_an_untitled_slide():
    slides = slides_of("Opening words.\n\n## Two\n\ntext\n")

    assert titles(slides) == ["", "Two"]
    assert slides[0].anchor == "slide-1"
    assert slides[0].body == "<p>Opening words.</p>"


def test_a_bare_h1_before_an_h2_is_a_section_divider():
    slides = slides_of("# Part 1\n\n## 1.1 Start\n\ntext\n")

    assert titles(slides) == ["Part 1", "1.1 Start"]
    assert [s.divider for s in slides] == [True, False]


def test_horizontal_rule_starts_an_untitled_slide():
    slides = slides_of("## Alpha\n\none\n\n---\n\ntwo\n\n---\n\nthree\n")

    assert titles(slides) == ["Alpha", "", ""]
    assert [s.body for s in slides] == ["<p>one</p>", "<p>two</p>", "<p>three</p>"]
    assert "<hr" not in "".join(s.body for s in slides)


def test_headerlinks_are_left_out_of_titles_and_bodies():
    slides = slides_of("## Alpha\n\n### Inner\n\ntext\n")

    assert slides[0].title == "Alpha"
    assert "headerlink" not in slides[0].body
    assert '<h3 id="inner">Inner</h3>' in slides[0].body


def test_long_list_continues_on_further_slides_with_its_numbering():
    items = "\n".join(f"{n}. item number {n} " + "word " * 30 for n in range(1, 41))
    slides = slides_of(f"## Long list\n\n{items}\n")

    assert len(slides) == 7
    assert set(titles(slides)) == {"Long list"}
    assert [(s.part, s.parts) for s in slides] == [(n, 7) for n in range(1, 8)]
    assert [s.anchor for s in slides[:3]] == ["long-list", "long-list--2", "long-list--3"]
    assert sum(s.body.count("<li>") for s in slides) == 40
    # Every part has the room of the list's widest number, 40: its numbers line up.
    assert slides[0].body.startswith('<ol data-digits="2"><li>item number 1 ')
    starts = [re.search(r'<ol data-digits="2" start="(\d+)">', s.body) for s in slides[1:]]
    assert all(starts)
    first_items = [int(m.group(1)) for m in starts]
    assert first_items == sorted(first_items)
    assert first_items[0] == slides[0].body.count("<li>") + 1


def test_an_ordered_list_counting_to_ten_has_room_for_its_widest_number():
    nine = "\n".join(f"{n}. item" for n in range(1, 10))
    from_five = "\n".join(f"{n}. item" for n in range(5, 11))
    nested = "- outer\n\n" + "\n".join(f"    {n}. inner" for n in range(1, 101))
    bodies = [slides_of(f"## List\n\n{text}\n")[0].body for text in (nine, from_five)]

    assert bodies[0].startswith("<ol>\n<li>")  # numbers of one digit: as they were
    assert bodies[1].startswith('<ol start="5" data-digits="2">')
    assert '<ol data-digits="3">' in "".join(s.body for s in slides_of(nested))


def test_table_split_by_rows_repeats_the_header():
    rows = "\n".join(f"| model {n} | 2023/{n % 12 + 1:02d} | {n} |" for n in range(1, 61))
    slides = slides_of(f"## Models\n\n| Name | Released | Size |\n| --- | --- | --- |\n{rows}\n")

    assert len(slides) == 6  # 11 rows of one line under the header fit on a slide
    for slide in slides:
        assert slide.body.count("<thead>") == 1
        assert "<th>Name</th>" in slide.body
    body_rows = [s.body.split("<tbody>")[1].count("<tr>") for s in slides]
    assert sum(body_rows) == 60
    assert "model 1 " not in slides[1].body and "<td>model 60</td>" in slides[-1].body


CODE_LINES = "\n".join(
    f"    x_{n} = model.layers[{n}](hidden, mask=mask)  # layer {n}" for n in range(60)
)
DOCSTRING = '    """Run the layers,\n    one by one."""'
LONG_CODE = f"```python\ndef forward(model, hidden, mask):\n{DOCSTRING}\n{CODE_LINES}\n```\n"


def code_text(html):
    """The text of the code in a slide's HTML, its markup taken out."""
    return "".join(
        unescape(re.sub(r"<[^>]+>", "", code))
        for code in re.findall(r"<code>(.*?)</code>", html, re.S)
    )


def test_long_code_is_split_between_lines_with_its_markup_whole():
    """A code block of 63 lines went whole on one slide, shrunk to the smallest scale and
    still cut off at its foot (and in the printed handout, which cannot scroll)."""
    slides = slides_of(f"## Code\n\n{LONG_CODE}")

    assert len(slides) > 3
    assert [(s.part, s.parts) for s in slides] == [
        (n, len(slides)) for n in range(1, len(slides) + 1)
    ]
    assert "".join(code_text(s.body) for s in slides) == code_text(render(LONG_CODE))
    for number, slide in enumerate(slides):
        block = parse(slide.body)[0]
        classes = block.get("class").split()
        assert block.tag == "div" and "language-python" in classes and "highlight" in classes
        assert ("deck-continued" in classes) == (number > 0)
        assert ("deck-goes-on" in classes) == (number < len(slides) - 1)
        assert serialize(parse(slide.body)) == slide.body  # every element closed in its part
        assert estimate(block) <= BODY_LINES * 1.15
    # The docstring's span over two lines is cut into one span a line.
    assert (
        '<span class="sd">"""Run the layers,</span>\n<span class="sd">    one by one."""</span>'
        in (slides[0].body)
    )


def test_side_by_side_splits_long_code_after_the_same_lines():
    zh = f"## 代码\n\n{LONG_CODE.replace('# layer', '# 第几层')}"
    en = f"## Code\n\n{LONG_CODE}"
    slides = build_side_by_side(render(zh), render(en))

    assert len(slides) > 2
    for slide in slides:
        assert slide.body.count("\n") == slide.body_en.count("\n") > 3
        assert "x_" in slide.body and re.findall(r">x_(\d+)<", slide.body) == re.findall(
            r">x_(\d+)<", slide.body_en
        )
    shared = build_side_by_side(render(en), render(en))  # the same code: once, across
    assert len(shared) > 1 and all(s.bands[0].shared for s in shared)
    assert "".join(code_text(s.bands[0].zh) for s in shared) == code_text(render(LONG_CODE))


def test_long_section_splits_at_h3_and_short_one_keeps_them():
    paragraph = "这是一段很长的中文文字，用来填满幻灯片。" * 12
    long = f"## Big\n\n### Part A\n\n{paragraph}\n\n### Part B\n\n{paragraph}\n"
    short = "## Small\n\n### Part C\n\nshort\n\n### Part D\n\nshort\n"
    slides = slides_of(long + short)

    assert titles(slides) == ["Part A", "Part B", "Small"]
    assert [s.kicker for s in slides] == ["Big", "Big", ""]
    assert "<h3" in slides[2].body


def test_speaker_notes_leave_the_slide_for_its_notes():
    slides = slides_of(
        "## Scaling\n\nOn the slide.\n\n> [!notes] Speaker\n> Say $L(N)$ **slowly**.\n\nAfter.\n"
    )

    assert len(slides) == 1
    assert slides[0].body == "<p>On the slide.</p><p>After.</p>"
    assert "callout" not in slides[0].notes
    assert "<strong>slowly</strong>" in slides[0].notes
    assert '<span class="arithmatex">\\(L(N)\\)</span>' in slides[0].notes


def test_speaker_alias_and_nested_notes_are_extracted():
    slides = slides_of("## A\n\n- item\n\n    > [!speaker]\n    > nested note\n")

    assert "nested note" in slides[0].notes
    assert "nested note" not in slides[0].body


def test_section_ending_slightly_over_stays_on_one_slide():
    items = "\n".join(f"- point {n}" for n in range(1, 14))  # 15.35 lines for 14
    slides = slides_of(f"## Points\n\n{items}\n")
    more = slides_of(f"## Points\n\n{items}\n" + "\n".join(f"- more {n}" for n in range(3)))

    assert len(slides) == 1
    assert len(more) == 2


def test_side_by_side_pairs_matching_sections():
    zh = render("## 背景\n\n中文内容\n\n## 方法\n\n方法内容\n")
    en = render("## Background\n\nEnglish text\n\n## Method\n\nMethod text\n")
    slides = build_side_by_side(zh, en)

    assert titles(slides) == ["背景", "方法"]
    assert [s.title_en for s in slides] == ["Background", "Method"]
    assert [s.paired for s in slides] == [True, True]
    assert slides[0].body == "<p>中文内容</p>" and slides[0].body_en == "<p>English text</p>"


def test_side_by_side_pairs_what_corresponds_and_gives_the_rest_a_column_of_its_own():
    zh = render("## 背景\n\n中文\n")
    en = render("## Background\n\ntext\n\n## Extra\n\nmore\n")
    slides = build_side_by_side(zh, en)

    assert titles(slides) == ["背景", ""]
    assert [s.title_en for s in slides] == ["Background", "Extra"]
    assert [s.paired for s in slides] == [True, True]
    assert (slides[1].body, slides[1].body_en) == ("", "<p>more</p>")


def test_serialize_keeps_text_escaped():
    html = '<p>a &lt;script&gt; &amp; <a href="/x?a=1&amp;b=&quot;2&quot;">link</a><br></p>'

    assert serialize(parse(html)) == html


def test_sections_ignore_whitespace_and_keep_order():
    found = sections(render("## A\n\nx\n\n## B\n\ny\n"))

    assert [(s.title, s.level, s.anchor) for s in found] == [("A", 2, "a"), ("B", 2, "b")]


def test_estimate_counts_wrapped_lines():
    short = parse("<p>short</p>")[0]
    long = parse(f"<p>{'字' * 100}</p>")[0]  # 100 CJK characters: three lines of 44

    assert estimate(short) == 1.4
    assert estimate(long) == 3.4
    assert BODY_LINES == 14.0


def test_an_image_counts_as_tall_as_the_deck_shows_it():
    """From its width and height, scaled to the text's width and at most 440px tall;
    about 300px when it states no size."""
    line = 26 * 1.45
    small = parse('<p><img src="/f.png" width="240" height="120"></p>')[0]
    wide = parse('<img src="/f.png" width="2288" height="600">')[0]  # twice the column
    tall = parse('<img src="/f.png" width="400" height="2000">')[0]
    unsized = parse('<img src="/f.png">')[0]
    assert estimate(small) == pytest.approx(1 + 120 / line - 1 + 0.4)
    assert estimate(wide) == pytest.approx(300 / line + 0.4)
    assert estimate(tall) == pytest.approx(440 / line + 0.4)
    assert estimate(unsized) == pytest.approx(8.4)


def test_english_is_measured_by_its_letters():
    """A line of English runs about 0.47em a character in the faces slides are shown in
    (Segoe UI, San Francisco, Roboto), narrow letters and punctuation much less."""
    sentence = "The tokenizer is trained on a mix of multilingual text, with little filtering."

    # Measured in Chromium: Arial's metrics 0.40, Noto Sans 0.43, DejaVu Sans 0.46.
    assert 0.4 <= em_width(sentence) / len(sentence) <= 0.47
    assert em_width("illicit, fit; lit.") < 0.35 * len("illicit, fit; lit.")
    assert em_width("mammoth") > em_width("lilting") + 1


def test_latin_among_chinese_keeps_the_width_chinese_decks_are_calibrated_on():
    # L, L, M, A at 0.68em, a at 0.52em, the space 0.28em, two CJK characters 1em each.
    assert em_width("模型 LLaMA") == pytest.approx(2 + 0.28 + 4 * 0.68 + 0.52)
    cell = parse("<table><tr><td>LLaMA fine-tuned</td></tr></table>")[0]
    assert estimate(cell) == pytest.approx(0.8 * (0.93 + 0.42) + 0.4)


ENGLISH_INTRO = (
    "In this section we list what it is trained on, and with which settings it is tuned"
    " for the tasks."
)
ENGLISH_ITEM = (
    "- The tokenizer is trained on a mix of multilingual text, with little filtering of it."
)


def test_an_english_list_that_fits_stays_on_its_slide():
    """Two paragraphs and ten one-line items fill a slide in English: the list is not
    split with room left (an English estimate of one width a letter split it)."""
    items = "\n".join([ENGLISH_ITEM] * 10)
    slides = slides_of(f"## Training\n\n{ENGLISH_INTRO}\n\n{ENGLISH_INTRO}\n\n{items}\n")
    longer = slides_of(f"## Training\n\n{ENGLISH_INTRO}\n\n{ENGLISH_INTRO}\n\n{items}\n{items}\n")

    assert len(slides) == 1
    assert slides[0].body.count("<li>") == 10
    assert len(longer) == 2


def test_side_by_side_keeps_the_languages_level_block_for_block():
    from notes.slides import build_side_by_side

    zh_items = "".join(f"<li>第{i}条：{'很长的中文说明' * 3}</li>" for i in range(14))
    en_items = "".join(
        f"<li>Item {i}: {'a much longer English explanation of it ' * 4}</li>" for i in range(14)
    )
    zh = f"<h2 id='a'>背景</h2><p><strong>我的理解：</strong></p><ul>{zh_items}</ul><p>结尾。</p>"
    en = (
        f"<h2 id='b'>Background</h2><p><strong>My understanding:</strong></p><ul>{en_items}</ul>"
        "<p>The end.</p>"
    )
    slides = build_side_by_side(zh, en)
    assert len(slides) > 1
    for slide in slides:
        zh_count, en_count = slide.body.count("<li"), slide.body_en.count("<li")
        assert zh_count == en_count
        assert ("我的理解" in slide.body) == ("My understanding" in slide.body_en)
        assert ("结尾" in slide.body) == ("The end" in slide.body_en)


def test_side_by_side_splits_a_tall_table_and_its_translation_after_the_same_rows():
    """A table too tall for a slide beside its translation: each slide shows the same rows
    in both columns, where splitting each side alone left one column empty on a slide
    (the all-about-llm note's model table)."""
    header = "<thead><tr><th>{}</th><th>{}</th></tr></thead>"
    zh_rows = "".join(
        f"<tr><td>模型{i}</td><td>{'中文说明' * (1 + i % 3)}</td></tr>" for i in range(40)
    )
    en_rows = "".join(
        f"<tr><td>Model {i}</td><td>{'an English description of it ' * (1 + 4 * (i % 2))}</td></tr>"
        for i in range(40)
    )
    zh = (
        f"<h2 id='a'>模型</h2><table>{header.format('模型', '说明')}"
        f"<tbody>{zh_rows}</tbody></table>"
    )
    en = (
        f"<h2 id='b'>Models</h2><table>{header.format('Model', 'Description')}"
        f"<tbody>{en_rows}</tbody></table>"
    )
    slides = build_side_by_side(zh, en)
    assert len(slides) > 2
    zh_rows_shown = [slide.body.count("<tr") - 1 for slide in slides]  # less the header
    assert zh_rows_shown == [slide.body_en.count("<tr") - 1 for slide in slides]
    assert all(count > 0 for count in zh_rows_shown) and sum(zh_rows_shown) == 40
    for slide in slides:
        first = re.search(r"<td[^>]*>模型(\d+)</td>", slide.body).group(1)
        assert f"<td>Model {first}</td>" in slide.body_en  # the same rows, level


def decks_of(zh_markdown, en_markdown):
    zh_html, en_html = render(zh_markdown), render(en_markdown)
    decks = {
        "zh": build_slides(zh_html, lang="zh"),
        "en": build_slides(en_html, lang="en"),
        "both": build_side_by_side(zh_html, en_html),
    }
    return link_languages(decks, zh_html, en_html)


def test_each_slide_knows_its_place_in_the_other_languages():
    """The language switch keeps the presenter at the same slide, or where the languages
    split a section over different numbers of slides, at the slide as far through it."""
    long_zh = "\n".join(f"{n}. 第 {n} 条" + "很长的说明文字。" * 20 for n in range(1, 13))
    long_en = "\n".join(f"{n}. item {n} " + "word " * 30 for n in range(1, 13))
    decks = decks_of(
        f"开场白。\n\n## 1 背景\n\n文字\n\n## 2 方法\n\n{long_zh}\n\n## 3 结果\n\n结论\n",
        f"Opening.\n\n## 1 Background\n\ntext\n\n## 2 Method\n\n{long_en}\n\n## 3 Results\n\nend\n",
    )
    zh, en, both = decks["zh"], decks["en"], decks["both"]
    results_zh, results_en = zh[-1], en[-1]
    assert results_zh.elsewhere == {"en": results_en.anchor, "both": both[-1].anchor}
    assert results_en.elsewhere["zh"] == results_zh.anchor
    assert zh[1].elsewhere["en"] == en[1].anchor  # 1 背景 → 1 Background
    assert zh[0].elsewhere["both"] == both[0].anchor  # the opening words
    method_zh = [s for s in zh if s.title == "2 方法"]
    method_en = [s for s in en if s.title == "2 Method"]
    assert (len(method_zh), len(method_en)) == (4, 2)  # split differently: as far through
    assert [s.elsewhere["en"] for s in method_zh] == [method_en[n].anchor for n in (0, 0, 1, 1)]
    assert [s.elsewhere["zh"] for s in method_en] == [method_zh[0].anchor, method_zh[-1].anchor]


def outline(language, points):
    """A write-up whose section 2 is too long for one slide, so that it is split at its
    h3s: 2.1 and 2.3 of one slide each, 2.2 of as many as it has points."""
    word = {"zh": "很长的说明文字。" * 6, "en": "a long explanation " * 8}[language]
    items = "\n".join(f"- {word}{n}" for n in range(points))
    return (
        f"## 1 {language}\n\ntext\n\n## 2 {language}\n\n### 2.1 {language}\n\nshort\n\n"
        f"### 2.2 {language}\n\n{items}\n\n### 2.3 {language}\n\nshort\n"
    )


def test_a_slide_under_an_h3_leads_to_the_same_h3_in_the_other_languages():
    """Where a section is split at its h3s, the switch lands under the same h3 (the n-th
    of the same section), not at the section's first slide; where 2.2 goes on over more
    slides in one language, at its slide as far through it."""
    decks = decks_of(outline("zh", 12), outline("en", 24))
    zh, en = decks["zh"], decks["en"]

    def under(slides, heading):
        return [s for s in slides if s.title == heading]

    assert titles(zh)[:3] == ["1 zh", "2.1 zh", "2.2 zh"]
    for number in ("2.1", "2.3"):
        (zh_slide,), (en_slide,) = under(zh, f"{number} zh"), under(en, f"{number} en")
        assert zh_slide.elsewhere["en"] == en_slide.anchor
        assert en_slide.elsewhere["zh"] == zh_slide.anchor
    zh_22, en_22 = under(zh, "2.2 zh"), under(en, "2.2 en")
    assert (len(zh_22), len(en_22)) == (2, 4)
    assert [s.elsewhere["en"] for s in zh_22] == [en_22[0].anchor, en_22[-1].anchor]
    assert [s.elsewhere["zh"] for s in en_22] == [zh_22[n].anchor for n in (0, 0, 1, 1)]
    both_22 = [s for s in decks["both"] if s.title == "2.2 zh"]
    assert zh_22[-1].elsewhere["both"] == both_22[-1].anchor
    assert both_22[0].elsewhere["en"] == en_22[0].anchor


def test_a_section_whole_in_one_language_stands_for_each_of_its_h3s():
    """A section that fits on one slide in Chinese is not split at its h3s there; the
    English slides under its h3s lead to that slide, and it leads to the first of them."""
    decks = decks_of(outline("zh", 0), outline("en", 24))
    zh, en = decks["zh"], decks["en"]
    (section,) = [s for s in zh if s.title == "2 zh"]
    under_h3s = [s for s in en if s.title.startswith("2.")]
    assert [s.title for s in under_h3s][0] == "2.1 en"
    assert {s.elsewhere["zh"] for s in under_h3s} == {section.anchor}
    assert section.elsewhere["en"] == under_h3s[0].anchor


def test_a_section_missing_in_a_language_leads_to_the_one_before_it():
    decks = decks_of(
        "## 1 背景\n\n文字\n\n## 译者注\n\n只在中文里\n\n## 2 方法\n\n方法\n",
        "## 1 Background\n\ntext\n\n## 2 Method\n\nhow\n",
    )
    zh, en = decks["zh"], decks["en"]
    assert [s.elsewhere["en"] for s in zh] == [en[0].anchor, en[0].anchor, en[1].anchor]
    assert [s.elsewhere["zh"] for s in en] == [zh[0].anchor, zh[2].anchor]
    # The side-by-side deck gives the translator's note its own slide.
    assert zh[1].elsewhere["both"] == decks["both"][1].anchor


RESULTS = "| Model | MMLU | GSM8K |\n| --- | --- | --- |\n| LLaMA-7B | 35.1 | 11.0 |\n"


def test_side_by_side_shows_a_table_the_same_in_both_texts_once_across_the_columns():
    """A results table, a formula or code the same in both texts: once, between the
    paired text before and after it, not a narrow copy in each column."""
    zh = render(f"## 结果\n\n结果如下：\n\n{RESULTS}\n$$\nL = 6ND\n$$\n\n结论。\n")
    en = render(f"## Results\n\nThe results:\n\n{RESULTS}\n$$\nL = 6ND\n$$\n\nConclusion.\n")
    slides = build_side_by_side(zh, en)

    assert len(slides) == 1
    bands = slides[0].bands
    assert [band.shared for band in bands] == [False, True, True, False]
    assert (bands[0].zh, bands[0].en) == ("<p>结果如下：</p>", "<p>The results:</p>")
    assert bands[1].zh.startswith("<table>") and "<td>35.1</td>" in bands[1].zh
    assert bands[2].zh.startswith('<div class="arithmatex">')
    assert (bands[3].zh, bands[3].en) == ("<p>结论。</p>", "<p>Conclusion.</p>")
    # Neither column holds a copy.
    assert "<table>" not in slides[0].body + slides[0].body_en
    html = render_to_string("includes/_deck_slide.html", {"slide": slides[0]})
    assert html.count("<table>") == 1 and html.count('<div class="deck-shared">') == 2


def test_a_slides_head_is_in_the_decks_language_not_the_interfaces():
    """The titles and kicker took the page's lang, the interface's: an English page
    showing the Chinese deck had "方法" marked English (and set in a Latin face's idea of
    Chinese); a section found in English only, side by side, is headed in English."""
    zh, en = (
        render("# 一 概述\n\n## 方法\n\n文字。\n"),
        render("# 1 Overview\n\n## Method\n\nText.\n"),
    )
    heads = {
        "zh": build_slides(zh, lang="zh")[-1],
        "en": build_slides(en, lang="en")[-1],
        "both": build_side_by_side(zh, en)[-1],
        "english only": build_side_by_side(render(""), en)[-1],
    }
    langs = {}
    for name, slide in heads.items():
        html = render_to_string("includes/_deck_slide.html", {"slide": slide})
        langs[name] = re.search(r'<header class="deck-head" lang="([^"]+)">', html).group(1)
    assert langs == {"zh": "zh-Hans", "en": "en", "both": "zh-Hans", "english only": "en"}
    # "continued", the interface's word, says its language (English here).
    parts = build_slides(
        render("## 方法\n\n" + "\n".join(f"- 第 {n} 点" for n in range(40))), lang="zh"
    )
    html = render_to_string("includes/_deck_slide.html", {"slide": parts[1]})
    assert '<span class="deck-part" lang="en">continued 2/' in html


def test_side_by_side_keeps_tables_that_differ_in_both_columns():
    zh = render(f"## 结果\n\n{RESULTS.replace('Model', '模型')}")
    en = render(f"## Results\n\n{RESULTS}")
    slides = build_side_by_side(zh, en)

    assert [band.shared for band in slides[0].bands] == [False]
    assert (
        '<th class="deck-keep">模型</th>' in slides[0].body
        and "<th>Model</th>" in slides[0].body_en
    )


def test_side_by_side_splits_a_tall_shared_table_with_its_header_on_each_slide():
    rows = "".join(f"| model {n} | {n}.5 | {n} |\n" for n in range(60))
    table = f"| Model | MMLU | GSM8K |\n| --- | --- | --- |\n{rows}"
    slides = build_side_by_side(
        render(f"## 结果\n\n说明。\n\n{table}\n> [!notes]\n> 讲者备注\n"),
        render(f"## Results\n\nText.\n\n{table}\n> [!notes]\n> Speaker note\n"),
    )

    assert len(slides) > 2
    shown = [
        band.zh.split("<tbody>")[1].count("<tr>")
        for slide in slides
        for band in slide.bands
        if band.shared
    ]
    assert sum(shown) == 60 and len(shown) == len(slides)
    assert all(
        band.zh.count("<th>Model</th>") == 1 for s in slides for band in s.bands if band.shared
    )
    assert "讲者备注" in slides[-1].notes and "Speaker note" in slides[-1].notes


def test_a_tables_short_chinese_terms_are_kept_whole():
    """Marked to stay on one line in the deck, and counted whole in the narrowest layout
    of the table (where a Chinese character was the narrowest a column could be)."""
    sentence = "这一行说明模型在各个方面的表现，文字较长，可以换行。"
    table = f"| 分类 | 说明 |\n| --- | --- |\n| 不开源大模型 | {sentence} |"
    body = slides_of(f"## 表\n\n{table}\n")[0].body

    assert '<th class="deck-keep">分类</th>' in body
    assert '<td class="deck-keep">不开源大模型</td>' in body
    assert "<td>这一行说明" in body  # a sentence still wraps
    cells = parse(body)[0]
    # The widest runs: 不开源大模型 whole, and the heading 说明 (not one character).
    assert _min_column_widths(_rows(cells)[0] + _rows(cells)[1]) == pytest.approx(
        [6 + 1.6, 2 + 1.6]
    )
