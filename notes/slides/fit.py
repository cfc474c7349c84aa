"""How much of a slide a block fills, and how to split a block that does not fit."""

import math
import re
import unicodedata

from .cut import cut_item
from .tree import (
    Node,
    code_lines,
    code_part,
    integer_attribute,
    is_block,
    is_code,
    list_part,
    list_start,
    text_of,
)

# The slide frame in CSS pixels (reveal.js width/height); static/css/deck.css uses the
# same numbers and font sizes.
FRAME_WIDTH, FRAME_HEIGHT = 1280, 720
BODY_WIDTH_EM = 44  # 1152px of body text at 26px
BODY_LINES = 14.0  # lines of 26px × 1.45 in the body below the slide title
# A section's last few lines may overfill its slide by this much rather than go on a
# slide of their own: deck.js then shrinks that slide a little.
TAIL_SLACK = 1.12
TABLE_SCALE = 0.8  # tables are set at 0.8em
MIN_SCALE = 0.45  # the smallest deck.js shrinks a slide to (static/js/deck.js)

LEAD_ENDINGS = (":", "：")


# --- Size estimates, in lines of body text --------------------------------------------


# Widths of Latin letters in em, by kind, for the sans-serif faces a presenter's screen
# sets English in. Measured in Chromium over the demo data's English texts, a character
# takes 0.45em in Arial's metrics (Liberation Sans) and 0.47em in Noto Sans; Segoe UI,
# San Francisco and Roboto are close to these. One width for every letter (0.52em) made
# English about 10% longer than it is, the more so for narrow letters and punctuation
# ("fill", "it's"), and split lists that fitted. DejaVu Sans, wider (0.51em), runs over
# by as much: deck.js shrinks such a slide a little.
NARROW = frozenset("fijlrtI.,;:'!|()[]\"-/`")
WIDE = frozenset("mwMW")


def _is_wide(char):
    return unicodedata.east_asian_width(char) in ("W", "F")


def em_width(text):
    """Width of text in em: CJK and full-width characters 1em; in English, letters and
    signs by their kind (_latin_width); Latin among CJK characters as _mixed_width."""
    if any(_is_wide(char) for char in text):
        return _mixed_width(text)
    return sum(_latin_width(char) for char in text)


def _latin_width(char):
    if char.isspace():
        return 0.27
    if not char.isascii():
        return 0.52
    if char in NARROW:
        return 0.3
    if char in WIDE:
        return 0.85
    if char.isupper():
        return 0.66
    return 0.556 if char.isdigit() else 0.57


def _mixed_width(text):
    """Width of Chinese text with Latin in it (names, numbers, code): the Latin a little
    wider than in English, for the space the browser sets around it between CJK
    characters (text-autospace); the Chinese decks' breaks are calibrated on this. Also
    the width of a line of code (estimate): a monospaced face has no narrow letters."""
    width = 0.0
    for char in text:
        if _is_wide(char):
            width += 1.0
        elif char.isspace():
            width += 0.28
        elif char.isupper() or char in WIDE:
            width += 0.68
        else:
            width += 0.52
    return width


def _inline_width(node, measure=em_width):
    """Em width of inline content, its text measured by measure; TeX source is wider
    than the formula it makes, the more so its Latin (calibrated with _mixed_width)."""
    if node.tag is None:
        return measure(" ".join(node.text.split()) if node.text.strip() else "")
    if node.has_class("arithmatex"):
        return _mixed_width(text_of(node)) * 0.45
    if node.tag == "br":
        return 0.0
    return sum(_inline_width(child, measure) for child in node.children)


def _cell_width(cell):
    """Em width of a table cell's content: English as wide as among CJK characters, for
    the rows' heights (_estimate_rows) are calibrated on that, and a narrow column loses
    more of each line to wrapping between words than the body does."""
    return _inline_width(cell, _mixed_width)


def _lines(width, capacity):
    return max(1, math.ceil(width / max(capacity, 4) - 0.05))


def _display_math(node):
    """Height of a display formula: about two lines per row of the formula."""
    rows = text_of(node).count("\\\\") + 1
    return 1.2 + 1.4 * rows


BODY_PX = 26  # the body text's size
LINE_PX = BODY_PX * 1.45  # a line of body text
IMAGE_MAX_PX = 440  # static/css/deck.css: .deck-fit.markdown img { max-height }
IMAGE_UNKNOWN_LINES = 8.0  # an image of no stated size: most figures are about so tall


def image_lines(node, width=BODY_WIDTH_EM):
    """Height of an image in lines: from its width and height attributes (an uploaded
    figure's, notes.figures) as the deck sets it, no wider than the text and no taller
    than IMAGE_MAX_PX; IMAGE_UNKNOWN_LINES when it states no size."""
    try:
        w, h = int(node.get("width") or 0), int(node.get("height") or 0)
    except ValueError:
        w = h = 0
    if w <= 0 or h <= 0:
        return IMAGE_UNKNOWN_LINES
    column_px = BODY_PX * width
    shown = min(h * min(1.0, column_px / w), IMAGE_MAX_PX)
    return shown / LINE_PX


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
        return sum(_estimate_item(li, width - list_indent(node)) for li in node.elements) + 0.4
    if tag == "table":
        return _estimate_table(node, width) + 0.4
    if is_code(node):
        lines = text_of(node).rstrip("\n").split("\n")
        return sum(_code_line_height(line, width) for line in lines) + CODE_CHROME
    if tag == "div" and node.has_class("arithmatex"):
        return _display_math(node) + 0.4
    if tag == "div" and node.has_class("callout"):
        return sum(estimate(child, width - 2) for child in node.elements) + 1.0
    if tag == "blockquote":
        return sum(estimate(child, width - 2) for child in node.elements) + 0.6
    if tag in ("div", "details", "dl", "dd", "li", "section"):
        if node.elements and all(is_block(c) for c in node.elements):
            return sum(estimate(child, width) for child in node.elements)
    if tag == "img":
        return image_lines(node, width) + 0.4
    # A paragraph (or any other block of inline content).
    height = _lines(_inline_width(node), width)
    for child in node.children:
        if child.tag == "span" and child.has_class("arithmatex") and "\\[" in text_of(child):
            height += _display_math(child)
        if child.tag == "img":
            height += image_lines(child, width) - 1
        if child.tag == "br":
            height += 0.6
    return height + 0.4


CODE_CHROME = 1.1  # a code block's padding and margin, in lines of body text


def _code_line_height(text, width):
    """Height of a line of code in lines of body text, wrapped where it is wider than the
    block: the deck sets code at 0.8em on rows 26px high (measured in Chromium), 0.7 of a
    line of body text. (0.82 split long code seven lines a slide where nine fitted.)"""
    return 0.7 * _lines(_mixed_width(text) * 0.95, width / 0.85 - 2)


def _estimate_item(li, width):
    inline, blocks = [], []
    for child in li.children:
        (blocks if is_block(child) else inline).append(child)
    height = 0.15
    inline_width = sum(_inline_width(child) for child in inline)
    if inline_width or not blocks:
        height += _lines(inline_width, width)
    for block in blocks:
        if block.tag in ("ul", "ol"):
            indent = list_indent(block)
            height += sum(_estimate_item(sub, width - indent) for sub in block.elements)
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
            size = _cell_width(cell) + 1.6  # padding and border
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
            lines = max(lines, _lines(_cell_width(cell) + 0.1, column - 1.6))
        # One line of 0.8em × 1.35 plus 0.3em padding top and bottom.
        height += TABLE_SCALE * (0.93 * lines + 0.42)
    return height


def _estimate_table(table, width):
    head, body = _rows(table)
    columns, scale = _table_layout(head + body, width)
    return scale * _estimate_rows(head + body, columns)


def _table_layout(rows, width):
    """Return the columns' widths (em at table size) and the scale deck.js sets the
    slide at, for a table in a box ``width`` em wide.

    A table whose words cannot all stand side by side in the box (its narrowest layout,
    each column as wide as its widest word, is wider) does not wrap more: deck.js shrinks
    the slide until it fits, and the shrunk slide is as much wider, so the table's cells
    wrap less and its rows take less of the slide than at full size. Beyond the smallest
    scale the table scrolls sideways on one line a row, the slide at full size. (A table
    of 14 columns was split six rows a slide, each slide under half full.)"""
    box = width / TABLE_SCALE
    need = sum(_min_column_widths(rows))
    if need <= box:
        laid_out, scale = box, 1.0
    elif need * MIN_SCALE > box:  # it scrolls: each cell on one line
        laid_out, scale = math.inf, 1.0
    else:  # shrunk until its narrowest layout fills the box
        laid_out, scale = need, box / need
    return _column_widths(rows, laid_out) or [box], scale


def _min_column_widths(rows):
    """Each column's narrowest width (em at table size): its widest unbreakable run (a
    word, a Chinese character, an inline formula), with padding and border."""
    widths = []
    for row in rows:
        for index, cell in enumerate(row.elements):
            size = _widest_run(cell) + 1.6
            if index == len(widths):
                widths.append(size)
            else:
                widths[index] = max(widths[index], size)
    return widths


# Where a line may break: at spaces, and before and after each Chinese character.
_BREAKS = re.compile(
    r"\s+|(?=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])|(?<=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])"
)


def _widest_run(node):
    if node.has_class("deck-keep"):
        return _mixed_width(" ".join(text_of(node).split()))
    if node.tag is None:
        return max((_mixed_width(run) for run in _BREAKS.split(node.text) if run), default=0.0)
    if node.has_class("arithmatex"):
        return _mixed_width(text_of(node)) * 0.45
    return max((_widest_run(child) for child in node.children), default=0.0)


# --- Splitting blocks that do not fit -------------------------------------------------


# A list is indented 1.6em (static/css/markdown.css), room for a number of one digit
# ("9."): each further digit of an ordered list's last number takes 0.65em more
# (static/css/deck.css, ol[data-digits]).
LIST_INDENT, DIGIT_INDENT = 1.6, 0.65


def list_indent(node):
    """The indent of a list's items in em: an ordered list's, room for its widest number."""
    return LIST_INDENT + DIGIT_INDENT * (integer_attribute(node.get("data-digits"), 1) - 1)


def number_lists(node):
    """Give every ordered list in node that counts to 10 or more data-digits, the digits
    of its last number: the deck sets its numbers in that much room, so that "10." ends
    where "9." does rather than running out past the column's left edge (which clips it
    side by side). Split over slides, a list keeps it on every part (split_list_at), so
    that the numbers of each part line up with the first part's. Return node."""
    if node.tag is None:
        return node
    for child in node.children:
        number_lists(child)
    if node.tag == "ol":
        last = list_start(node) + len(node.elements) - 1
        if last >= 10:
            node.set("data-digits", str(len(str(last))))
    return node


# A table cell of a Chinese term at most this wide (em) stays on one line: in a narrow
# column the browser broke "不开源大模型" between any two characters, "指令微" over "调".
KEEP_EM = 8.0
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def keep_terms(node):
    """Mark each table cell in node that holds a short Chinese term (at most KEEP_EM
    wide) deck-keep: the deck sets it on one line (static/css/deck.css), and the table's
    narrowest layout counts it whole (_widest_run). Return node."""
    if node.tag is None:
        return node
    if node.tag in ("td", "th"):
        text = " ".join(text_of(node).split())
        if _CJK.search(text) and _mixed_width(text) <= KEEP_EM:
            node.set("class", " ".join([*(node.get("class") or "").split(), "deck-keep"]))
        return node
    for child in node.children:
        keep_terms(child)
    return node


def item_heights(node, width):
    """Return the estimated height of each item of a list."""
    return [_estimate_item(li, width - list_indent(node)) for li in node.elements]


def split_list_at(node, counts):
    """Split a list into parts of the given numbers of items. An ol keeps counting (each
    part starts at the number its first item had) and keeps its attributes, data-digits
    among them: each part's numbers have the room of the whole list's widest."""
    result, offset = [], 0
    for count in counts:
        result.append(
            list_part(node, node.elements[offset : offset + count], offset) if count else None
        )
        offset += count
    return result


def _split_list(node, first, budget, width, heights=None):
    """Split a list between items: [(part, height)], the first part at most first high.
    heights, if given, are the items' heights to go by (those of two lists side by side);
    without them, an item too tall for the room left may be cut in two (_fill_list)."""
    if heights is None:
        # Cut an item only where that takes fewer slides: each cut repeats the lead.
        whole, cut = (
            _fill_list(node, first, budget, width),
            _fill_list(node, first, budget, width, True),
        )
        return cut if len(cut) < len(whole) else whole
    parts, count, used, limit = [], 0, 0.4, first
    for index in range(len(node.elements)):
        height = heights[index]
        if count and used + sum(heights[index:]) <= limit * TAIL_SLACK:
            pass  # the rest of the list overfills this slide a little: keep it here
        elif count and used + height > limit:
            parts.append((count, used))
            count, used, limit = 0, 0.4, budget
        elif not count and not parts and used + height > limit:
            parts.append((0, 0.0))  # nothing fits in the space left: start a new slide
            limit = budget
        count += 1
        used += height
    parts.append((count, used))
    split = split_list_at(node, [count for count, _height in parts])
    return [(part, height) for part, (_count, height) in zip(split, parts, strict=True)]


# An item is cut over two slides only when it is taller than this share of a slide
# (moved whole, a shorter one leaves less empty) and at least CUT_ROOM lines are left.
CUT_SHARE, CUT_ROOM = 1 / 3, 3.0


def _fill_list(node, first, budget, width, cutting=False):
    """Split a list over slides, each part at most first (then budget) high: between
    items, or (cutting) inside an item taller than a third of a slide where the slide
    has room for some of it (cut.cut_item), the rest of it beginning the next part."""
    width -= list_indent(node)
    queue = [(number, li, _estimate_item(li, width)) for number, li in enumerate(node.elements)]
    parts, page, used, limit = [], [], 0.4, first

    def close():
        nonlocal page, used, limit
        parts.append((page, used))
        page, used, limit = [], 0.4, budget

    while queue:
        number, li, height = queue[0]
        if page and used + sum(h for _n, _li, h in queue) <= limit * TAIL_SLACK:
            page.extend((n, item) for n, item, _h in queue)
            used += sum(h for _n, _li, h in queue)
            break
        if used + height > limit:
            room = limit - used
            cut = None
            if cutting and height > budget * CUT_SHARE and room >= CUT_ROOM:
                cut = cut_item(li, room, lambda item: _estimate_item(item, width))
            if cut is not None:
                head, tail = cut
                page.append((number, head))
                used += _estimate_item(head, width)
                close()
                queue[0] = (number, tail, _estimate_item(tail, width))
                continue
            if page or not parts and limit < budget:
                close()  # it begins the next slide (the first part may be empty)
                continue
        page.append((number, li))
        used += height
        queue.pop(0)
    parts.append((page, used))
    result = []
    for items, height in parts:
        if not items:
            result.append((None, 0.0))
            continue
        result.append((list_part(node, [li for _n, li in items], items[0][0]), height))
    return result


def table_heights(node, width):
    """Return the estimated height of a table's header and of each of its body rows, at
    the scale deck.js sets the slide at (_table_layout)."""
    head, body = _rows(node)
    columns, scale = _table_layout(head + body, width)
    return (
        scale * _estimate_rows(head, columns) + 0.4,
        [scale * _estimate_rows([row], columns) for row in body],
    )


def _table_part(node, head, rows):
    """The part of a table with these body rows, under its header rows."""
    children = [Node("thead", children=list(head))] if head else []
    children.append(Node("tbody", children=rows))
    return node.copy(children)


def split_table_at(node, counts):
    """Split a table into parts of the given numbers of body rows; each repeats the header."""
    head, body = _rows(node)
    result, offset = [], 0
    for count in counts:
        result.append(_table_part(node, head, body[offset : offset + count]) if count else None)
        offset += count
    return result


def code_heights(node, width):
    """Return the estimated height of a code block's padding and of each of its lines."""
    lines = code_lines(node)
    return CODE_CHROME, [
        _code_line_height("".join(text_of(piece) for piece in line), width) for line in lines
    ]


def split_code_at(node, counts):
    """Split a code block into parts of the given numbers of lines, each in the block's
    own elements and classes (its language's). A part the block goes on after is marked
    deck-goes-on, one that goes on from a part before deck-continued (static/css/deck.css):
    a slide ending mid-code says so as a table's repeated header does."""
    lines = code_lines(node)
    result, offset = [], 0
    for count in counts:
        part = None
        if count:
            part = code_part(node, lines[offset : offset + count])
            marks = [
                *(["deck-continued"] if offset else []),
                *(["deck-goes-on"] if offset + count < len(lines) else []),
            ]
            if marks:
                part.set("class", " ".join([*(part.get("class") or "").split(), *marks]))
        result.append(part)
        offset += count
    return result


# A code block is split after at least this many of its lines, or begins the next slide:
# a line or two at the foot of a slide reads as a stray rather than the start of code.
CODE_LEAST_LINES = 3


def _rows_of(node):
    """How a block is split between rows, a table's body rows or a code block's lines:
    (its heights: (fixed, [row]), its split at counts, the fewest rows a first part
    holds); None for a block that is not split so."""
    if node.tag == "table":
        return table_heights, split_table_at, 1
    if is_code(node) and code_lines(node) is not None:
        return code_heights, split_code_at, CODE_LEAST_LINES
    return None


def _fill_rows(heights, fixed, first, budget, least=1):
    """Fill parts with rows of these heights, each part also fixed high (a table's header
    rows, a code block's padding), the first at most first high and the others budget:
    [(number of rows, height)]; the first (0, 0.0) when fewer than least rows fit in it."""
    parts, count, used, limit = [], 0, fixed, first
    for index, height in enumerate(heights):
        if count and used + sum(heights[index:]) <= limit * TAIL_SLACK:
            pass
        elif count and used + height > limit:
            parts.append((count, used))
            count, used, limit = 0, fixed, budget
        elif not count and not parts and used + height > limit:
            parts.append((0, 0.0))
            limit = budget
        count += 1
        used += height
    parts.append((count, used))
    if len(parts) > 1 and 0 < parts[0][0] < least:
        return _fill_rows(heights, fixed, 0, budget)
    return parts


def _split_rows(node, first, budget, width, heights=None):
    """Split a table between rows, every part repeating the header rows, or a code block
    between lines. heights, if given, are (fixed, [row]) heights to go by (those of two
    tables or code blocks side by side)."""
    measure, split_at, least = _rows_of(node)
    fixed, rows = heights or measure(node, width)
    parts = _fill_rows(rows, fixed, first, budget, least)
    split = split_at(node, [count for count, _height in parts])
    return [
        (part, height if part is not None else 0.0)
        for part, (_count, height) in zip(split, parts, strict=True)
    ]


def splitter_of(node):
    """The function that splits a block over slides: a list between items, a table
    between rows, code between lines; None for a block that goes whole on a slide."""
    if node.tag in ("ul", "ol"):
        return _split_list
    return _split_rows if _rows_of(node) else None


def level_split(zh_block, en_block, first, budget, width):
    """Split a list, a table or code and its translation after the same items, rows or
    lines, going by the taller side of each: [(zh part, en part, height)], the first part
    at most first high (None for a part that is empty). None when the two are not lists,
    tables or code of the same number of items, rows or lines, which cannot be kept
    level."""
    if zh_block.tag in ("ul", "ol") and len(zh_block.elements) == len(en_block.elements) > 1:
        pairs = zip(item_heights(zh_block, width), item_heights(en_block, width), strict=True)
        parts = _split_list(zh_block, first, budget, width, heights=[max(p) for p in pairs])
        counts = [len(part.elements) if part is not None else 0 for part, _h in parts]
        en_parts = split_list_at(en_block, counts)
    elif _rows_of(zh_block) is not None and _rows_of(zh_block) == _rows_of(en_block):
        measure, split_at, _least = _rows_of(zh_block)
        (zh_fixed, zh_rows), (en_fixed, en_rows) = (
            measure(zh_block, width),
            measure(en_block, width),
        )
        if not len(zh_rows) == len(en_rows) > 1:
            return None
        heights = (max(zh_fixed, en_fixed), [max(p) for p in zip(zh_rows, en_rows, strict=True)])
        parts = _split_rows(zh_block, first, budget, width, heights=heights)
        counts = [len(measure(part, width)[1]) if part is not None else 0 for part, _h in parts]
        en_parts = split_at(en_block, counts)
    else:
        return None
    return [(zh, en, height) for (zh, height), en in zip(parts, en_parts, strict=True)]


# A label of more than one line keeps with what it introduces only when it is this short.
LEAD_LINES = 3


def _is_labelled(node):
    """A block a label may introduce: a table, a list, code, a formula or an image."""
    if node is None:
        return False
    if node.tag in ("table", "ul", "ol", "pre", "img"):
        return True
    if node.tag == "div":
        return node.has_class("highlight") or node.has_class("arithmatex")
    return node.tag == "p" and any(child.tag == "img" for child in node.elements)


def _opens_with_label(node):
    """A paragraph opening with a bold label that ends with a colon ("**训练配置:** 以下…")."""
    first = next((c for c in node.children if c.tag is not None or c.text.strip()), None)
    if first is None or first.tag not in ("strong", "b"):
        return False
    label = text_of(first).strip()
    if label.endswith(LEAD_ENDINGS):
        return True
    after = text_of(node).strip()[len(text_of(first).strip()) :].lstrip()
    return after.startswith(LEAD_ENDINGS)


def _is_lead(node, following=None, width=BODY_WIDTH_EM):
    """A block that introduces the next one and should not end a slide: a heading, a
    paragraph all in bold ("**模型对比**") or a line ending with a colon ("如下：");
    and, when a table, list, code, formula or image follows (following), a paragraph of
    at most LEAD_LINES lines that ends with a colon ("…in the following areas:") or
    opens with a bold label that does ("**训练配置:** 以下是…的训练配置。")."""
    if node.tag in ("h3", "h4", "h5", "h6"):
        return True
    if node.tag != "p":
        return False
    elements = node.elements
    text = text_of(node).strip()
    if len(elements) == 1 and elements[0].tag in ("strong", "b"):
        if text == text_of(elements[0]).strip():
            return True
    if text.endswith(LEAD_ENDINGS) and em_width(text) < BODY_WIDTH_EM:
        return True
    if not _is_labelled(following) or _lines(_inline_width(node), width) > LEAD_LINES:
        return False
    if any(child.tag in ("img", "br") for child in node.children):
        return False  # an image or a line break: more than a label
    return text.endswith(LEAD_ENDINGS) or _opens_with_label(node)


def _leads(blocks, width=BODY_WIDTH_EM):
    """Return the ids of the blocks that are leads, each judged with the block after it
    (speaker notes between them aside)."""
    found, following = set(), None
    for block in reversed(blocks):
        if block.tag == "aside":
            continue
        if _is_lead(block, following, width):
            found.add(id(block))
        following = block
    return found


def _leads_start(blocks, leads):
    """Return where the leads (ids) at the end of a page begin (speaker notes after a
    lead go with it); len(blocks) if the page does not end with a lead."""
    start = len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].tag == "aside":
            continue
        if id(blocks[index]) not in leads:
            break
        start = index
    return start


def paginate(blocks, budget=BODY_LINES, width=BODY_WIDTH_EM):
    """Fill pages with blocks, splitting lists, tables and code; return a list of block
    lists.

    A lead keeps with the block after it, as a word processor's "keep with next": when
    that block (or the first row or item of it) starts a new page, the lead goes along,
    so that a label is never left at the foot of one slide with its table on the next.
    """
    pages, page, used = [], [], 0.0

    def new_page():
        nonlocal page, used
        start = _leads_start(page, leads)
        if any(b.tag != "aside" for b in page[:start]):
            pages.append(page[:start])
            page = page[start:]
            used = sum(estimate(b, width) for b in page)

    heights = [estimate(block, width) for block in blocks]
    leads = _leads(blocks, width)
    for index, block in enumerate(blocks):
        height = heights[index]
        if page and used + sum(heights[index:]) <= budget * TAIL_SLACK:
            page.extend(blocks[index:])
            break
        if id(block) in leads:
            following = next((b for b in blocks[index + 1 :] if b.tag != "aside"), None)
            if following is not None:
                height_next = min(estimate(following, width), 3.0)
                if page and used + height + height_next > budget:
                    new_page()
        if used + height <= budget or block.tag == "aside":
            page.append(block)
            used += height
            continue
        splitter = splitter_of(block)
        if splitter is None:
            new_page()
            page.append(block)
            used += height
            continue
        parts = splitter(block, budget - used, budget, width)
        if parts[0][0] is None:
            # Not even the first row or item fits here: split again below the leads
            # that go on with it to the next page.
            new_page()
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
