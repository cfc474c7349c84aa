"""The bilingual template tags: one way to show a Chinese/English pair everywhere."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.bilingual import bilingual_html, pair_sections
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load bilingual %}" + source).render(Context(context))


def test_sections_of_a_translation_stand_side_by_side():
    zh = '<p>前言</p><h2 id="a">一</h2><p>甲</p><h3 id="b">一点一</h3><p>乙</p><h2 id="c">二</h2>'
    en = '<p>Preface</p><h2 id="x">One</h2><p>A</p><h3 id="y">1.1</h3><p>B</p><h2 id="z">Two</h2>'
    pairs = pair_sections(zh, en)
    assert [(z[:9], e[:9]) for z, e in pairs] == [
        ("<p>前言</p>", "<p>Prefac"),
        ('<h2 id="a', '<h2 id="x'),
        ('<h3 id="b', '<h3 id="y'),
        ('<h2 id="c', '<h2 id="z'),
    ]


def test_texts_cut_differently_pair_at_the_larger_headings_or_not_at_all():
    zh = '<h2 id="a">一</h2><h3 id="b">细</h3><h2 id="c">二</h2>'
    en = '<h2 id="x">One</h2><h2 id="z">Two</h2>'
    assert len(pair_sections(zh, en)) == 2
    assert pair_sections("<p>只有一段</p>", '<h2 id="x">One</h2><h2 id="y">Two</h2>') == [
        ("<p>只有一段</p>", '<h2 id="x">One</h2><h2 id="y">Two</h2>')
    ]


def test_bilingual_tag_marks_the_translated_side_and_rows():
    note = NoteFactory(body_zh="## 一\n\n甲\n\n## 二\n\n乙", body_en="## One\n\nA\n\n## Two\n\nB")
    note.translation = "en"
    html = render("{% bilingual note %}", note=note)
    assert 'class="bilingual has-both translated-en"' in html
    assert html.count('<div class="pair">') == 2
    # The hint for a narrow screen is the page's, under its reading switch, not the block's.
    assert "Side by side needs a wider screen" not in html


def test_titles_show_each_side_once_and_headings_put_the_original_first():
    paper = PaperFactory(title_en="Attention Is All You Need", title_zh="注意力就是一切")
    same = PaperFactory(title_en="LLaMA", title_zh="LLaMA")
    assert render("{% bilingual_title p %}", p=same).count("LLaMA") == 1
    heading = render("{% bilingual_heading p %}", p=paper)
    assert heading.index("Attention") < heading.index("注意力")
    assert '<p class="subtitle" lang="zh-Hans">注意力就是一切</p>' in heading


def test_pick_follows_the_reading_language_and_falls_back():
    paper = PaperFactory(summary_zh="", summary_en="Only English.")
    assert render('{% pick p "summary" %}', p=paper, reading="zh") == "Only English."


def test_every_template_shows_bilingual_text_through_the_tags():
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    direct = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "_bilingual.html" in path.read_text(encoding="utf-8")
    ]
    assert direct == []


def test_the_same_text_on_both_sides_shows_once_without_language_marks():
    note = NoteFactory(body_zh="Only **English** here.", body_en="Only **English** here.")
    html = render("{% bilingual note %}", note=note)
    assert html.count("Only <strong>English</strong> here.") == 1
    assert "side-label" not in html and "no Chinese version yet" not in html


def test_a_chinese_side_that_only_repeats_part_of_the_english_shows_once():
    paper = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="Llama Guard")
    with translation.override("zh-hans"):
        heading = render("{% bilingual_heading p original=True %}", p=paper)
        inline = render("{% bilingual_title p %}", p=paper)
    assert heading.count("Llama Guard") == 1 and "subtitle" not in heading
    assert inline == '<span lang="en">Llama Guard: LLM-based Safeguard</span>'


def test_headings_and_inline_titles_put_the_readers_language_first():
    from django.utils import translation

    note = NoteFactory(title_zh="思维链", title_en="Chain of thought")
    paper = PaperFactory(title_en="Attention Is All You Need", title_zh="注意力就是一切")
    english = '<span lang="en">Chain of thought</span>'
    chinese = '<span lang="zh-Hans">思维链</span>'
    with translation.override("zh-hans"):
        heading = render("{% bilingual_heading n %}", n=note)
        inline = render("{% bilingual_title n %}", n=note)
        chosen = render("{% bilingual_heading n %}", n=note, reading="en")
        published = render("{% bilingual_heading p original=True %}", p=paper)
    assert heading.index("思维链") < heading.index("Chain of thought")
    assert '<p class="subtitle" lang="en">Chain of thought</p>' in heading
    assert inline == f"{chinese} · {english}"
    assert render("{% bilingual_title n %}", n=note) == f"{english} · {chinese}"
    # The reader's own choice over the interface's; a paper's published title first.
    assert chosen.index("Chain of thought") < chosen.index("思维链")
    assert published.index("Attention") < published.index("注意力")


def test_pick_gives_the_records_own_word_for_a_missing_pair():
    note = NoteFactory(title_zh="", title_en="", body_zh="正文")
    assert render('{% pick n "title" %}', n=note) == "Untitled note"


def test_same_title_compares_each_language():
    from core.templatetags.bilingual import same_title

    paper = PaperFactory(title_en="Self-Instruct", title_zh="自指导")
    assert same_title(NoteFactory(title_en=" self-instruct "), paper)
    assert same_title(NoteFactory(title_en="Other", title_zh="自指导"), paper)
    assert not same_title(NoteFactory(title_en="", title_zh=""), paper)
    assert not same_title(NoteFactory(), None)


def test_sections_of_a_text_translated_in_part_stand_beside_their_counterparts():
    """One more section on the Chinese side: the others stay beside their translations,
    found by their numbers and what they hold; the extra one stands beside nothing."""
    zh = (
        '<p>前言</p><h2 id="a">1 背景</h2><p>甲</p><h2 id="b">2 模型对比</h2><table></table>'
        '<h2 id="c">3 多头注意力</h2><p>乙</p><h2 id="d">4 补充说明</h2><p>丙</p>'
        '<h2 id="e">5 结论</h2><p>丁</p>'
    )
    en = (
        '<p>Preface</p><h2 id="v">1 Background</h2><p>A</p><h2 id="w">2 Models</h2>'
        '<table></table><h2 id="x">3 Multi-head attention</h2><p>B</p>'
        '<h2 id="z">5 Conclusion</h2><p>D</p>'
    )
    pairs = pair_sections(zh, en)
    assert [(z[:9], e[:9]) for z, e in pairs] == [
        ("<p>前言</p>", "<p>Prefac"),
        ('<h2 id="a', '<h2 id="v'),
        ('<h2 id="b', '<h2 id="w'),
        ('<h2 id="c', '<h2 id="x'),
        ('<h2 id="d', ""),
        ('<h2 id="e', '<h2 id="z'),
    ]


def test_a_sides_badges_are_in_the_interfaces_language_inside_the_sides_label():
    """A label "English 译文" is in English, its badge in Chinese: each says so, for a
    screen reader's voice (the badge read as English was gibberish)."""
    with translation.override("zh-hans"):
        html = bilingual_html("<p>中文</p>", "<p>English</p>", [("中文", "English")], "en")
    label = '<p class="side-label side-en" lang="en">English <span class="badge" lang="zh-Hans">'
    assert label in html
    with translation.override("en"):
        html = bilingual_html("", "<p>English</p>", [("", "English")])
    assert '<span class="badge badge-missing" lang="en">no Chinese version yet</span>' in html
