"""Sections of a write-up, and the slides made of them."""

import re
from dataclasses import dataclass, field

from core.alignment import align, shape

from .fit import BODY_LINES, BODY_WIDTH_EM, estimate, keep_terms, number_lists, paginate
from .pairing import PAIRED_LINES, PAIRED_WIDTH_EM, Band, first_block, paired_pages
from .tree import Node, parse, serialize, without_headerlinks

# --- Sections and slides --------------------------------------------------------------


@dataclass
class Section:
    title: str = ""  # HTML of the heading's content
    level: int = 0  # 1–3 for a heading, 0 for the start or after ---
    anchor: str = ""
    kicker: str = ""  # HTML of the enclosing heading's content
    blocks: list = field(default_factory=list)
    number: int | None = None  # which of its text's sections (h1, h2, ---) it is or is in
    # Split at its h3s (_split_at_h3): which part of that section it is, 0 for what comes
    # before the first h3, n for the n-th h3 on; None for a section kept whole.
    subsection: int | None = None

    @property
    def place(self):
        """Where the section stands in its text's outline: (number, subsection)."""
        return (self.number, self.subsection)


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
    # Side-by-side slides (?lang=both): the English column and title (body is the
    # Chinese column), and the body as it is laid out, Bands of HTML from top to bottom:
    # the two columns, or a block both texts share, once across them (in neither column).
    body_en: str = ""
    title_en: str = ""
    paired: bool = False
    bands: list = field(default_factory=list)
    lang: str = ""  # "zh" or "en" when known
    # The sections of the Chinese and the English text it shows (Section.place: down to
    # the h3 it is under where the section is split at its h3s), and the anchor of the
    # slide at the same place in each other language's deck (link_languages).
    source: tuple = (None, None)
    elsewhere: dict = field(default_factory=dict)

    @property
    def continued(self):
        return self.part > 1

    @property
    def lang_attribute(self):
        """The language of the slide's title, kicker and text as a lang attribute: the
        deck's, not the interface's (an English page showing the Chinese deck). Side by
        side, the head is the Chinese section's, or the English one's for a section found
        in English only (_pair_slides); each column says its own."""
        if self.paired:
            return "zh-Hans" if self.source[0] is not None else "en"
        return "en" if self.lang == "en" else "zh-Hans"


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
            result[-1].blocks.append(keep_terms(number_lists(kept)))
        if notes:
            result[-1].blocks.append(_notes_marker(notes))
    found = [s for s in result if s.title or s.blocks]
    for number, section in enumerate(found):
        section.number = number
    return found


def _split_at_h3(section, budget, width):
    """Give each h3 of a section too long for one slide a slide of its own."""
    content = sum(estimate(b, width) for b in section.blocks)
    if content <= budget or not any(b.tag == "h3" for b in section.blocks):
        return [section]
    parts = [Section(section.title, section.level, section.anchor, section.kicker, subsection=0)]
    for block in section.blocks:
        if block.tag == "h3":
            title = serialize(without_headerlinks(block.children)).strip()
            parts.append(
                Section(title, 3, block.get("id") or "", section.title, subsection=len(parts))
            )
        else:
            parts[-1].blocks.append(block)
    if not parts[0].blocks and parts[0].level == 2 and len(parts) > 1:
        # A bare h2 over its h3s: the h2 becomes the kicker of the first h3.
        parts = parts[1:]
    for part in parts:
        part.number = section.number
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
        source = (None, section.place) if lang == "en" else (section.place, None)
        if not section.blocks:
            slides.append(
                Slide(
                    section.title,
                    section.kicker,
                    anchor=section.anchor,
                    divider=True,
                    lang=lang,
                    source=source,
                )
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
                    source=source,
                )
            )
    return _with_anchors(slides)


def build_side_by_side(zh_html, en_html, budget=PAIRED_LINES, width=PAIRED_WIDTH_EM):
    """Return slides with the Chinese and English texts side by side.

    Each section goes beside its counterpart in the other text (_paired_sections). A
    section found in one text only (a talk translated in part) gets slides of its own
    at its place, beside an empty column, so that the rest of the deck stays paired.
    """
    pairs = _paired_sections(
        _sections_for_pairing(zh_html, budget, width),
        _sections_for_pairing(en_html, budget, width),
    )
    slides = []
    for zh, en in pairs:
        slides.extend(_pair_slides(zh, en, budget, width))
    return _with_anchors(slides)


def _paired_sections(zh_sections, en_sections):
    """Match the sections of the two texts: [(zh, en)], with None for the side a section
    is missing from. A translation has the same sections, paired one to one; otherwise
    the sections that correspond are found as the page finds them (core.alignment: by
    heading level and number, and the tables, lists and formulas they hold)."""
    if [s.level for s in zh_sections] == [s.level for s in en_sections]:
        return list(zip(zh_sections, en_sections, strict=True))
    return align(zh_sections, en_sections, _section_shape)


def _section_shape(section):
    return shape(section.level, section.title, serialize(section.blocks))


def _pair_slides(zh, en, budget, width):
    """The slides of a section beside its counterpart, under the Chinese section's kicker
    and anchor. A section without one (None) is paginated as in one language, beside an
    empty column."""
    own = zh or en
    source = (zh.place if zh else None, en.place if en else None)
    if zh is None or en is None:
        pages = paginate(own.blocks, budget, width) if own.blocks else []
        pages = [[Band(page, []) if zh else Band([], page)] for page in pages]
        zh, en = zh or Section(), en or Section()
    else:
        pages = paired_pages(zh.blocks, en.blocks, budget, width) if zh.blocks or en.blocks else []
    if not pages:
        return [
            Slide(
                zh.title,
                own.kicker,
                anchor=own.anchor,
                divider=True,
                paired=True,
                title_en=en.title,
                source=source,
            )
        ]
    slides = []
    for number, bands in enumerate(pages, start=1):
        columns = [band for band in bands if not band.shared]
        zh_page = [b for band in columns for b in band.zh]
        en_page = [b for band in columns for b in band.en]
        slides.append(
            Slide(
                title=zh.title,
                kicker=own.kicker,
                body=_body_of(zh_page),
                body_en=_body_of(en_page),
                notes="".join(_notes_of(band.zh) for band in bands)
                + "".join(_notes_of(band.en) for band in bands),
                anchor=own.anchor,
                part=number,
                parts=len(pages),
                title_en=en.title,
                paired=True,
                source=source,
                bands=_band_html(bands),
            )
        )
    return slides


def _band_html(bands):
    """The bands of a page as HTML, those with nothing to show (speaker notes only) left
    out; a shared block's once, in zh."""
    return [
        Band(_body_of(band.zh), "" if band.shared else _body_of(band.en), band.shared)
        for band in bands
        if first_block(band.zh) or first_block(band.en)
    ]


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


def link_languages(decks, zh_html, en_html):
    """Give each slide of the decks of one text ({"zh": slides, "en": …, "both": …})
    ``elsewhere``: {another language: the anchor of its slide at the same place}, so that
    switching languages keeps the presenter where they are.

    A slide's place is the heading it is under, down to its h3 (the n-th h3 of the same
    section): the two texts' headings are paired as the side-by-side deck pairs them,
    which splits every section at its h3s. (Placed by its section alone, every slide
    under an h3 led to the section's first slide.) A one-language deck keeps a section
    whole when it fits on a slide: its slides stand at the section's first part, and a
    slide of a later part in another deck leads to its last slide. Within a place, the
    switch lands on the slide as far through it (_anchor_at)."""
    pairs = _paired_sections(
        _sections_for_pairing(zh_html, PAIRED_LINES, PAIRED_WIDTH_EM),
        _sections_for_pairing(en_html, PAIRED_LINES, PAIRED_WIDTH_EM),
    )
    place = {}
    for number, pair in enumerate(pairs):
        for language, section in zip(("zh", "en"), pair, strict=True):
            if section is not None:
                place[language, section.place] = number
                # The same section kept whole: in order, its first part comes first.
                place.setdefault((language, (section.number, None)), number)

    def place_of(slide):
        zh, en = slide.source
        return place.get(("zh", zh), place.get(("en", en)))

    by_place = {}  # language → {place: [anchors of its slides, in order]}
    for language, slides in decks.items():
        places = by_place[language] = {}
        for slide in slides:
            places.setdefault(place_of(slide), []).append(slide.anchor)
    for language, slides in decks.items():
        own = by_place[language]
        for slide in slides:
            at = place_of(slide)
            index = own[at].index(slide.anchor)
            for other, places in by_place.items():
                if other != language:
                    slide.elsewhere[other] = _anchor_at(places, at, index, len(own[at]))
    return decks


def _anchor_at(places, at, index, count):
    """The anchor of the index-th of count slides of the place ``at`` in another deck
    ({place: anchors}): the slide as far through the place's slides there, the first to
    the first and the last to the last (the third of five beside the second of three), as
    the two languages split a section over different numbers of slides; the last slide of
    the place before it where it has none, the cover ("title") before the first."""
    if at in places:
        anchors = places[at]
        return anchors[_same_point(index, count, len(anchors))]
    before = [p for p in places if p is not None and at is not None and p < at]
    return places[max(before)][-1] if before else "title"


def _same_point(index, count, size):
    """The index of size slides as far through them as index is through count: rounded
    half up, in integers."""
    if count < 2:
        return 0
    return (2 * index * (size - 1) + count - 1) // (2 * (count - 1))


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
