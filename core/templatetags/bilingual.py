"""Show a record's Chinese/English pairs (``<name>_zh`` / ``<name>_en``) the same way everywhere.

``{% bilingual_title obj %}`` the title in both languages, inline, the reader's first;
``{% bilingual_heading obj %}`` the page heading in the reader's language, the other
below it (``original=True``: in the model's order, a paper's published title first);
``{% bilingual obj "body" %}`` a text side by side (rendered Markdown where the model
keeps it, else plain text), marking a missing or translated side;
``{% pick obj "description" %}`` one side, the reader's language first;
``a|same_title:b`` whether two records bear the same title in a language;
``{% picked obj "description" %}`` the same side in its own ``lang`` and, when it is not
in the reader's language, marked "Chinese only" / "English only";
``{% only_badge text %}`` the "… only" mark alone, for a text kept in one language
(curation remarks); ``text|text_lang`` the ``lang`` attribute for such a text.
"""

import re
from html.parser import HTMLParser

from django import template
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.alignment import align, shape
from core.escaping import esc, safe
from core.language import (
    LANG_ATTRIBUTE,
    colon,
    interface_language,
    items_separator,
    names_separator,
    pick_side,
    reader_language,
    repeats,
    sentences_separator,
    text_language,
)
from core.models import Bilingual
from core.pagecache import by_content

register = template.Library()


def _sides(obj, name, first=""):
    """Return the pair's non-empty sides as [(language code, text)]: the side in
    ``first`` ("zh" or "en") first, else in the model's order."""
    declared = getattr(type(obj), name, None)
    prefer = declared.prefer if isinstance(declared, Bilingual) else ("zh", "en")
    if first in prefer:
        prefer = (first, *(code for code in prefer if code != first))
    sides = [(code, text) for code in prefer if (text := getattr(obj, f"{name}_{code}", ""))]
    # The same text on both sides (an English title kept as the Chinese one) shows once,
    # and so does a Chinese side that repeats part of the English one (its short name).
    if len(sides) == 2 and sides[0][1] == sides[1][1]:
        return sides[:1]
    texts = dict(sides)
    if len(sides) == 2 and repeats(texts["zh"], texts["en"]):
        return [("en", texts["en"])]
    return sides


def bilingual_title(obj, name="title", first=""):
    """The title in each of its languages, inline, each side in its own ``lang``, the
    side in ``first`` first (else the model's order). Made in Python, not a template:
    lists show one per row (the glossary two hundred)."""
    sides = _sides(obj, name, first)
    if not sides:
        return conditional_escape(getattr(obj, name, ""))
    return safe(  # each text escaped
        " · ".join(
            f'<span lang="{"zh-Hans" if code == "zh" else "en"}">{esc(text)}</span>'
            for code, text in sides
        )
    )


@register.simple_tag(takes_context=True, name="bilingual_title")
def bilingual_title_tag(context, obj, name="title"):
    """``{% bilingual_title obj %}``: the title inline, the reader's language first."""
    return bilingual_title(obj, name, reader_language_in(context))


@register.simple_tag(takes_context=True)
def bilingual_heading(context, obj, name="title", original=False):
    """The page heading in the reader's language, the other below it; with
    ``original=True`` in the model's order instead (a paper: the title it was published
    under first, as every list names it). Made in Python, not an included template: the
    include cost more than its two lines."""
    first = "" if original else reader_language_in(context)
    sides = _sides(obj, name, first) or [("", getattr(obj, name, ""))]
    code, text = sides[0]
    html = (
        f'<h1><span lang="{_lang(code)}">{esc(text)}</span></h1>\n'
        if code
        else f"<h1>{esc(text)}</h1>\n"
    )
    if len(sides) > 1:
        code, text = sides[1]
        html += f'<p class="subtitle" lang="{_lang(code)}">{esc(text)}</p>'
    return safe(html + "\n")  # each text escaped


def _lang(code):
    return "zh-Hans" if code == "zh" else "en"


HEADING = re.compile(r"<h[123][\s>]", re.IGNORECASE)
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TopHeadings(HTMLParser):
    """Find where each heading (h1 to h3) that is not inside another element starts."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth, self.found = 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth == 0 and tag in ("h1", "h2", "h3"):
            self.found.append((int(tag[1]), self.getpos()))
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.depth = max(self.depth - 1, 0)


def _headings(html):
    """Return (level, offset) of each top-level h1–h3 of rendered HTML."""
    parser = _TopHeadings()
    parser.feed(html)
    parser.close()
    line_starts = [0]
    for line in html.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    return [(level, line_starts[row - 1] + col) for level, (row, col) in parser.found]


LEADING_HEADING = re.compile(r"\s*<h([1-6])[^>]*>(.*?)</h\1>", re.DOTALL)


def _part_shape(part):
    """A section's shape (core.alignment.shape) from its HTML, its heading leading it."""
    heading = LEADING_HEADING.match(part)
    level, title = (int(heading.group(1)), heading.group(2)) if heading else (0, "")
    return shape(level, title, part)


def _cut(html, headings, level):
    """Cut rendered HTML before each of its top-level headings of at most this level."""
    cuts = [offset for lvl, offset in headings if lvl <= level and offset > 0]
    bounds = [0, *cuts, len(html)]
    return [html[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if html[a:b].strip()]


def pair_sections(zh, en):
    """Return [(zh part, en part)] of two rendered texts cut at the same headings, so that
    side by side each section of one language stands beside its translation. The texts
    are cut at h1–h3 when both have as many of them, else at h1–h2. When their h1–h2
    sections still differ (a talk translated in part, a section added on one side), the
    sections that correspond are matched (core.alignment) and one found on one side
    only stands beside nothing, rather than the whole texts side by side drifting apart.
    Kept by content in the shared cache: parsing a long write-up takes milliseconds."""
    if not (zh and en) or not (HEADING.search(zh) and HEADING.search(en)):
        return [(zh, en)]  # nothing to cut at (most short texts): no parse, no cache

    def cut_both():
        zh_headings, en_headings = _headings(zh), _headings(en)
        for level in (3, 2):
            zh_parts, en_parts = _cut(zh, zh_headings, level), _cut(en, en_headings, level)
            if len(zh_parts) == len(en_parts) > 1:
                return list(zip(zh_parts, en_parts, strict=True))
        if len(zh_parts) > 1 and len(en_parts) > 1:
            rows = align(zh_parts, en_parts, _part_shape)
            return [(zh_part or "", en_part or "") for zh_part, en_part in rows]
        return [(zh, en)]

    return [
        (mark_safe(z), mark_safe(e))  # parts of sanitised HTML cut between elements
        for z, e in by_content("sections", [zh, en], cut_both)
    ]


@register.simple_tag
def bilingual(obj, name="body"):
    """Both sides of a text, section beside section; Markdown fields show their rendered
    HTML, other texts their lines. Made in Python, not a template: the glossary shows
    two hundred."""
    if hasattr(obj, f"{name}_zh_html"):
        zh, en = getattr(obj, f"{name}_zh_html"), getattr(obj, f"{name}_en_html")
    else:
        zh, en = (linebreaksbr(getattr(obj, f"{name}_{code}", "")) for code in ("zh", "en"))
    if zh and zh == en:  # the same text on both sides (an untranslated import): once
        return bilingual_html(zh, "", [(zh, "")], same=True)
    return bilingual_html(zh, en, pair_sections(zh, en), getattr(obj, "translation", ""))


def bilingual_html(zh, en, rows, translation="", same=False):
    """The two sides' HTML (safe, rendered) as rows of (zh part, en part), each side marked
    with its language; ``translation`` ("zh" or "en") marks the translated side; ``same``:
    one text stands for both."""
    if zh and en:
        kind = "has-both" + (f" translated-{escape(translation)}" if translation else "")
    else:
        kind = "only-zh" if zh else "only-en"
    html = [f'<div class="bilingual {kind}">']
    if not (zh or en):
        nothing = escape(_("Nothing written yet."))
        html.append(f'<p class="empty">{nothing}</p></div>')
        return safe("".join(html))  # escaped above
    if not same:
        html.append('<div class="pair side-labels">')
        if zh:
            html.append(_side_label("zh", translation == "zh", not en))
        if en:
            html.append(_side_label("en", translation == "en", not zh))
        html.append("</div>")
    zh_open = '<section class="side side-zh">' if same else ZH_SIDE
    for zh_part, en_part in rows:
        html.append('<div class="pair">')
        if zh:
            html.append(f'{zh_open}<div class="markdown">{zh_part}</div></section>')
        if en:
            html.append(f'{EN_SIDE}<div class="markdown">{en_part}</div></section>')
        html.append("</div>")
    html.append("</div>")
    return safe("".join(html))  # sanitised HTML and escaped labels


ZH_SIDE = '<section class="side side-zh" lang="zh-Hans">'
EN_SIDE = '<section class="side side-en" lang="en">'


SIDE_LABELS = {
    "zh": '<p class="side-label side-zh" lang="zh-Hans">中文</p>',
    "en": '<p class="side-label side-en" lang="en">English</p>',
}


def _side_label(code, translated, other_missing):
    """A side's label: its language, "translation" when it is one, and the other side's
    absence."""
    if not (translated or other_missing):  # most sides (the glossary shows 400 of them)
        return SIDE_LABELS[code]
    badges = ""
    # The badges are in the interface's language, the label they sit in in its side's.
    lang = LANG_ATTRIBUTE[interface_language()]
    if translated:
        label = escape(_("translation"))
        badges += f' <span class="badge" lang="{lang}">{label}</span>'
    if other_missing:
        missing = _("no English version yet") if code == "zh" else _("no Chinese version yet")
        badges += f' <span class="badge badge-missing" lang="{lang}">{escape(missing)}</span>'
    if code == "zh":
        return f'<p class="side-label side-zh" lang="zh-Hans">中文{badges}</p>'
    return f'<p class="side-label side-en" lang="en">English{badges}</p>'


def reader_language_in(context):
    """The language a template's reader reads first (core.language.reader_language)."""
    return context.get("reader_language") or reader_language(context.get("reading"))


def _picked(context, obj, name):
    """Return (language code, text) of the side in the reader's language, else the other."""
    return pick_side(obj, name, reader_language_in(context))


@register.simple_tag(takes_context=True)
def pick(context, obj, name):
    """Return the side in the reader's language: the one they read, or, when they read
    side by side, the interface's; the other side when that one is missing; when both
    are, what the record says instead ("Untitled note": ``Bilingual``)."""
    return _picked(context, obj, name)[1] or getattr(obj, name, "")


@register.filter
def same_title(obj, other):
    """Whether two records bear the same title in a language (a note titled as the
    paper it is about), so that a row need not name both."""
    return any(
        mine.strip().casefold() == theirs.strip().casefold()
        for code in ("zh", "en")
        if (mine := getattr(obj, f"title_{code}", ""))
        and (theirs := getattr(other, f"title_{code}", ""))
    )


@register.simple_tag(takes_context=True)
def picked(context, obj, name, truncate=None, linebreaks=False):
    """One side of a pair, in its own language, marked when the reader's side is missing.

    ``truncate`` shortens the text to so many characters (lists); ``linebreaks`` keeps
    its line breaks."""
    code, text = _picked(context, obj, name)
    if truncate:
        text = truncatechars(text, truncate)
    return picked_html(code, text, reader_language_in(context), linebreaks)


def picked_html(code, text, reader, linebreaks=False):
    """The side ``text`` in language ``code`` in its own ``lang``, marked "… only" when
    that is not the ``reader``'s language ("" for no text). Made in Python: a reading
    list shows one per paper."""
    if not text:
        return ""
    lang = LANG_ATTRIBUTE.get(code, "")
    lang_attribute = f' lang="{escape(lang)}"' if lang else ""
    shown = linebreaksbr(text) if linebreaks else conditional_escape(text)
    only = code if code and code != reader else ""
    return mark_safe(f"<span{lang_attribute}>{shown}</span>{only_badge_html(only)}")  # noqa: S308


def only_badge_html(only):
    """The "Chinese only" / "English only" mark for a text whose only language is
    ``only`` ("" for none)."""
    if only == "zh":
        title, label = _("no English version yet"), _("Chinese only")
    elif only == "en":
        title, label = _("no Chinese version yet"), _("English only")
    else:
        return ""
    return format_html(' <span class="badge badge-missing" title="{}">{}</span>', title, label)


@register.simple_tag(takes_context=True)
def only_badge(context, text):
    """The "Chinese only" / "English only" mark for a text in one language, when that is
    not the reader's."""
    code = text_language(text)
    return only_badge_html(code if code and code != reader_language_in(context) else "")


# {% translate "Presenter" %}{% colon %}{{ name }}; {% colon "end" %} at the end of a line
register.simple_tag(colon, name="colon")
# {% for name in names %}{{ name }}{% if not forloop.last %}{% names_separator %}{% endif %}…
register.simple_tag(names_separator, name="names_separator")
# {% for title in titles %}{{ title }}{% if not forloop.last %}{% items_separator %}{% endif %}…
register.simple_tag(items_separator, name="items_separator")
# {{ sentence }}{% sentences_separator %}{{ next sentence }}
register.simple_tag(sentences_separator, name="sentences_separator")


@register.filter
def text_lang(text):
    """The ``lang`` attribute value for a text in one language ("" when it cannot tell)."""
    return LANG_ATTRIBUTE.get(text_language(text), "")
