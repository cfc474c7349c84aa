"""Two languages side by side: one section's Chinese and English blocks paired, row by
row, and laid out on slides that keep the two columns level."""

from difflib import SequenceMatcher
from itertools import zip_longest

from .fit import SPLITTERS, TAIL_SLACK, _is_lead, estimate, level_split, paginate

# Side by side, the text is set at 22px: two columns of 558px are 25em wide, and the
# body below a two-line title holds 16 lines.
PAIRED_WIDTH_EM, PAIRED_LINES = 24.5, 15.5


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
    pager = _PairedPager(rows, budget, width)
    for index in range(len(rows)):
        if pager.ends_with_one_side(index):
            break
        pager.add(index)
    return pager.finished()


class _PairedPager:
    """The slides of one section side by side, filled a row at a time.

    ``rows``: (zh blocks, en blocks, single) from _aligned, ``single`` when each side is
    one unit at most. The page being filled holds rows of (zh unit, en unit, (zh, en)
    heights, lead).
    """

    def __init__(self, rows, budget, width):
        self.rows, self.budget, self.width = rows, budget, width
        self.sides = [(_height(zh, width), _height(en, width)) for zh, en, _single in rows]
        self.pages, self.page = [], []

    def used(self):
        # The columns fill up each on its own: a block on one side only takes no room
        # on the other.
        return max(sum(row[2][0] for row in self.page), sum(row[2][1] for row in self.page))

    def is_lead(self, index, side):
        block = _first_block(self.rows[index][side])
        if not self.rows[index][2] or block is None:
            return False
        following = _first_block(self.rows[index + 1][side]) if index + 1 < len(self.rows) else None
        return _is_lead(block, following, self.width)

    def leads_start(self):
        start = len(self.page)
        while start and self.page[start - 1][3]:
            start -= 1
        return start

    def one_sided(self):
        """Whether ending the page now leaves one of its columns empty."""
        zh, en = _joined(self.page[: self.leads_start()])
        return (_first_block(zh) is None) != (_first_block(en) is None)

    def splits_below(self, index):
        """Whether the pair of lists or tables at index can begin on this page."""
        zh_unit, en_unit, single = self.rows[index]
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
            self.pages.append(_joined(self.page[:start]))
        self.page = self.page[start:]

    def ends_with_one_side(self, index):
        """Put the rows from index on this page, and say so, when they are blocks on one
        side only (a translator's footnotes): as in paginate, they may overfill the slide
        a little rather than go on one of their own beside an empty column."""
        if not self.page or any(zh and en for zh, en, _single in self.rows[index:]):
            return False
        rest = self.sides[index:]
        zh_used, en_used = (sum(row[2][n] for row in self.page) for n in (0, 1))
        zh_rest, en_rest = sum(h[0] for h in rest), sum(h[1] for h in rest)
        if max(zh_used + zh_rest, en_used + en_rest) > self.budget * TAIL_SLACK:
            return False
        for (zh, en, _single), pair in zip(self.rows[index:], rest, strict=True):
            self.page.append((zh, en, pair, False))
        return True

    def add(self, index):
        """Place the row at index: on this page, or after closing it, or split."""
        zh_unit, en_unit, single = self.rows[index]
        height = max(self.sides[index])
        following = max(self.sides[index + 1]) if index + 1 < len(self.rows) else 0.0
        # A lead on either side: "文章基本信息如下" introduces its list as much as
        # "Basic information about the paper:" beside it.
        lead = self.is_lead(index, 0) or self.is_lead(index, 1)
        # A lead (a heading, "我的理解：") starts a new slide rather than end one.
        needed = height + (min(following, 3.0) if lead and following else 0)
        if self.used() and self.used() + needed > self.budget:
            # A block on one side only (a translator's note) is not left beside an
            # empty column when the list or table pair after it can begin below it.
            if not (self.one_sided() and self.splits_below(index)):
                self.close()
        if single and zh_unit and en_unit and self.used() + height > self.budget:
            if self.split(index):
                return
        splittable = any(unit and unit[0].tag in SPLITTERS for unit in (zh_unit, en_unit))
        if height > self.budget and (splittable or not single):
            self.close()
            zh_leads, en_leads = _joined(self.page)
            self.pages.extend(
                level_pages(zh_leads + zh_unit, en_leads + en_unit, self.budget, self.width)
            )
            self.page = []
            return
        self.page.append((zh_unit, en_unit, self.sides[index], lead))

    def split(self, index):
        """Two lists or tables, item for item or row for row: split both alike, and say
        whether they could be."""
        zh_unit, en_unit, _single = self.rows[index]
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
                self.page.append(([zh_part], [en_part], (part_height, part_height), False))
        self.page.append((zh_unit[1:], en_unit[1:], (0.0, 0.0), False))
        return True

    def finished(self):
        if self.page:
            self.pages.append(_joined(self.page))
        return self.pages or [([], [])]
