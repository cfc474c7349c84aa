"""Two languages side by side: one section's Chinese and English blocks paired, row by
row, and laid out on slides that keep the two columns level."""

from difflib import SequenceMatcher
from itertools import zip_longest
from typing import NamedTuple

from .fit import (
    TAIL_SLACK,
    _is_labelled,
    _is_lead,
    estimate,
    level_split,
    paginate,
    splitter_of,
)
from .tree import serialize

# Side by side, the text is set at 22px: two columns of 558px are 25em wide, and the
# body below a two-line title holds 16 lines. A block both texts share spans the two
# columns: 1152px, 52em.
PAIRED_WIDTH_EM, PAIRED_LINES = 24.5, 15.5
SHARED_WIDTH_EM = 51.0


class Band(NamedTuple):
    """A stretch of a side-by-side page, from top to bottom: the blocks of the Chinese
    and of the English column, or (shared) a block the two texts have alike, shown once
    across both columns; zh and en then hold it with each side's speaker notes."""

    zh: list
    en: list
    shared: bool = False


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
    """The zh and en column blocks of a page's rows of (zh unit, en unit, heights, lead,
    shared), the shared blocks left out."""
    rows = [row for row in rows if not row[4]]
    return [b for row in rows for b in row[0]], [b for row in rows for b in row[1]]


def _bands(rows):
    """A page's rows as bands: the rows between two shared blocks make one."""
    bands = []
    for zh, en, _heights, _lead, shared in rows:
        if shared:
            bands.append(Band(list(zh), list(en), shared=True))
        elif bands and not bands[-1].shared:
            bands[-1].zh.extend(zh)
            bands[-1].en.extend(en)
        else:
            bands.append(Band(list(zh), list(en)))
    return bands


def _filled(rows):
    """How high a page's rows fill it: (the bands down to its last shared block, and
    each column below that). The columns fill up each on its own: a block on one side
    only takes no room on the other; a shared block starts below the taller."""
    above = zh = en = 0.0
    for row in rows:
        if row[4]:
            above, zh, en = above + max(zh, en) + row[2][0], 0.0, 0.0
        else:
            zh, en = zh + row[2][0], en + row[2][1]
    return above, zh, en


def _shared(zh_units, en_units):
    """Whether a row of _aligned is one block the same in both texts (a table of
    numbers, a formula, code, a figure, a list of names): shown once, across both
    columns. Their HTML must be the same, so that tables that differ in a word are
    both shown."""
    if not len(zh_units) == len(en_units) == 1:
        return False
    zh, en = zh_units[0][0], en_units[0][0]
    return _is_labelled(zh) and serialize([zh]) == serialize([en])


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


def first_block(blocks):
    return next((b for b in blocks if b.tag != "aside"), None)


def level_pages(zh_blocks, en_blocks, budget=PAIRED_LINES, width=PAIRED_WIDTH_EM):
    """Paginate each side alone and pair their pages. When one side needs fewer slides,
    it is spread over as many as the other (filled less), if it can be, so that no slide
    has one column empty while the other goes on."""
    zh_pages, en_pages = paginate(zh_blocks, budget, width), paginate(en_blocks, budget, width)
    if first_block(zh_blocks) and first_block(en_blocks) and len(zh_pages) != len(en_pages):
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
    """Return the pages of one section side by side, each a list of Bands.

    Each block goes on a page together with its counterpart (_aligned: in a translation
    every block has one; a block found on one side only goes beside nothing), so the
    languages stay level block for block. A block that is the same in both texts (a
    table of numbers, a formula) is shown once, across both columns, between the text
    before and after it (_shared); too tall for one slide, it is split as in paginate.
    A list, table or code pair too tall for one slide is split after the same items, rows
    or lines on both sides (level_split), or, when their lengths differ, goes on slides of its
    own, each side split as it needs (level_pages); so does a run of blocks that differs
    between the sides and is too tall for a slide. A paragraph pair gets one slide,
    which the deck shrinks to fit. As in paginate, a lead ("**模型对比**" beside
    "**Model comparison**"; a lead on either side makes the pair one) keeps with the
    pair after it: it never ends a slide that the next pair does not start.
    """
    rows = [
        (
            [b for u in zh for b in u],
            [b for u in en for b in u],
            len(zh) <= 1 and len(en) <= 1,
            _shared(zh, en),
        )
        for zh, en in _aligned(_units(zh_blocks), _units(en_blocks))
    ]
    pager = _PairedPager(rows, budget, width)
    for index in range(len(rows)):
        if pager.ends_with_one_side(index):
            break
        pager.add(index)
    return pager.finished()


class _PairedPager:
    """The slides of one section side by side, filled a row at a time.

    ``rows``: (zh blocks, en blocks, single, shared) from _aligned, ``single`` when each
    side is one unit at most, ``shared`` when it is one block the same on both sides.
    The page being filled holds rows of (zh unit, en unit, (zh, en) heights, lead,
    shared).
    """

    def __init__(self, rows, budget, width):
        self.rows, self.budget, self.width = rows, budget, width
        self.sides = [
            (_height(zh, SHARED_WIDTH_EM),) * 2
            if shared
            else (_height(zh, width), _height(en, width))
            for zh, en, _single, shared in rows
        ]
        self.pages, self.page = [], []

    def used(self):
        above, zh, en = _filled(self.page)
        return above + max(zh, en)

    def is_lead(self, index, side):
        zh_unit, en_unit, single, shared = self.rows[index]
        block = first_block((zh_unit, en_unit)[side])
        if not single or shared or block is None:
            return False
        following = first_block(self.rows[index + 1][side]) if index + 1 < len(self.rows) else None
        return _is_lead(block, following, self.width)

    def leads_start(self):
        start = len(self.page)
        while start and self.page[start - 1][3]:
            start -= 1
        return start

    def one_sided(self):
        """Whether ending the page now leaves one of its columns empty."""
        zh, en = _joined(self.page[: self.leads_start()])
        return (first_block(zh) is None) != (first_block(en) is None)

    def splits_below(self, index):
        """Whether the pair of lists or tables at index can begin on this page."""
        zh_unit, en_unit, single, _shared = self.rows[index]
        if not (single and zh_unit and en_unit):
            return False
        parts = level_split(
            zh_unit[0], en_unit[0], self.budget - self.used(), self.budget, self.width
        )
        return parts is not None and parts[0][0] is not None

    def close(self):
        """End the page but for the leads at its end: they begin the next page."""
        start = self.leads_start()
        if start:
            self.pages.append(_bands(self.page[:start]))
        self.page = self.page[start:]

    def ends_with_one_side(self, index):
        """Put the rows from index on this page, and say so, when they are blocks on one
        side only (a translator's footnotes): as in paginate, they may overfill the slide
        a little rather than go on one of their own beside an empty column."""
        if not self.page or any(zh and en for zh, en, _single, _shared in self.rows[index:]):
            return False
        rest = self.sides[index:]
        above, zh_used, en_used = _filled(self.page)
        zh_rest, en_rest = sum(h[0] for h in rest), sum(h[1] for h in rest)
        if above + max(zh_used + zh_rest, en_used + en_rest) > self.budget * TAIL_SLACK:
            return False
        for (zh, en, _single, _shared), pair in zip(self.rows[index:], rest, strict=True):
            self.page.append((zh, en, pair, False, False))
        return True

    def add(self, index):
        """Place the row at index: on this page, or after closing it, or split."""
        zh_unit, en_unit, single, shared = self.rows[index]
        height = max(self.sides[index])
        following = max(self.sides[index + 1]) if index + 1 < len(self.rows) else 0.0
        # A lead on either side: "文章基本信息如下" introduces its list as much as
        # "Basic information about the paper:" beside it.
        lead = self.is_lead(index, 0) or self.is_lead(index, 1)
        # A lead (a heading, "我的理解：") starts a new slide rather than end one.
        needed = height + (min(following, 3.0) if lead and following else 0)
        if self.used() and self.used() + needed > self.budget:
            # A block on one side only (a translator's note) is not left beside an
            # empty column when the list or table pair after it can begin below it; a
            # list or table the same on both sides may begin below (add_shared).
            if shared:
                if splitter_of(zh_unit[0]) is None:
                    self.close()
            elif not (self.one_sided() and self.splits_below(index)):
                self.close()
        if shared:
            self.add_shared(index)
            return
        if single and zh_unit and en_unit and self.used() + height > self.budget:
            if self.split(index):
                return
        splittable = any(unit and splitter_of(unit[0]) for unit in (zh_unit, en_unit))
        if height > self.budget and (splittable or not single):
            self.close()
            zh_leads, en_leads = _joined(self.page)
            self.pages.extend(
                [Band(zh, en)]
                for zh, en in level_pages(
                    zh_leads + zh_unit, en_leads + en_unit, self.budget, self.width
                )
            )
            self.page = []
            return
        self.page.append((zh_unit, en_unit, self.sides[index], lead, False))

    def add_shared(self, index):
        """Place a block the same on both sides, across the columns; a list, table or code too
        tall for the slide is split as in one language, each part across the columns."""
        zh_unit, en_unit, _single, _shared = self.rows[index]
        block, height = zh_unit[0], self.sides[index][0]
        splitter = splitter_of(block)
        if splitter is None or self.used() + height <= self.budget:
            self.page.append((zh_unit, en_unit, self.sides[index], False, True))
            return

        def parts():
            return splitter(block, self.budget - self.used(), self.budget, SHARED_WIDTH_EM)

        found = parts()
        if found[0][0] is None:
            # Not even the first row or item fits here: split again below the leads
            # that go on with it to the next page.
            self.close()
            found = parts()
        for number, (part, part_height) in enumerate(found):
            if number:
                self.close()
            if part is not None:
                self.page.append(([part], [part], (part_height, part_height), False, True))
        # Each side's speaker notes go with the last part.
        self.page[-1] = (
            self.page[-1][0] + zh_unit[1:],
            self.page[-1][1] + en_unit[1:],
            *self.page[-1][2:],
        )

    def split(self, index):
        """Two lists or tables, item for item or row for row: split both alike, and say
        whether they could be."""
        zh_unit, en_unit, _single, _shared = self.rows[index]
        parts = level_split(
            zh_unit[0], en_unit[0], self.budget - self.used(), self.budget, self.width
        )
        if parts is not None and parts[0][0] is None:
            # Not even the first item or row fits here: split again below the leads
            # that go on with it to the next page.
            self.close()
            parts = level_split(
                zh_unit[0], en_unit[0], self.budget - self.used(), self.budget, self.width
            )
        if parts is None:
            return False
        for number, (zh_part, en_part, part_height) in enumerate(parts):
            if number:
                self.close()
            if zh_part is not None:
                self.page.append(([zh_part], [en_part], (part_height, part_height), False, False))
        self.page.append((zh_unit[1:], en_unit[1:], (0.0, 0.0), False, False))
        return True

    def finished(self):
        if self.page:
            self.pages.append(_bands(self.page))
        return self.pages or [[Band([], [])]]
