"""Split a rendered write-up (sanitised HTML from core.markdown) into slides.

A slide starts at every h1 and h2, at an explicit ``---`` (``<hr>``), and at h3 when
the section around it would not fit on one slide. Whatever does not fit on a slide
continues on the next one: lists are split between items (an ``<ol>`` keeps its
numbering) and tables between rows (the header row repeats). Whether a block fits is
a size estimate in lines of body text; static/js/deck.js measures the laid-out slides
and shrinks any that still overflow.

Speaker notes are callouts of the kind ``notes`` (``> [!notes]`` or ``> [!speaker]``):
they leave the slide and go to its ``<aside class="notes">``.

The input is already sanitised; the output is re-serialised from it (text and
attribute values escaped), so it is as safe as the stored HTML.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

# The slide frame in CSS pixels (reveal.js width/height); static/css/deck.css uses the
# same numbers and font sizes.
FRAME_WIDTH, FRAME_HEIGHT = 1280, 720
BODY_WIDTH_EM = 44  # 1152px of body text at 26px
BODY_LINES = 14.0  # lines of 26px × 1.45 in the body below the slide title
# A section's last few lines may overfill its slide by this much rather than go on a
# slide of their own: deck.js then shrinks that slide a little.
TAIL_SLACK = 1.12
TABLE_SCALE = 0.8  # tables are set at 0.8em

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}
LEAD_ENDINGS = (":", "：")


@dataclass
class Node:
    tag: str | None  # None for a text node
    attrs: list = field(default_factory=list)
    children: list = field(default_factory=list)
    text: str = ""

    def get(self, name, default=None):
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def set(self, name, value):
        self.attrs = [(k, v) for k, v in self.attrs if k != name] + [(name, value)]

    def has_class(self, name):
        return name in (self.get("class") or "").split()

    def copy(self, children=None):
        children = self.children if children is None else children
        return Node(self.tag, list(self.attrs), list(children))

    @property
    def elements(self):
        return [c for c in self.children if c.tag is not None]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(Node(None, text=data))


def parse(html):
    """Parse an HTML fragment into a list of top-level nodes."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root.children


def serialize(nodes):
    return "".join(_serialize(node) for node in nodes)


def _serialize(node):
    if node.tag is None:
        return escape(node.text, quote=False)
    attrs = "".join(
        f" {key}" if value is None else f' {key}="{escape(value)}"' for key, value in node.attrs
    )
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{serialize(node.children)}</{node.tag}>"


def text_of(node):
    if node.tag is None:
        return node.text
    return "".join(text_of(child) for child in node.children)


def _without_headerlinks(nodes):
    kept = []
    for node in nodes:
        if node.tag == "a" and node.has_class("headerlink"):
            continue
        if node.tag is not None:
            node = node.copy(_without_headerlinks(node.children))
        kept.append(node)
    return kept


# --- Size estimates, in lines of body text --------------------------------------------


def em_width(text):
    """Width of text in em: CJK and full-width characters 1em, others about half."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char.isspace():
            width += 0.28
        elif char.isupper() or char in "mwMW":
            width += 0.68
        else:
            width += 0.52
    return width


def _inline_width(node):
    """Em width of inline content; TeX source is wider than the formula it makes."""
    if node.tag is None:
        return em_width(" ".join(node.text.split()) if node.text.strip() else "")
    if node.has_class("arithmatex"):
        return em_width(text_of(node)) * 0.45
    if node.tag == "br":
        return 0.0
    return sum(_inline_width(child) for child in node.children)


def _lines(width, capacity):
    return max(1, math.ceil(width / max(capacity, 4) - 0.05))


def _display_math(node):
    """Height of a display formula: about two lines per row of the formula."""
    rows = text_of(node).count("\\\\") + 1
    return 1.2 + 1.4 * rows


def estimate(node, width=BODY_WIDTH_EM):
    """Return the height of a block in lines of body text when set width em wide."""
    tag = node.tag
    if tag is None:
        return _lines(em_width(node.text), width) if node.text.strip() else 0.0
    if tag == "aside":  # a speaker-notes marker
        return 0.0
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return 1.05 * _lines(_inline_width(node) * 1.15, width) + 0.3
    if tag in ("ul", "ol"):
        return sum(_estimate_item(li, width - 1.6) for li in node.elements) + 0.4
    if tag == "table":
        return _estimate_table(node, width) + 0.4
    if tag == "pre" or (tag == "div" and node.has_class("highlight")):
        lines = text_of(node).rstrip("\n").split("\n")
        wrapped = sum(_lines(em_width(line) * 0.95, width / 0.85 - 2) for line in lines)
        return 0.82 * wrapped + 1.1
    if tag == "div" and node.has_class("arithmatex"):
        return _display_math(node) + 0.4
    if tag == "div" and node.has_class("callout"):
        return sum(estimate(child, width - 2) for child in node.elements) + 1.0
    if tag == "blockquote":
        return sum(estimate(child, width - 2) for child in node.elements) + 0.6
    if tag in ("div", "details", "dl", "dd", "li", "section"):
        if node.elements and all(_is_block(c) for c in node.elements):
            return sum(estimate(child, width) for child in node.elements)
    if tag == "img":
        return 8.0
    # A paragraph (or any other block of inline content).
    height = _lines(_inline_width(node), width)
    for child in node.children:
        if child.tag == "span" and child.has_class("arithmatex") and "\\[" in text_of(child):
            height += _display_math(child)
        if child.tag == "img":
            height += 7
        if child.tag == "br":
            height += 0.6
    return height + 0.4


BLOCK_TAGS = {
    "p", "ul", "ol", "table", "pre", "div", "blockquote", "details", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "aside",
}  # fmt: skip


def _is_block(node):
    return node.tag in BLOCK_TAGS


def _estimate_item(li, width):
    inline, blocks = [], []
    for child in li.children:
        (blocks if _is_block(child) else inline).append(child)
    height = 0.15
    inline_width = sum(_inline_width(child) for child in inline)
    if inline_width or not blocks:
        height += _lines(inline_width, width)
    for block in blocks:
        if block.tag in ("ul", "ol"):
            height += sum(_estimate_item(sub, width - 1.6) for sub in block.elements)
        elif block.tag == "p":
            height += estimate(block, width) - 0.2
        else:
            height += estimate(block, width)
    return height


def _rows(table):
    """Return (header rows, body rows) of a table."""
    head, body = [], []
    for part in table.elements:
        if part.tag == "thead":
            head.extend(r for r in part.elements if r.tag == "tr")
        elif part.tag in ("tbody", "tfoot"):
            body.extend(r for r in part.elements if r.tag == "tr")
        elif part.tag == "tr":
            body.append(part)
    return head, body


def _column_widths(rows, width):
    """Guess the columns' widths (em at table size) as a browser's auto layout would."""
    natural = []
    for row in rows:
        for index, cell in enumerate(row.elements):
            size = _inline_width(cell) + 1.6  # padding and border
            if index == len(natural):
                natural.append(size)
            else:
                natural[index] = max(natural[index], size)
    total = sum(natural)
    if total <= width or not natural:
        return natural
    # Narrow columns keep their width; the wide ones share what is left.
    fair = width / len(natural)
    narrow = [w for w in natural if w <= fair]
    rest = width - sum(narrow)
    wide_total = sum(w for w in natural if w > fair) or 1
    return [w if w <= fair else max(fair, rest * w / wide_total) for w in natural]


def _estimate_rows(rows, columns):
    height = 0.0
    for row in rows:
        lines = 1
        for index, cell in enumerate(row.elements):
            column = columns[index] if index < len(columns) else columns[-1]
            lines = max(lines, _lines(_inline_width(cell) + 0.1, column - 1.6))
        # One line of 0.8em × 1.35 plus 0.3em padding top and bottom.
        height += TABLE_SCALE * (0.93 * lines + 0.42)
    return height


def _estimate_table(table, width):
    head, body = _rows(table)
    columns = _column_widths(head + body, width / TABLE_SCALE) or [width]
    return _estimate_rows(head + body, columns)


# --- Splitting blocks that do not fit -------------------------------------------------


def _split_list(node, first, budget, width):
    """Split a list between items: [(part, height)], the first part at most first high."""
    parts, items, used, limit = [], [], 0.4, first
    start = int(node.get("start") or 1)
    heights = [_estimate_item(li, width - 1.6) for li in node.elements]
    for index, li in enumerate(node.elements):
        height = heights[index]
        if items and used + sum(heights[index:]) <= limit * TAIL_SLACK:
            pass  # the rest of the list overfills this slide a little: keep it here
        elif items and used + height > limit:
            parts.append((items, used))
            items, used, limit = [], 0.4, budget
        elif not items and not parts and used + height > limit:
            parts.append(([], 0.0))  # nothing fits in the space left: start a new slide
            limit = budget
        items.append(li)
        used += height
    parts.append((items, used))
    result, offset = [], 0
    for items, height in parts:
        if not items:
            result.append((None, 0.0))
            continue
        part = node.copy(items)
        if node.tag == "ol" and (offset or node.get("start")):
            part.set("start", str(start + offset))
        offset += len(items)
        result.append((part, height))
    return result


def _split_table(node, first, budget, width):
    """Split a table between rows; every part repeats the header rows."""
    head, body = _rows(node)
    columns = _column_widths(head + body, width / TABLE_SCALE) or [width]
    head_height = _estimate_rows(head, columns) + 0.4
    parts, rows, used, limit = [], [], head_height, first
    heights = [_estimate_rows([row], columns) for row in body]
    for index, row in enumerate(body):
        height = heights[index]
        if rows and used + sum(heights[index:]) <= limit * TAIL_SLACK:
            pass
        elif rows and used + height > limit:
            parts.append((rows, used))
            rows, used, limit = [], head_height, budget
        elif not rows and not parts and used + height > limit:
            parts.append(([], 0.0))
            limit = budget
        rows.append(row)
        used += height
    parts.append((rows, used))
    result = []
    for rows, height in parts:
        if not rows:
            result.append((None, 0.0))
            continue
        children = [Node("thead", children=list(head))] if head else []
        children.append(Node("tbody", children=rows))
        result.append((node.copy(children), height))
    return result


SPLITTERS = {"ul": _split_list, "ol": _split_list, "table": _split_table}


def _is_lead(node):
    """A block that introduces the next one and should not end a slide."""
    if node.tag in ("h3", "h4", "h5", "h6"):
        return True
    if node.tag != "p":
        return False
    elements = node.elements
    text = text_of(node).strip()
    if len(elements) == 1 and elements[0].tag in ("strong", "b"):
        if text == text_of(elements[0]).strip():
            return True
    return text.endswith(LEAD_ENDINGS) and em_width(text) < BODY_WIDTH_EM


def paginate(blocks, budget=BODY_LINES, width=BODY_WIDTH_EM):
    """Fill pages with blocks, splitting lists and tables; return a list of block lists."""
    pages, page, used = [], [], 0.0

    def new_page():
        nonlocal page, used
        if any(b.tag != "aside" for b in page):
            pages.append(page)
            page, used = [], 0.0

    heights = [estimate(block, width) for block in blocks]
    for index, block in enumerate(blocks):
        height = heights[index]
        if page and used + sum(heights[index:]) <= budget * TAIL_SLACK:
            page.extend(blocks[index:])
            break
        if _is_lead(block):
            following = next((b for b in blocks[index + 1 :] if b.tag != "aside"), None)
            if following is not None:
                height_next = min(estimate(following, width), 3.0)
                if page and used + height + height_next > budget:
                    new_page()
        if used + height <= budget or block.tag == "aside":
            page.append(block)
            used += height
            continue
        splitter = SPLITTERS.get(block.tag)
        if splitter is None:
            new_page()
            page.append(block)
            used = height
            continue
        parts = splitter(block, budget - used, budget, width)
        for number, (part, part_height) in enumerate(parts):
            if number:
                new_page()
            if part is not None:
                page.append(part)
                used += part_height
    if page:
        pages.append(page)
    return pages or [[]]


# --- Sections and slides --------------------------------------------------------------


@dataclass
class Section:
    title: str = ""  # HTML of the heading's content
    level: int = 0  # 1–3 for a heading, 0 for the start or after ---
    anchor: str = ""
    kicker: str = ""  # HTML of the enclosing heading's content
    blocks: list = field(default_factory=list)


@dataclass
class Slide:
    title: str = ""
    kicker: str = ""
    body: str = ""
    notes: str = ""
    anchor: str = ""
    part: int = 1
    parts: int = 1
    divider: bool = False
    # Side-by-side slides (?lang=both): the English column and title.
    body_en: str = ""
    title_en: str = ""
    paired: bool = False
    lang: str = ""  # "zh" or "en" when known

    @property
    def continued(self):
        return self.part > 1


def _extract_notes(node):
    """Return (node without speaker-notes callouts, [notes callouts])."""
    if node.tag is None:
        return node, []
    if node.tag == "div" and node.has_class("callout-notes"):
        return None, [node]
    found, children = [], []
    for child in node.children:
        kept, notes = _extract_notes(child)
        found.extend(notes)
        if kept is not None:
            children.append(kept)
    return (node.copy(children) if found else node), found


def _notes_marker(callouts):
    """An <aside> standing for speaker notes where they were written."""
    children = []
    for callout in callouts:
        children.extend(c for c in callout.children if not c.has_class("callout-title"))
    return Node("aside", [("class", "notes")], children)


def sections(html):
    """Split rendered HTML into sections at h1, h2 and <hr>."""
    result = [Section()]
    current_h1 = ""
    for node in parse(html):
        if node.tag is None:
            if node.text.strip():
                result[-1].blocks.append(Node("p", children=[node]))
            continue
        if node.tag in ("h1", "h2"):
            title = serialize(_without_headerlinks(node.children)).strip()
            kicker = current_h1 if node.tag == "h2" else ""
            if node.tag == "h1":
                current_h1 = title
            level = int(node.tag[1])
            result.append(Section(title, level, node.get("id") or "", kicker))
            continue
        if node.tag == "hr":
            result.append(Section())
            continue
        node = node.copy(_without_headerlinks(node.children))
        kept, notes = _extract_notes(node)
        if kept is not None:
            result[-1].blocks.append(kept)
        if notes:
            result[-1].blocks.append(_notes_marker(notes))
    return [s for s in result if s.title or s.blocks]


def _split_at_h3(section, budget, width):
    """Give each h3 of a section too long for one slide a slide of its own."""
    content = sum(estimate(b, width) for b in section.blocks)
    if content <= budget or not any(b.tag == "h3" for b in section.blocks):
        return [section]
    parts = [Section(section.title, section.level, section.anchor, section.kicker)]
    for block in section.blocks:
        if block.tag == "h3":
            title = serialize(_without_headerlinks(block.children)).strip()
            parts.append(Section(title, 3, block.get("id") or "", section.title))
        else:
            parts[-1].blocks.append(block)
    if not parts[0].blocks and parts[0].level == 2 and len(parts) > 1:
        # A bare h2 over its h3s: the h2 becomes the kicker of the first h3.
        parts = parts[1:]
    return parts


def _split_sections(html, budget, width):
    result = []
    for section in sections(html):
        result.extend(_split_at_h3(section, budget, width))
    return result


def _notes_of(page):
    return "".join(serialize(b.children).strip() for b in page if b.tag == "aside")


def _body_of(page):
    return serialize([b for b in page if b.tag != "aside"]).strip()


def build_slides(html, budget=BODY_LINES, width=BODY_WIDTH_EM, lang=""):
    """Return the slides of one rendered write-up."""
    slides = []
    for section in _split_sections(html, budget, width):
        if not section.blocks:
            slides.append(
                Slide(section.title, section.kicker, anchor=section.anchor, divider=True, lang=lang)
            )
            continue
        pages = paginate(section.blocks, budget, width)
        for number, page in enumerate(pages, start=1):
            slides.append(
                Slide(
                    title=section.title,
                    kicker=section.kicker,
                    body=_body_of(page),
                    notes=_notes_of(page),
                    anchor=section.anchor,
                    part=number,
                    parts=len(pages),
                    lang=lang,
                )
            )
    return _with_anchors(slides)


# Side by side, the text is set at 22px: two columns of 558px are 25em wide, and the
# body below a two-line title holds 16 lines.
PAIRED_WIDTH_EM, PAIRED_LINES = 24.5, 15.5


def build_side_by_side(zh_html, en_html, budget=PAIRED_LINES, width=PAIRED_WIDTH_EM):
    """Return slides with the Chinese and English texts side by side.

    Only when both texts have the same sections (one is a translation of the other);
    otherwise the Chinese slides followed by the English ones.
    """
    zh_sections = _sections_for_pairing(zh_html, budget, width)
    en_sections = _sections_for_pairing(en_html, budget, width)
    if len(zh_sections) != len(en_sections) or [s.level for s in zh_sections] != [
        s.level for s in en_sections
    ]:
        both = build_slides(zh_html, lang="zh") + build_slides(en_html, lang="en")
        return _with_anchors(both)
    slides = []
    for zh, en in zip(zh_sections, en_sections, strict=True):
        if not zh.blocks and not en.blocks:
            slides.append(
                Slide(
                    zh.title,
                    zh.kicker,
                    anchor=zh.anchor,
                    divider=True,
                    paired=True,
                    title_en=en.title,
                )
            )
            continue
        zh_pages = paginate(zh.blocks, budget, width)
        en_pages = paginate(en.blocks, budget, width)
        count = max(len(zh_pages), len(en_pages))
        for index in range(count):
            zh_page = zh_pages[index] if index < len(zh_pages) else []
            en_page = en_pages[index] if index < len(en_pages) else []
            slides.append(
                Slide(
                    title=zh.title,
                    kicker=zh.kicker,
                    body=_body_of(zh_page),
                    body_en=_body_of(en_page),
                    notes=_notes_of(zh_page) + _notes_of(en_page),
                    anchor=zh.anchor,
                    part=index + 1,
                    parts=count,
                    title_en=en.title,
                    paired=True,
                )
            )
    return _with_anchors(slides)


def _sections_for_pairing(html, budget, width):
    # Both sides must split alike for their sections to line up, so split at every h3
    # (the side-by-side columns are narrow anyway).
    result = []
    for section in sections(html):
        if any(b.tag == "h3" for b in section.blocks):
            result.extend(_split_at_h3(section, 0, width))
        else:
            result.append(section)
    return result


ID_SAFE = re.compile(r"[^\w.:-]+")


def _with_anchors(slides):
    """Give every slide a unique id for its URL fragment (#/anchor)."""
    seen = set()
    for number, slide in enumerate(slides, start=1):
        anchor = ID_SAFE.sub("-", slide.anchor).strip("-") if slide.anchor else ""
        if anchor.isdigit():
            anchor = f"s-{anchor}"
        if not anchor:
            anchor = f"slide-{number}"
        elif slide.part > 1:
            anchor = f"{anchor}--{slide.part}"
        while anchor in seen:
            anchor = f"{anchor}-{number}"
        seen.add(anchor)
        slide.anchor = anchor
    return slides
