"""The release timeline: release month against parameters, each point labelled where
its label fits."""

import math
from collections import defaultdict
from datetime import date

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.escaping import esc

from ..textwidth import text_width
from .marks import OPENNESS, POINT_MARKS, READ_RING, openness


def _month_index(day):
    return day.year * 12 + day.month - 1


LABEL_SIZE = 10  # px, a timeline label
POINT_R = 5
DODGE = 2 * POINT_R + 1  # models of the same month and size are set side by side
# How many points without a label near them look for a place further out (the largest
# first): each tries some three hundred places.
FURTHER_SEARCHES = 8


def label_box(x, y, anchor, text):
    """Return the box (x0, y0, x1, y1) a timeline label set at (x, y) takes."""
    w = text_width(text, LABEL_SIZE)
    x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return (x0, y - 9, x0 + w, y + 3)


def boxes_overlap(a, b):
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def crosses(segment, box):
    """Whether the segment (x1, y1, x2, y2) runs through the inside of the box (its edges
    and corners aside), by clipping it to the box (Liang–Barsky)."""
    x1, y1, x2, y2 = segment
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return True


class Drawn:
    """The boxes (x0, y0, x1, y1) drawn so far, filed by the cells of a grid they cover:
    a new label is tested against the boxes of its own cells, not against every box
    drawn (with 2 000 models the timeline took 6 s, nearly all of it in those tests)."""

    CELL = 40  # px: a few labels' height, a short label's width

    def __init__(self):
        self.cells = defaultdict(list)

    def _cells(self, box):
        c = self.CELL
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box):
        for cell in self._cells(box):
            self.cells[cell].append(box)

    def overlaps(self, box):
        """Whether the box overlaps one drawn (two that share any area share a cell)."""
        cells = self.cells
        return any(
            boxes_overlap(box, other) for cell in self._cells(box) for other in cells.get(cell, ())
        )

    def near(self, box):
        """The boxes drawn in the cells the box covers (some more than once)."""
        cells = self.cells
        return [other for cell in self._cells(box) for other in cells.get(cell, ())]

    def covers(self, x, y, unless):
        """Whether a box drawn, other than ``unless``, covers the point (x, y)."""
        c = self.CELL
        return any(
            b != unless and b[0] <= x <= b[2] and b[1] <= y <= b[3]
            for b in self.cells.get((int(x // c), int(y // c)), ())
        )


class Spread:
    """Points set so far, filed by cells as wide as the least distance between two: a
    point nearer than that to a new one lies in its cell or a neighbouring one."""

    def __init__(self, apart):
        self.apart, self.cells = apart, defaultdict(list)

    def _cell(self, x, y):
        return int(x // self.apart), int(y // self.apart)

    def clear(self, x, y):
        i, j = self._cell(x, y)
        return all(
            math.hypot(x - px, y - py) >= self.apart
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            for px, py in self.cells.get((i + di, j + dj), ())
        )

    def add(self, x, y):
        self.cells[self._cell(x, y)].append((x, y))


def parameters_tick(billions):
    """A tick of the parameters axis, as the group says sizes: 100M, 7B, 1T."""
    if billions >= 1000:
        return f"{billions / 1000:g}T"
    return f"{billions:g}B" if billions >= 1 else f"{billions * 1000:g}M"


def timeline_svg(models, width=1100, height=600, read=frozenset()):
    """Scatter release month (x) against parameters in billions (y, log scale).

    Models of the same month and size are set side by side rather than on top of one
    another. A label goes in the first of eight places round its point where it
    overlaps no other label or point, largest models first; failing that, further off
    with a leader line that crosses nothing; a point with no room for its label even so
    keeps its tooltip."""
    models = [m for m in models if m.released and m.parameters_b and m.parameters_b > 0]
    if not models:
        return ""
    left, right, top, bottom = 70, 30, 34, 50
    first = min(_month_index(m.released) for m in models) - 1
    last = max(_month_index(m.released) for m in models) + 1
    values = [float(m.parameters_b) for m in models]
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    hi = max(hi, lo + 1)

    def x_of(day):
        return left + (_month_index(day) - first) / (last - first) * (width - left - right)

    def y_of(value):
        return top + (hi - math.log10(value)) / (hi - lo) * (height - top - bottom)

    parts = [
        f'<rect class="plot-area" x="{left}" y="{top}" width="{width - left - right}" '
        f'height="{height - top - bottom}"/>'
    ]
    # The parameters axis is drawn last, over a backdrop of its own (y_axis): where the
    # timeline scrolls sideways (a phone opens it on its latest months), charts.js keeps
    # it at the box's left edge, so that the points keep their scale.
    y_axis = [f'<rect class="axis-backdrop" x="0" y="0" width="{left - 2}" height="{height}"/>']
    for exp in range(lo, hi + 1):
        y = y_of(10**exp)
        value = 10**exp
        label = parameters_tick(value)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>')
        y_axis.append(
            f'<text class="tick" x="{left - 8}" y="{y + 4}" text-anchor="end">{label}</text>'
        )
    for year in range(first // 12, last // 12 + 1):
        for month in (1, 7):
            index = year * 12 + month - 1
            if first <= index <= last:
                x = x_of(date(year, month, 1))
                parts.append(
                    f'<line class="grid" x1="{x}" x2="{x}" y1="{top}" y2="{height - bottom}"/>'
                )
                parts.append(
                    f'<text class="tick" x="{x}" y="{height - bottom + 18}" '
                    f'text-anchor="middle">{year}-{month:02d}</text>'
                )
    # Translated outside the f-strings, where xgettext would not find the messages.
    y_title, x_title = _("parameters (log scale)"), _("release month")
    y_axis.append(f'<text class="axis-title" x="{left}" y="{top - 12}">{esc(y_title)}</text>')
    parts.append(
        f'<text class="axis-title" x="{(left + width - right) / 2}" y="{height - 6}" '
        f'text-anchor="middle">{esc(x_title)}</text>'
    )

    order = sorted(models, key=lambda m: (-float(m.parameters_b), m.released, m.name))
    same_place = {}
    for m in sorted(models, key=lambda m: (m.name.casefold(), m.pk)):
        same_place.setdefault((_month_index(m.released), m.parameters_b), []).append(m)
    where = {}
    for group in same_place.values():
        for i, m in enumerate(group):
            dx = (i - (len(group) - 1) / 2) * DODGE
            where[m.pk] = (x_of(m.released) + dx, y_of(float(m.parameters_b)))
    # Points of nearly the same size in one month would still cover each other: move the
    # later one (in drawing order) sideways, by as little as frees it.
    placed = Spread(DODGE)
    for m in order:
        x, y = where[m.pk]
        for dx in (0, DODGE, -DODGE, 2 * DODGE, -2 * DODGE):
            if placed.clear(x + dx, y):
                x += dx
                break
        where[m.pk] = (x, y)
        placed.add(x, y)

    read_note = " · " + esc(_("read in my group"))  # outside the f-string, for xgettext
    taken = Drawn()  # points and labels
    points, leaders, labels = [], [], []
    for m in order:
        x, y = where[m.pk]
        kind = openness(m)
        taken.add((x - POINT_R - 1, y - POINT_R - 1, x + POINT_R + 1, y + POINT_R + 1))
        is_read = m.pk in read
        points.append(
            f'<a href="{esc(m.get_absolute_url())}" class="point {kind}'
            f'{" read" if is_read else ""}">'
            f"<title>{esc(m.name)} · {m.released:%Y-%m} · {m.parameters_b.normalize():f}B"
            f" · {esc(OPENNESS[kind])}"
            f"{read_note if is_read else ''}</title>"
            + (
                f'<circle class="read-mark" cx="{x:.1f}" cy="{y:.1f}" r="{POINT_R + 3}" '
                f"{READ_RING.attrs()}/>"
                if is_read
                else ""
            )
            + f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{POINT_R}" {POINT_MARKS[kind].attrs()}/></a>'
        )

    def inside(box):
        return (
            box[0] >= left + 2
            and box[2] <= width - right - 2
            and box[1] >= top + 1
            and box[3] <= height - bottom - 1
        )

    def put(m, tx, ty, anchor, box):
        taken.add(box)
        labels.append(
            f'<text class="label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
            f"{esc(m.name)}</text>"
        )

    def near(m):
        x, y = where[m.pk]
        gap = POINT_R + 3
        for tx, ty, anchor in [
            (x + gap, y + 3.5, "start"),
            (x - gap, y + 3.5, "end"),
            (x, y - gap - 1, "middle"),
            (x, y + gap + 9, "middle"),
            (x + POINT_R, y - gap, "start"),
            (x - POINT_R, y - gap, "end"),
            (x + POINT_R, y + gap + 8, "start"),
            (x - POINT_R, y + gap + 8, "end"),
        ]:
            box = label_box(tx, ty, anchor, m.name)
            if inside(box):
                yield tx, ty, anchor, box

    # First next to each point, largest models first; then, for the points left without,
    # a little further off with a leader line, where neither the label nor its line
    # crosses anything.
    unlabelled = []
    for m in order:
        for tx, ty, anchor, box in near(m):
            if not taken.overlaps(box):
                put(m, tx, ty, anchor, box)
                break
        else:
            unlabelled.append(m)
    # Where models crowd (GPT-3, WebGPT, InstructGPT and GPT-3.5 all at 175B within a
    # year), the largest of the points still without a label look further out, the
    # nearest place first: a few, for a timeline of thousands of models has hundreds.
    further = [
        (dx, dy)
        for dy in range(-120, 121, 12)
        for dx in range(-120, 121, 15)
        if abs(dy) > 66 or abs(dx) > 48
    ]
    further.sort(key=lambda spot: math.hypot(*spot))
    segments = []  # the leaders drawn: no label is set over one
    for n, m in enumerate(unlabelled):
        x, y = where[m.pk]
        own = (x - POINT_R - 1, y - POINT_R - 1, x + POINT_R + 1, y + POINT_R + 1)
        candidates = [
            (x + dx, y + 3.5, anchor)
            for dx, anchor in ((28, "start"), (-28, "end"), (48, "start"), (-48, "end"))
        ]
        candidates += [
            (x + dx, y + dy, anchor)
            for dy in (-22, 30, -34, 42, -46, 54, -58, 66)
            for dx, anchor in (
                (0, "middle"),
                (6, "start"),
                (-6, "end"),
                (30, "start"),
                (-30, "end"),
            )
        ]
        if n < FURTHER_SEARCHES:
            candidates += [
                (x + dx, y + dy, "start" if dx > 0 else "end" if dx < 0 else "middle")
                for dx, dy in further
            ]
        for tx, ty, anchor in candidates:
            box = label_box(tx, ty, anchor, m.name)
            if not inside(box) or taken.overlaps(box):
                continue
            if any(crosses(segment, box) for segment in segments):
                continue
            # The leader runs from the point's edge to the nearest point of the label,
            # through no other point or label.
            ex, ey = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
            length = math.hypot(ex - x, ey - y)
            sx, sy = x + (ex - x) * POINT_R / length, y + (ey - y) * POINT_R / length
            # A few points along it first, which turn most crossings away cheaply; then
            # the whole leader against what is drawn near it.
            steps = [(sx + (ex - sx) * t / 8, sy + (ey - sy) * t / 8) for t in range(9)]
            if any(taken.covers(px, py, unless=own) for px, py in steps):
                continue
            leader = (sx, sy, ex, ey)
            span = (min(sx, ex), min(sy, ey), max(sx, ex), max(sy, ey))
            if any(other != own and crosses(leader, other) for other in taken.near(span)):
                continue
            segments.append(leader)
            leaders.append(
                f'<line class="leader" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}"/>'
            )
            put(m, tx, ty, anchor, box)
            break
    parts += leaders + points + labels
    parts.append(f'<g class="y-axis">{"".join(y_axis)}</g>')
    title = _("Release timeline of language models")
    return mark_safe(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
