"""The Markdown renderer: features, table of contents, wiki links and sanitising."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from core.markdown import Rendered, extract_toc, render, render_document, shows_something_rendered

PAGES = {
    "GPT-4": ("/models/gpt-4/", "GPT-4"),
    "Attention": ("/papers/attention/", "Attention Is All You Need"),
    "Evil": ("javascript:alert(1)", "Evil"),
}


def resolve(target):
    return PAGES.get(target)


# --- Basics ---------------------------------------------------------------------------


def test_render_empty_text_returns_empty_string():
    assert render("") == ""
    assert render(None) == ""
    assert render_document("") == Rendered(html="", toc=[], wikilinks=[])


def test_render_paragraph_keeps_single_newline_without_br():
    assert render("a\nb") == "<p>a\nb</p>"


def test_render_quotes_are_not_made_smart():
    assert render('他说 "hello" -- ok...') == '<p>他说 "hello" -- ok...</p>'


def test_render_is_repeatable_on_one_instance():
    text = "# Title\n\ntext[^1]\n\n[^1]: note"
    assert render(text) == render(text)


def test_tables_render_with_alignment_attribute_not_style():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert "style=" not in html


def test_a_table_cell_may_break_after_a_slash_between_chinese_and_english():
    """A cell keeps its Chinese words whole, so "英文平均tokens量/Avg" had no place to
    break and broke inside "Avg" at the cell's edge: a <wbr> after such a slash gives it
    one, also beside a unit or a version ("参数量(B)/Params", "GPT-4/模型"). Slashes
    in runs of one language, code spans, formulas and prose are left alone."""
    html = render(
        "| 模型/Model | 英文平均tokens量/Avg tokens | **粗体/Bold** 中/En/中 | 参数量(B)/Params |\n"
        "| --- | --- | --- | --- |\n"
        "| x/y 中文/English | `代码/code` | $a/中$ | 准确率（%）/Accuracy GPT-4/模型 1/2 |\n"
        "\n模型/Model in prose"
    )
    assert "<th>模型/<wbr>Model</th>" in html
    assert "<th>英文平均tokens量/<wbr>Avg tokens</th>" in html
    assert "<th><strong>粗体/<wbr>Bold</strong> 中/<wbr>En/<wbr>中</th>" in html
    assert "<th>参数量(B)/<wbr>Params</th>" in html
    assert "<td>x/y 中文/<wbr>English</td>" in html
    assert "<td>准确率（%）/<wbr>Accuracy GPT-4/<wbr>模型 1/2</td>" in html
    assert "<td><code>代码/code</code></td>" in html
    assert "a/中" in html and html.count("<wbr>") == 9
    assert "<p>模型/Model in prose</p>" in html


def test_fenced_code_is_highlighted_with_classes():
    html = render('```python\ndef f():\n    return "<x>"\n```')
    assert html.startswith('<div class="language-python highlight"><pre><span></span><code>')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html
    assert '<span class="s2">"&lt;x&gt;"</span>' in html


def test_fenced_code_without_language_is_escaped_text():
    html = render("```\n<b>raw</b>\n```")
    assert "<code>&lt;b&gt;raw&lt;/b&gt;\n</code>" in html


def test_sane_lists_keep_start_number():
    assert render("3. three\n4. four") == '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'


# --- Math -----------------------------------------------------------------------------


def test_inline_dollar_math_keeps_escaped_tex_in_round_delimiters():
    assert render("值 $a<b \\& c>d$ 成立") == (
        '<p>值 <span class="arithmatex">\\(a&lt;b \\&amp; c&gt;d\\)</span> 成立</p>'
    )


def test_inline_paren_math_keeps_delimiters():
    assert (
        render("see \\(x_1 < y\\)") == '<p>see <span class="arithmatex">\\(x_1 &lt; y\\)</span></p>'
    )


def test_display_dollar_math_block_becomes_div():
    html = render("$$\n\\sum_{i<n} x_i\n$$")
    assert html == '<div class="arithmatex">\\[\n\\sum_{i&lt;n} x_i\n\\]</div>'


def test_display_bracket_math_block_becomes_div():
    assert render("\\[ a > b \\]") == '<div class="arithmatex">\\[ a &gt; b \\]</div>'


def test_display_dollar_math_inside_paragraph_uses_square_delimiters():
    html = render("so $$x^2 < 1$$ holds")
    assert html == '<p>so <span class="arithmatex">\\[x^2 &lt; 1\\]</span> holds</p>'


def test_math_is_not_parsed_as_markdown():
    html = render("$a_1 * b_2 * c$")
    assert html == '<p><span class="arithmatex">\\(a_1 * b_2 * c\\)</span></p>'


def test_lone_dollar_signs_in_prose_are_not_math():
    assert render("价格 $5 和 $10") == "<p>价格 $5 和 $10</p>"


# --- Callouts -------------------------------------------------------------------------


def test_callout_has_kind_class_and_custom_title():
    html = render("> [!info] Key idea\n> Body **text**.")
    assert html == (
        '<div class="callout callout-info">\n<p class="callout-title">Key idea</p>\n'
        "<p>Body <strong>text</strong>.</p>\n</div>"
    )


def test_callout_without_title_uses_kind_name():
    html = render("> [!warning]\n> Careful.")
    assert '<div class="callout callout-warning">' in html
    assert '<p class="callout-title">Warning</p>' in html
    assert "<p>Careful.</p>" in html


def test_callout_without_title_is_headed_in_the_texts_language():
    # The stored HTML is shown in either interface language: a Chinese text's callout
    # reads in Chinese, an English one's in English, whatever language is active.
    with translation.override("en"):
        assert '<p class="callout-title">信息</p>' in render("> [!info]\n> x", language="zh-hans")
    with translation.override("zh-hans"):
        assert '<p class="callout-title">Info</p>' in render("> [!info]\n> x", language="en")
        assert '<p class="callout-title">Info</p>' in render("> [!info]\n> x")
        assert '<p class="callout-title">Mystery</p>' in render("> [!mystery]\n> x")
    # An alias is headed by its own word, a title the member gave is kept as written.
    assert '<p class="callout-title">要点</p>' in render("> [!tldr]\n> x", language="zh-hans")
    titled = render("> [!tip] Key idea", language="zh-hans")
    assert '<p class="callout-title">Key idea</p>' in titled


def test_heading_link_tooltip_is_in_the_texts_language():
    assert 'title="链接到本节"' in render("## 方法", language="zh-hans")
    assert 'title="Link to this section"' in render("## Method", language="en")


def test_footnote_back_link_tooltip_is_in_the_texts_language():
    """The Chinese side's footnotes said "Jump back to footnote 1 in the text"."""
    assert 'title="跳回正文中的脚注 2"' in render(
        "甲[^1]乙[^2]\n\n[^1]: 一\n[^2]: 二", language="zh-hans"
    )
    assert 'title="Jump back to footnote 1 in the text"' in render("A[^1]\n\n[^1]: one")


def test_callout_kind_is_case_insensitive():
    assert '<div class="callout callout-tip">' in render("> [!TIP] x")


@pytest.mark.parametrize(
    "kind",
    [
        "note", "info", "tip", "success", "question", "warning", "failure",
        "danger", "bug", "example", "quote", "abstract", "todo",
    ],
)  # fmt: skip
def test_callout_every_kind_gets_its_class(kind):
    assert render(f"> [!{kind}] T\n> x").startswith(f'<div class="callout callout-{kind}">')


def test_callout_unknown_kind_falls_back_to_note():
    html = render("> [!mystery]\n> x")
    assert html.startswith('<div class="callout callout-note">')
    assert '<p class="callout-title">Mystery</p>' in html


def test_callout_alias_maps_to_kind():
    assert render("> [!faq] Why?").startswith('<div class="callout callout-question">')


@pytest.mark.parametrize("marker", ["+", "-"])
def test_callout_fold_marker_is_accepted_and_dropped(marker):
    html = render(f"> [!example]{marker} Folded title\n> content")
    assert html == (
        '<div class="callout callout-example">\n<p class="callout-title">Folded title</p>\n'
        "<p>content</p>\n</div>"
    )


def test_callout_content_can_hold_lists_and_nested_callouts():
    html = render("> [!note] Outer\n>\n> - a\n> - b\n>\n> > [!tip] Inner\n> > text")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert '<div class="callout callout-tip">\n<p class="callout-title">Inner</p>' in html
    assert html.count("</div>") == 2


def test_callout_title_is_inline_markdown():
    html = render("> [!info] About *this* [[GPT-4]]", resolve_wikilink=resolve)
    assert (
        '<p class="callout-title">About <em>this</em> '
        '<a class="wikilink" href="/models/gpt-4/">GPT-4</a></p>'
    ) in html


def test_plain_blockquote_stays_blockquote():
    assert render("> The model is trained on 1T tokens.") == (
        "<blockquote>\n<p>The model is trained on 1T tokens.</p>\n</blockquote>"
    )


def test_blockquote_with_text_after_marker_not_at_start_is_plain():
    html = render("> Quote mentioning [!info] later")
    assert html.startswith("<blockquote>")
    assert "callout" not in html


# --- Footnotes, task lists, harmless raw HTML -----------------------------------------


def test_footnotes_link_both_ways():
    html = render("Claim[^src].\n\n[^src]: The source.")
    assert '<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:src">' in html
    assert '<a class="footnote-backref" href="#fnref:src"' in html


def test_task_list_checkboxes_are_disabled():
    html = render("- [x] read\n- [ ] summarise")
    assert '<ul class="task-list">' in html
    assert (
        '<li class="task-list-item"><input type="checkbox" disabled="" checked=""> read</li>'
    ) in html
    assert '<li class="task-list-item"><input type="checkbox" disabled=""> summarise</li>' in html


def test_raw_input_is_forced_to_disabled_checkbox():
    assert render('<input type="text" name="pw" value="x">') == (
        '<p><input type="checkbox" disabled=""></p>'
    )


def test_harmless_raw_html_survives():
    html = render("H<sub>2</sub>O x<sup>2</sup> <kbd>Ctrl</kbd> a<br>b")
    assert html == "<p>H<sub>2</sub>O x<sup>2</sup> <kbd>Ctrl</kbd> a<br>b</p>"


def test_details_and_summary_survive():
    html = render("<details><summary>More</summary>hidden</details>")
    assert html == "<details><summary>More</summary>hidden</details>"


def test_images_keep_src_alt_title():
    assert render('![plot](/media/a.png "Loss")') == (
        '<p><img alt="plot" src="/media/a.png" title="Loss"></p>'
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ('<img src="/a.png">', '<p><img src="/a.png" alt=""></p>'),
        ('<img src="/a.png" title="a alt=b"/>', '<p><img src="/a.png" title="a alt=b" alt=""></p>'),
        ('<img src="/a.png" alt="Loss">', '<p><img src="/a.png" alt="Loss"></p>'),
        ('<img alt src="/a.png">', '<p><img alt="" src="/a.png"></p>'),
    ],
)
def test_an_image_of_raw_html_without_alt_gets_an_empty_one(text, html):
    assert render(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("[x](/f('y'))", "<p><a href=\"/f('y')\">x</a></p>"),
        ("[x](/search/?q='a')", "<p><a href=\"/search/?q='a'\">x</a></p>"),
        ("![i](/f('a').png)", '<p><img alt="i" src="/f(\'a\').png"></p>'),
        ("[x](/a_(b)) c", '<p><a href="/a_(b)">x</a> c</p>'),
        ('[x](/a "T")', '<p><a href="/a" title="T">x</a></p>'),
        ("[x](<https://e.com/a b> 'T')", '<p><a href="https://e.com/a b" title="T" rel='),
        ("[x](javascript:alert('y'))", "<p><a>x</a></p>"),
    ],
)
def test_a_quote_inside_an_address_is_part_of_it(text, html):
    """Python-Markdown took a quoted part of an address for the title, with no space
    before it: the link went to "/search/?q=" and a ")" was left after it."""
    assert render(text).startswith(html)


def test_absolute_links_get_rel_and_relative_links_do_not():
    html = render("[a](https://arxiv.org/abs/1706.03762) [b](/papers/) [c](mailto:x@y.org)")
    assert (
        '<a href="https://arxiv.org/abs/1706.03762" rel="noopener noreferrer nofollow">a</a>'
    ) in html
    assert '<a href="/papers/">b</a>' in html
    assert '<a href="mailto:x@y.org">c</a>' in html


@pytest.mark.parametrize(
    "text, address, after",
    [
        ("长链接：https://example.com/a/b?q=1。下一句", "https://example.com/a/b?q=1", "。下一句"),
        ("见https://arxiv.org/abs/2303（综述）", "https://arxiv.org/abs/2303", "（综述）"),
        ("（www.example.org）", "http://www.example.org", "）"),
        ("see https://example.com/x.", "https://example.com/x", "."),
    ],
)
def test_a_bare_address_is_a_link_in_chinese_text_too(text, address, after):
    """Chinese runs an address on from its words and full-width signs, with no space."""
    html = render(text)
    assert f'<a href="{address}" rel="noopener noreferrer nofollow">' in html
    assert f"</a>{after}</p>" in html


def test_an_address_inside_a_word_or_code_is_not_a_link():
    assert "<a" not in render("x:https://example.com and `https://example.org`")


def test_an_inline_formula_keeps_the_chinese_punctuation_after_it_on_its_line():
    html = render("公式 $E=mc^2$。下一句，$a<b$），和 $x$ 与 $y$. $$z$$。")
    math = '<span class="arithmatex">\\(E=mc^2\\)</span>'
    assert f'<span class="math-tail">{math}。</span>下一句' in html
    assert '<span class="math-tail"><span class="arithmatex">\\(a&lt;b\\)</span>），</span>' in html
    assert html.count("math-tail") == 2  # not before a space, a Latin stop or display math


def test_unknown_classes_and_ids_are_dropped_from_raw_html():
    html = render('<span class="wikilink evil" id="x">a</span> <p class="callout-title big">t</p>')
    assert '<span class="wikilink">a</span>' in html
    assert '<p class="callout-title">t</p>' in html


# --- Headings and table of contents ---------------------------------------------------


def test_heading_ids_keep_chinese_characters():
    html = render("## 注意力 机制 Attention!")
    assert html.startswith('<h2 id="注意力-机制-attention">注意力 机制 Attention!')
    assert '<a class="headerlink" href="#注意力-机制-attention"' in html


def test_heading_ids_are_unique():
    html = render("# Setup\n\n## Setup")
    assert '<h1 id="setup">' in html
    assert '<h2 id="setup_1">' in html


def test_render_document_toc_lists_h1_to_h4_without_anchor_text():
    doc = render_document("# 标题\n\n## Method `code`\n\n### C\n\n#### D\n\n##### E")
    assert doc.toc == [
        (1, "标题", "标题"),
        (2, "method-code", "Method code"),
        (3, "c", "C"),
        (4, "d", "D"),
    ]


def test_extract_toc_equals_render_document_toc():
    text = "# 一\n\n## R&D <b>x</b>\n\ntext\n\n### 四 $x<1$\n\n## R&D <b>x</b>"
    doc = render_document(text)
    assert extract_toc(doc.html) == doc.toc
    assert doc.toc == [
        (1, "一", "一"),
        (2, "rd-x", "R&D x"),
        (3, "四-x1", "四 \\(x<1\\)"),
        (2, "rd-x_1", "R&D x"),
    ]


def test_extract_toc_of_empty_html_is_empty():
    assert extract_toc("") == []


# --- Wiki links -----------------------------------------------------------------------


def test_wikilink_resolved_uses_title():
    assert render("See [[Attention]].", resolve_wikilink=resolve) == (
        '<p>See <a class="wikilink" href="/papers/attention/">Attention Is All You Need</a>.</p>'
    )


def test_wikilink_with_label_uses_label():
    assert render("[[Attention|the paper]]", resolve_wikilink=resolve) == (
        '<p><a class="wikilink" href="/papers/attention/">the paper</a></p>'
    )


def test_wikilink_unresolved_is_missing_span():
    assert render("[[Nowhere]]", resolve_wikilink=resolve) == (
        '<p><span class="wikilink wikilink-missing" title="Nowhere (no page yet)">'
        "Nowhere</span></p>"
    )


def test_wikilink_without_resolver_is_missing_span_with_label():
    assert render("[[Attention|论文]]") == (
        '<p><span class="wikilink wikilink-missing" title="Attention (no page yet)">论文</span></p>'
    )


def test_wikilink_with_heading_links_to_slug():
    html = render("[[Attention#Model Architecture]]", resolve_wikilink=resolve)
    assert html == (
        '<p><a class="wikilink" href="/papers/attention/#model-architecture">'
        "Attention Is All You Need › Model Architecture</a></p>"
    )


def test_wikilink_to_own_heading():
    assert render("[[#方法 概述|方法]]") == '<p><a class="wikilink" href="#方法-概述">方法</a></p>'


def test_wikilink_with_escaped_pipe_works_in_table_cell():
    html = render("| a |\n|---|\n| [[GPT-4\\|model]] |", resolve_wikilink=resolve)
    assert '<td><a class="wikilink" href="/models/gpt-4/">model</a></td>' in html


def test_wikilink_title_from_resolver_is_escaped_text():
    html = render("[[X]]", resolve_wikilink=lambda t: ("/x/", "<b>*X*</b>"))
    assert html == '<p><a class="wikilink" href="/x/">&lt;b&gt;*X*&lt;/b&gt;</a></p>'


def test_wikilink_not_processed_in_code_span_block_or_math():
    html = render(
        "`[[GPT-4]]` $[[GPT-4]]$\n\n```\n[[GPT-4]]\n```\n\n$$\n[[GPT-4]]\n$$",
        resolve_wikilink=resolve,
    )
    assert "wikilink" not in html
    assert "<code>[[GPT-4]]</code>" in html
    assert '<span class="arithmatex">\\([[GPT-4]]\\)</span>' in html
    assert '<div class="arithmatex">\\[\n[[GPT-4]]\n\\]</div>' in html


def test_render_document_lists_wikilink_targets_in_order_once():
    calls = []

    def counting(target):
        calls.append(target)
        return resolve(target)

    doc = render_document(
        "[[Nowhere]] [[Attention|a]] [[GPT-4]] [[Attention#Intro]] `[[Code]]`",
        resolve_wikilink=counting,
    )
    assert doc.wikilinks == ["Nowhere", "Attention", "GPT-4"]
    assert calls == ["Nowhere", "Attention", "GPT-4"]


def test_wikilink_resolver_url_with_javascript_is_dropped():
    html = render("[[Evil]]", resolve_wikilink=resolve)
    assert html == '<p><a class="wikilink">Evil</a></p>'


# --- Figures: embeds and image widths --------------------------------------------------


class Figures:
    """A resolver that also finds figures, as core.wikilinks.Index does."""

    def __call__(self, target):
        return resolve(target)

    def figure(self, name):
        return {"loss.png": ("/figures/ab.png", 800, 600)}.get(name)


@pytest.mark.parametrize(
    ("text", "img"),
    [
        ("![300](/a.png)", '<img alt="" src="/a.png" width="300">'),
        ("![Loss curve|300](/a.png)", '<img alt="Loss curve" src="/a.png" width="300">'),
        ("![Loss | 300](/a.png)", '<img alt="Loss" src="/a.png" width="300">'),
        ("![2023 results](/a.png)", '<img alt="2023 results" src="/a.png">'),
        ("![x|wide](/a.png)", '<img alt="x|wide" src="/a.png">'),
    ],
)
def test_an_images_width_is_written_as_obsidian_writes_it(text, img):
    assert render(text) == f"<p>{img}</p>"


@pytest.mark.parametrize(
    ("text", "img"),
    [
        ("![[loss.png]]", 'alt="loss.png" height="600" src="/figures/ab.png" width="800"'),
        ("![[loss.png|400]]", 'alt="loss.png" height="300" src="/figures/ab.png" width="400"'),
        ("![[loss.png|Loss|400]]", 'alt="Loss" height="300" src="/figures/ab.png" width="400"'),
        ("![[loss.png|Loss]]", 'alt="Loss" height="600" src="/figures/ab.png" width="800"'),
        (
            "| a |\n|---|\n| ![[loss.png\\|400]] |",
            'alt="loss.png" height="300" src="/figures/ab.png" width="400"',
        ),
    ],
)
def test_an_embed_shows_the_figure_at_its_size(text, img):
    doc = render_document(text, resolve_wikilink=Figures())
    assert f"<img {img}" in doc.html
    assert doc.wikilinks == []


def test_an_embed_of_no_figure_is_marked_missing():
    html = render("![[Pasted image 1.png]] [[GPT-4]]", resolve_wikilink=Figures())
    assert html == (
        '<p><span class="wikilink wikilink-missing" title="Figure not uploaded yet: '
        'Pasted image 1.png">Pasted image 1.png</span> '
        '<a class="wikilink" href="/models/gpt-4/">GPT-4</a></p>'
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # A vault's link to its file: the uploaded figure of that name.
        (
            "![Loss|400](attachments/loss.png)",
            '<p><img alt="Loss" height="300" src="/figures/ab.png" width="400"></p>',
        ),
        (
            "![](Pasted%20image/loss.png)",
            '<p><img alt="" height="600" src="/figures/ab.png" width="800"></p>',
        ),
        # None uploaded: marked missing, as an embed is, its description kept.
        (
            "![the curve](curve.png?v=2) text",
            '<p><span class="wikilink wikilink-missing" title="Figure not uploaded yet: '
            'curve.png">the curve</span> text</p>',
        ),
        # Raw HTML at a relative address, as a vault sizes an image: the same.
        (
            '<img src="attachments/loss.png" width="400">',
            '<p><img src="/figures/ab.png" width="400" height="300" alt=""></p>',
        ),
        (
            '<img src="x.png" alt="A &amp; <b>">',
            '<p><span class="wikilink wikilink-missing" title="Figure not uploaded yet: x.png">'
            "A &amp; &lt;b&gt;</span></p>",
        ),
        (
            "<img src=x>",
            '<p><span class="wikilink wikilink-missing" title="Figure not uploaded yet: x">'
            "x</span></p>",
        ),
        # "alt=" in another attribute's value is no description (it raised).
        (
            '<img src="x.png" title="see alt=y">',
            '<p><span class="wikilink wikilink-missing" title="Figure not uploaded yet: x.png">'
            "x.png</span></p>",
        ),
        # On the site or the web: kept as written.
        ("![a](/media/a.png)", '<p><img alt="a" src="/media/a.png"></p>'),
        ("![a](https://example.org/a.png)", '<p><img alt="a" src="https://example.org/a.png"></p>'),
    ],
)
def test_an_image_at_a_relative_address_is_an_uploaded_figure_or_marked_missing(text, html):
    """The browser asked the note's own address plus "x" and showed a broken image."""
    assert render_document(text, resolve_wikilink=Figures()).html == html


def test_an_embed_is_not_a_wiki_link_even_without_a_figure_resolver():
    doc = render_document("![[GPT-4]]", resolve_wikilink=resolve)
    assert "!" not in doc.html and "href" not in doc.html
    assert doc.wikilinks == []


# --- XSS ------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)" />',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "![img][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![d](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width:expression(alert(1))">x</div>',
    "> [!info] <img src=x onerror=alert(1)>\n> <script>alert(1)</script>",
    '| a |\n|---|\n| <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> |',
    "$</span><script>alert(1)</script>$",
    "$$</div><img src=x onerror=alert(1)>$$",
    "\\(</span><svg onload=alert(1)>\\)",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    '[[x" onmouseover="alert(1)|label]]',
    '[x](https://ok.example/" onclick="alert(1))',
    '<a href="https://ok.example/" onclick="alert(1)">x</a>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<img srcset="javascript:alert(1) 1x" src="javascript:alert(1)">',
    "<p><svg><style><img src=x onerror=alert(1)></style></svg></p>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<a href='javascript&colon;alert(1)'>x</a>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _tags(html):
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


# An on* attribute name in a tag; quoted values (where payload text may sit) are skipped.
EVENT_ATTRIBUTE = re.compile(r'<\w+(?:\s+[\w:-]+(?:="[^"]*")?)*\s+on\w+\s*=', re.IGNORECASE)
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "svg", "math", "object", "embed", "form", "button",
    "base", "meta", "link", "noscript", "textarea",
}  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload):
    html = render(payload, resolve_wikilink=resolve)
    assert "<script" not in html.lower()
    assert not EVENT_ATTRIBUTE.search(html)
    assert "style=" not in html
    for tag, attrs in _tags(html):
        assert tag not in FORBIDDEN_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            if name in ("href", "src", "srcset"):
                squashed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not squashed.startswith(("javascript:", "data:", "vbscript:"))
                assert name != "srcset"


def test_xss_payload_count():
    assert len(XSS_PAYLOADS) >= 25


def test_xss_math_payload_stays_escaped_text():
    assert render("$</span><script>alert(1)</script>$") == (
        '<p><span class="arithmatex">\\(&lt;/span&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\)'
        "</span></p>"
    )


def test_xss_javascript_link_keeps_text_but_loses_href():
    assert render("[click](javascript:alert(1))") == "<p><a>click</a></p>"


def test_xss_event_handler_dropped_from_allowed_tag():
    assert render('<img src="/a.png" onerror="alert(1)">') == '<p><img src="/a.png" alt=""></p>'


def test_xss_html_inside_callout_is_sanitised():
    html = render("> [!danger] Hi\n> <img src=/x onerror=alert(1)> <b onclick=x>b</b>")
    assert html == (
        '<div class="callout callout-danger">\n<p class="callout-title">Hi</p>\n'
        '<p><img src="/x" alt=""> <b>b</b></p>\n</div>'
    )


def test_xss_detector_catches_event_attribute():
    assert EVENT_ATTRIBUTE.search('<p><img src="x" onerror="alert(1)"></p>')
    assert not EVENT_ATTRIBUTE.search('<p title="x onerror=alert(1)">t</p>')


# --- Threads --------------------------------------------------------------------------


def test_render_in_threads_gives_the_same_result():
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"# H{i}\n\n[[Attention]] $x_{i}$ text[^n]\n\n[^n]: note {i}" for i in range(40)]
    expected = [render(text, resolve_wikilink=resolve) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: render(t, resolve_wikilink=resolve), texts))
    assert results == expected


def test_render_bracket_flood_is_shown_literally():
    # The parser is quadratic in "[" per block: a flood becomes a code block.
    html = render("[" * 1000)
    assert "<pre>" in html
    assert "[" * 1000 in html


def test_render_bracket_floods_in_many_blocks_use_the_stricter_limit():
    html = render("\n\n".join(["[a](" * 60] * 40))
    assert html.count("<pre>") == 40
    assert "<a " not in html


def test_render_ordinary_brackets_still_link():
    html = render("\n\n".join(["[a](http://a.example) " * 10] * 5))
    assert html.count('<a href="http://a.example"') == 50


@pytest.mark.parametrize("fence", ["```python", "~~~", "````"])
def test_a_code_fence_left_open_runs_to_the_end_as_code(fence):
    """A browser walk's note ended in an unclosed fence: its code's comments became
    headings, on the page and as slides."""
    html = render(f"Intro\n\n{fence}\nprint(1)\n# comment\n## text\n")
    assert "<h1" not in html and "<h2" not in html
    assert "<code>" in html and "comment" in html.split("<code>")[1]
    assert fence not in html


def test_fences_closed_or_only_mentioned_are_left_as_they_are():
    assert render("```\nclosed\n```\n\ntext").endswith("<p>text</p>")
    mentioned = render("Use ``` for code.\n\n# Heading")
    assert "<h1" in mentioned and "<code>" not in mentioned


# --- Nesting --------------------------------------------------------------------------

AS_WRITTEN = (
    '<div class="callout callout-warning"><p class="callout-title">This text nests too '
    "deeply to be shown formatted; here it is as written.</p></div>\n<pre><code>"
)
DEEP_EMPHASIS = "*" * 2000 + "x" + "*" * 2000
DEEP_LIST = "".join("- " * i + "x\n" for i in range(1, 315))
NESTED_ITEMS = (("- " * 32 + "x\n") * 1516)[:100_000]  # seconds to render into 1 MB


@pytest.mark.parametrize(
    "text",
    [DEEP_EMPHASIS, "_" * 2000 + "x" + "_" * 2000, DEEP_LIST, NESTED_ITEMS],
    ids=["*", "_", "list", "many nested items"],
)
def test_a_text_nested_too_deeply_is_shown_as_written_not_rendered(text):
    """A run of 2,000 asterisks each side went past Python's recursion limit, and the
    probe's list (99.5 K characters) took seconds and gave 1.3 MB of HTML. A save that
    shows no form error (loaddata, a script) now keeps the text and shows it as written."""
    rendered = render_document(f"<b>{text}")
    assert rendered == Rendered(html=f"{AS_WRITTEN}&lt;b&gt;{text}</code></pre>")


def test_the_warning_over_a_text_shown_as_written_is_in_its_language():
    html = render(DEEP_EMPHASIS, language="zh-hans")
    assert html.startswith(
        '<div class="callout callout-warning"><p class="callout-title">'
        "这段文字嵌套太深，无法按格式显示，下面是原文。</p></div>"
    )


def test_running_out_of_recursion_all_the_same_shows_the_text_as_written(monkeypatch):
    """The last resort: a text the check reads as shallower than it renders."""
    monkeypatch.setattr("core.markdown.too_deep", lambda text: None)
    assert render(DEEP_EMPHASIS) == f"{AS_WRITTEN}{DEEP_EMPHASIS}</code></pre>"
    # The thread's Markdown instance, stopped halfway, is replaced: the next text renders.
    assert render("# Next\n\n**ok**") == (
        '<h1 id="next">Next<a class="headerlink" href="#next" title="Link to this section">'
        "#</a></h1>\n<p><strong>ok</strong></p>"
    )


def test_ordinary_nesting_still_renders():
    ten = "".join("    " * level + f"- level {level + 1}\n" for level in range(10))
    html = render(f"{ten}\n**bold *italic***\n\n> > quoted **twice**")
    assert html.count("<ul>") == 10
    assert "<li>level 10</li>" in html
    assert "<p><strong>bold <em>italic</em></strong></p>" in html
    assert "<blockquote>\n<blockquote>\n<p>quoted <strong>twice</strong></p>" in html


def test_tags_the_site_does_not_keep_are_shown_as_written():
    """A reading group on language models writes <think>, <pad> and <s> in running text:
    the sanitiser dropped the unknown ones, and <s> … </s> struck out what lay between."""
    html = render(
        "The model emits <think> first, then </think>; pad with <pad>. BOS <s>, EOS </s>."
    )
    assert html == (
        "<p>The model emits &lt;think&gt; first, then &lt;/think&gt;; pad with &lt;pad&gt;. "
        "BOS &lt;s&gt;, EOS &lt;/s&gt;.</p>"
    )
    assert (
        render("<think>\nreasoning\n</think>") == "<p>&lt;think&gt;\nreasoning\n&lt;/think&gt;</p>"
    )


def test_raw_html_the_site_keeps_is_still_html():
    html = render("H<sub>2</sub>O, <kbd>Ctrl</kbd>, a<br>b, <mark>key</mark>, <del>old</del>")
    assert html == (
        "<p>H<sub>2</sub>O, <kbd>Ctrl</kbd>, a<br>b, <mark>key</mark>, <del>old</del></p>"
    )


def test_a_flood_of_tags_never_closed_is_read_once():
    """Python-Markdown's HTML parser read each "<a " of a text that never closes one to
    the text's end: 20 000 characters took 4 s, a note's 100 000 some 100 s. A "<" now
    ends a start tag's attributes, so each is read up to the next."""
    from markdown.htmlparser import htmlparser

    assert htmlparser.locatestarttagend_tolerant.match("<a <a <a", 0).end() == 3
    assert htmlparser.locatestarttagend_tolerant.match('<img src="x" <b', 0).end() == 13
    html = render("<a " * 30_000)
    assert html.count("&lt;a") == 30_000


# --- Whether a text shows anything -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " \n", "\u200b", "<!-- x -->", "&#8203;", "&nbsp;", "<!-- <video> -->",
     "## <!-- -->", "<br>", "[x]: https://example.org"],
)  # fmt: skip
def test_a_text_that_renders_as_nothing_shows_nothing(text):
    assert not shows_something_rendered(text)


@pytest.mark.parametrize(
    "text", ["x", "![](/figures/a.png)", '<img src="/figures/a.png">', "$x$", "&amp;", "## 中"]
)
def test_a_text_with_a_sign_an_image_or_a_formula_shows_something(text):
    assert shows_something_rendered(text)


def test_a_reading_over_chinese_characters_stays_html():
    """<ruby> (pinyin over characters), <cite> and <dfn> were shown as written once raw
    tags the site does not keep became text: they are kept."""
    html = render(
        "<ruby>汉<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>, <cite>BERT</cite>, <dfn>LoRA</dfn>"
    )
    assert html == (
        "<p><ruby>汉<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>, <cite>BERT</cite>, <dfn>LoRA</dfn></p>"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<center>x</center>", "<p>&lt;center&gt;x&lt;/center&gt;</p>"),
        ('<video src="a.mp4"></video>', '<p>&lt;video src="a.mp4"&gt;&lt;/video&gt;</p>'),
        ("<script>x</script>", "<p>&lt;script&gt;x&lt;/script&gt;</p>"),
        ("<style>p{}</style>", "<p>&lt;style&gt;p{}&lt;/style&gt;</p>"),
        ("<think>\nreasoning\n</think>", "<p>&lt;think&gt;\nreasoning\n&lt;/think&gt;</p>"),
    ],
)
def test_a_block_of_a_tag_the_site_does_not_keep_is_shown_as_written(text, shown):
    """As such a tag within a line is: the sanitiser showed what <center> held without it,
    and nothing of a <video>, a <script> or a reasoning trace's <think> block, with no
    sign to the writer."""
    assert render(text) == shown
    assert shows_something_rendered(text)


def test_a_block_of_kept_tags_and_a_comment_stay_html():
    assert render("<div>\n<b>ok</b>\n</div>") == "<div>\n<b>ok</b>\n</div>"
    assert render("<!-- draft <video> -->\n\nx").strip() == "<p>x</p>"
