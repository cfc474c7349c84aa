"""Sections of a write-up, and the slides made of them."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import zip_longest

from .fit import (
    BODY_LINES,
    BODY_WIDTH_EM,
    SPLITTERS,
    TAIL_SLACK,
    _is_lead,
    estimate,
    level_split,
    paginate,
)
from .tree import Node, parse, serialize, without_headerlinks

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
            title = serialize(without_headerlinks(node.children)).strip()
            kicker = current_h1 if node.tag == "h2" else ""
            if node.tag == "h1":
                current_h1 = title
            level = int(node.tag[1])
            result.append(Section(title, level, node.get("id") or "", kicker))
            continue
        if node.tag == "hr":
            result.append(Section())
            continue
        node = node.copy(without_headerlinks(node.children))
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
            title = serialize(without_headerlinks(block.children)).strip()
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
        pages = paired_pages(zh.blocks, en.blocks, budget, width)
        count = len(pages)
        for index, (zh_page, en_page) in enumerate(pages):
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


def _units(blocks):
    """Group blocks into units: a block with the speaker notes (asides) that follow it."""
    units = []
    for block in blocks:
        if block.tag == "aside" and units:
            units[-1].append(block)
        else:
            units.append([block])
    return units


def _height(unit, width):
    return sum(estimate(block, width) for block in unit if block.tag != "aside")


def _joined(rows):
    """The zh and en blocks of a page's rows of (zh unit, en unit, heights, lead)."""
    return [b for row in rows for b in row[0]], [b for row in rows for b in row[1]]


def _kind(unit):
    """What a unit's block is, to match it with its counterpart: its tag, or for a div
    the kind of div (a callout, code, a formula, the footnotes)."""
    block = unit[0]
    if block.tag == "div":
        for name in ("callout", "highlight", "arithmatex", "footnote"):
            if block.has_class(name):
                return f"div.{name}"
    return block.tag


def _aligned(zh_units, en_units):
    """Match the units of the two sides in order, by kind: [(zh units, en units)].

    A translation has the same blocks on both sides, one unit each a row. Where they
    differ (a translator's note, a paragraph split in two), a block found on one side
    only gets a row of its own beside nothing, and a run of blocks that differs on both
    sides one row with the whole run on each side.
    """
    matcher = SequenceMatcher(
        None, [_kind(u) for u in zh_units], [_kind(u) for u in en_units], autojunk=False
    )
    rows = []
    for op, zh_start, zh_end, en_start, en_end in matcher.get_opcodes():
        zh_run, en_run = zh_units[zh_start:zh_end], en_units[en_start:en_end]
        if op == "equal" or len(zh_run) == len(en_run):
            rows.extend(([z], [e]) for z, e in zip(zh_run, en_run, strict=True))
        elif not zh_run or not en_run:
            rows.extend(([z], []) for z in zh_run)
            rows.extend(([], [e]) for e in en_run)
        else:
            rows.append((zh_run, en_run))
    return rows


def _first_block(blocks):
    return next((b for b in blocks if b.tag != "aside"), None)


def level_pages(zh_blocks, en_blocks, budget=PAIRED_LINES, width=PAIRED_WIDTH_EM):
    """Paginate each side alone and pair their pages. When one side needs fewer slides,
    it is spread over as many as the other (filled less), if it can be, so that no slide
    has one column empty while the other goes on."""
    zh_pages, en_pages = paginate(zh_blocks, budget, width), paginate(en_blocks, budget, width)
    if _first_block(zh_blocks) and _first_block(en_blocks) and len(zh_pages) != len(en_pages):
        count = max(len(zh_pages), len(en_pages))
        shorter = zh_blocks if len(zh_pages) < count else en_blocks
        smaller = budget
        while smaller > 2:
            smaller *= 0.92
            pages = paginate(shorter, smaller, width)
            if len(pages) >= count:
                if len(pages) == count:
                    zh_pages, en_pages = (
                        (pages, en_pages) if shorter is zh_blocks else (zh_pages, pages)
                    )
                break
    return list(zip_longest(zh_pages, en_pages, fillvalue=[]))


def paired_pages(zh_blocks, en_blocks, budget=PAIRED_LINES, width=PAIRED_WIDTH_EM):
    """Return [(zh page, en page)] for one section side by side.

    Each block goes on a page together with its counterpart (_aligned: in a translation
    every block has one; a block found on one side only goes beside nothing), so the
    languages stay level block for block. A list or table pair too tall for one slide
    is split after the same items or rows on both sides (level_split), or, when their
    lengths differ, goes on slides of its own, each side split as it needs (level_pages);
    so does a run of blocks that differs between the sides and is too tall for a slide.
    A paragraph pair gets one slide, which the deck shrinks to fit. As in paginate, a
    lead ("**模型对比**" beside "**Model comparison**"; a lead on either side makes the
    pair one) keeps with the pair after it: it never ends a slide that the next pair
    does not start.
    """
    rows = [
        ([b for u in zh for b in u], [b for u in en for b in u], len(zh) <= 1 and len(en) <= 1)
        for zh, en in _aligned(_units(zh_blocks), _units(en_blocks))
    ]
    sides = [(_height(zh, width), _height(en, width)) for zh, en, _single in rows]
    heights = [max(pair) for pair in sides]
    pages, page = [], []  # the page's rows: (zh unit, en unit, (zh, en) heights, lead)

    def used():
        # The columns fill up each on its own: a block on one side only takes no room
        # on the other.
        return max(sum(row[2][0] for row in page), sum(row[2][1] for row in page))

    def is_lead(index, side):
        block = _first_block(rows[index][side])
        if not rows[index][2] or block is None:
            return False
        following = _first_block(rows[index + 1][side]) if index + 1 < len(rows) else None
        return _is_lead(block, following, width)

    def leads_start():
        start = len(page)
        while start and page[start - 1][3]:
            start -= 1
        return start

    def one_sided():
        """Whether ending the page now leaves one of its columns empty."""
        zh, en = _joined(page[: leads_start()])
        return (_first_block(zh) is None) != (_first_block(en) is None)

    def splits_below(index):
        """Whether the pair of lists or tables at index can begin on this page."""
        zh_unit, en_unit, single = rows[index]
        if not (single and zh_unit and en_unit):
            return False
        parts = level_split(zh_unit[0], en_unit[0], budget - used(), budget, width)
        return parts is not None and parts[0][0] is not None

    def close():
        """End the page but for the leads at its end: they begin the next page."""
        nonlocal page
        start = leads_start()
        if start:
            pages.append(_joined(page[:start]))
        page = page[start:]

    for index, (zh_unit, en_unit, single) in enumerate(rows):
        rest = sides[index:]
        if page and all(not zh or not en for zh, en, _single in rows[index:]):
            # The section ends with blocks on one side only (a translator's footnotes):
            # as in paginate, they may overfill the slide a little rather than go on
            # one of their own beside an empty column.
            zh_used, en_used = (sum(row[2][n] for row in page) for n in (0, 1))
            zh_rest, en_rest = sum(h[0] for h in rest), sum(h[1] for h in rest)
            if max(zh_used + zh_rest, en_used + en_rest) <= budget * TAIL_SLACK:
                for (zh, en, _single), pair in zip(rows[index:], rest, strict=True):
                    page.append((zh, en, pair, False))
                break
        height = heights[index]
        following = heights[index + 1] if index + 1 < len(heights) else 0.0
        # A lead on either side: "文章基本信息如下" introduces its list as much as
        # "Basic information about the paper:" beside it.
        lead = is_lead(index, 0) or is_lead(index, 1)
        # A lead (a heading, "我的理解：") starts a new slide rather than end one.
        needed = height + (min(following, 3.0) if lead and following else 0)
        if used() and used() + needed > budget:
            # A block on one side only (a translator's note) is not left beside an
            # empty column when the list or table pair after it can begin below it.
            if not (one_sided() and splits_below(index)):
                close()
        parts = None
        if single and zh_unit and en_unit and used() + height > budget:
            # Two lists or tables, item for item or row for row: split both alike.
            parts = level_split(zh_unit[0], en_unit[0], budget - used(), budget, width)
            if parts is not None and parts[0][0] is None:
                # Not even the first item or row fits here: split again below the leads
                # that go on with it to the next page.
                close()
                parts = level_split(zh_unit[0], en_unit[0], budget - used(), budget, width)
        if parts is not None:
            for number, (zh_part, en_part, part_height) in enumerate(parts):
                if number:
                    close()
                if zh_part is not None:
                    page.append(([zh_part], [en_part], (part_height, part_height), False))
            page.append((zh_unit[1:], en_unit[1:], (0.0, 0.0), False))
            continue
        splittable = any(unit and unit[0].tag in SPLITTERS for unit in (zh_unit, en_unit))
        if height > budget and (splittable or not single):
            close()
            zh_leads, en_leads = _joined(page)
            pages.extend(level_pages(zh_leads + zh_unit, en_leads + en_unit, budget, width))
            page = []
            continue
        page.append((zh_unit, en_unit, sides[index], lead))
    if page:
        pages.append(_joined(page))
    return pages or [([], [])]


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
