"""Draw model families and the release timeline as SVG, from the database.

Both drawings are built on the server from a query or two, which read only the
models drawn, so they work without JavaScript, print well, and need nothing from
outside the site.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.addresses import address, hrefs
from core.compiled import MARKS, compiled_count, compiled_rows
from core.escaping import esc

from .models import LanguageModel
from .textwidth import fit, text_width

# What the family drawings, the lineage lists and their links read of a model.
DRAWN_FIELDS = ["pk", "slug", "name", "released", "parameters_b", "parameter_sizes"]
DRAWN_FIELDS += ["open_weights", "base_model", "relation", "family_root"]


@dataclass(slots=True, eq=False)
class Member:
    """A model of a family as the drawings, the lineage lists and the API read it: its
    DRAWN_FIELDS, read as values. A family page draws some 150 models, and making each
    one's LanguageModel instance cost ~3 ms of the page."""

    pk: int
    slug: str
    name: str
    released: date | None
    parameters_b: object  # a Decimal, or None
    parameter_sizes: str
    open_weights: bool | None
    base_model_id: int | None
    relation: str
    family_root_id: int | None

    @classmethod
    def of(cls, model):
        """The member a LanguageModel instance is."""
        related = {"base_model", "family_root"}  # their ids, not the models
        fields = (f"{name}_id" if name in related else name for name in DRAWN_FIELDS)
        return cls(*(getattr(model, name) for name in fields))

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("reading:model_detail", slug=self.slug)

    def get_relation_display(self):
        return LanguageModel.relation_label(self.relation)


@dataclass
class Family:
    """A root model and everything derived from it, held in memory."""

    root: Member
    children: dict = field(default_factory=dict)  # pk → [Member]

    @staticmethod
    def _members_query(roots):
        """Return the rows (DRAWN_FIELDS) of the members of the families of these roots
        (pks, or a query giving them): each root and every model whose family root it is."""
        return (
            LanguageModel.objects.filter(Q(pk__in=roots) | Q(family_root__in=roots))
            .order_by("released", "pk")
            .values_list(*DRAWN_FIELDS)
        )

    @classmethod
    def _members(cls, rows):
        """Return the members of these rows (DRAWN_FIELDS) by pk, and each one's derived
        models."""
        by_pk = {}
        for row in rows:
            member = Member(*row)
            by_pk[member.pk] = member
        children = {}
        for m in by_pk.values():
            if m.base_model_id in by_pk:
                children.setdefault(m.base_model_id, []).append(m)
        return by_pk, children

    @classmethod
    def of_roots(cls, root_pks):
        """Return the families of these roots, in the same order."""
        if not root_pks:
            return []
        # A page's roots (ten) by SQL compiled once per number of roots, which takes up to
        # len(MARKS) values; more (every family at once) by the queryset.
        if len(root_pks) <= len(MARKS):
            rows = _roots_rows(*root_pks)
        else:
            rows = cls._members_query(root_pks)
        by_pk, children = cls._members(rows)
        return [cls(by_pk[pk], children) for pk in root_pks if pk in by_pk]

    @classmethod
    def all(cls):
        """Return every family with at least one derived model, largest first, as a lazy
        sequence for a Paginator: counting and slicing it read only what a page shows."""
        return FamilyList()

    @classmethod
    def containing(cls, model):
        # The root is read in the same query, not taken from the instance, which may have
        # been read before a model above it moved.
        by_pk, children = cls._members(_family_rows(model.pk))
        roots = [m for m in by_pk.values() if m.family_root_id is None]
        if roots:
            return cls(roots[0], children)
        return cls(Member.of(model))

    def __post_init__(self):
        # Keep only the tree below the root, each model once: a cycle of base models
        # (which clean() refuses, but a bulk update could make) cannot loop forever.
        tree, seen, queue = {}, {self.root.pk}, [self.root]
        while queue:
            node = queue.pop(0)
            kids = [kid for kid in self.children.get(node.pk, []) if kid.pk not in seen]
            seen.update(kid.pk for kid in kids)
            tree[node.pk] = kids
            queue.extend(kids)
        self.children = tree

    def kids(self, model):
        return self.children.get(model.pk, [])

    def members(self):
        out, stack = [], [self.root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.kids(node)))
        return out

    def descendants(self, model):
        """Return (depth, model) pairs below the model, depth first."""
        out = []

        def walk(node, depth):
            for kid in self.kids(node):
                out.append((depth, kid))
                walk(kid, depth + 1)

        walk(model, 1)
        return out

    def ancestors(self, model):
        """Return the chain from the root down to the model's parent."""
        parents = {kid.pk: node for node in self.members() for kid in self.kids(node)}
        chain, node = [], model
        while node.pk in parents:
            node = parents[node.pk]
            chain.append(node)
        return list(reversed(chain))


# The rows of the members of the family of a model of an id, their SQL compiled once per
# process (core.compiled): reading a family of 15 took 2.7 ms of CPU with the queryset
# built and compiled each time, 1.2 ms so with raw() model instances, less as values.
_family_rows = compiled_rows(
    lambda pk: Family._members_query(
        LanguageModel.objects.filter(pk=pk).values(root=Coalesce("family_root", "pk"))
    )
)


def _family_sizes():
    """Every family with at least one derived model (its root's id and its size),
    largest first, then by root name.

    Each root's models are counted through the family_root index, then the roots alone
    ordered: grouping every model joined to its root's name read and joined every model
    (2.8 ms of PostgreSQL's time at 2000 models, 1.2 ms so)."""
    size = (
        LanguageModel.objects.filter(family_root=OuterRef("pk"))
        .order_by()
        .values("family_root")
        .annotate(n=Count("*"))  # of the index's entries: no model's row is read
        .values("n")
    )
    roots = LanguageModel.objects.exclude(family_root=None).values("family_root")
    return (
        LanguageModel.objects.filter(pk__in=roots)
        .annotate(size=Subquery(size))
        .order_by("-size", "name", "released", "pk")
        .values_list("pk", "size")
    )


# The family list's SQL, compiled once per process (core.compiled): building and
# compiling its three querysets was a fifth of the cold family page's Python.
_family_count = compiled_count(
    lambda: LanguageModel.objects.exclude(family_root=None).values("family_root").distinct()
)
_family_roots = compiled_rows(lambda: _family_sizes().values_list("pk"))
# The members of the families of some roots, compiled once per number of roots.
_roots_rows = compiled_rows(lambda *roots: Family._members_query(roots))


class FamilyList:
    """Every family with at least one derived model, largest first, then by root name.

    Families are counted and ordered in the database by their members' family root, so
    ``count()`` is one query and a slice two (its roots, then their members), however
    many models there are. Paginator takes it as it takes a QuerySet.
    """

    def count(self):
        return _family_count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = index.start or 0
            if index.stop is None:
                roots = _family_roots()[start:]
            else:
                roots = _family_roots(page=(start, max(index.stop - start, 0)))
            return Family.of_roots([root for (root,) in roots])
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[:])


# How a model's openness is drawn. The colours are SVG presentation attributes rather
# than CSS, so that each legend is written from the very values its marks are drawn with.


@dataclass(frozen=True)
class Mark:
    fill: str
    stroke: str
    stroke_width: float = 1.5
    dash: str = ""

    def attrs(self):
        out = f'fill="{self.fill}" stroke="{self.stroke}" stroke-width="{self.stroke_width:g}"'
        return out + (f' stroke-dasharray="{self.dash}"' if self.dash else "")


GREEN, RED, GREY, BLUE = "#1b8a5a", "#c0392b", "#7b8494", "#2456c7"
OPENNESS = {
    "open": gettext_lazy("open weights"),
    "closed": gettext_lazy("closed"),
    "unknown": gettext_lazy("openness unknown"),
}
NODE_MARKS = {
    "open": Mark("#e3f4ec", GREEN),
    "closed": Mark("#ffffff", RED),
    "unknown": Mark("#ffffff", GREY, 1.5, "5 3"),
}
POINT_MARKS = {
    "open": Mark(GREEN, GREEN),
    "closed": Mark("#ffffff", RED, 2),
    "unknown": Mark("#ffffff", GREY, 1.5, "2.5 1.5"),
}
CURRENT_MARK = Mark("none", BLUE, 3)  # a ring round the model whose page this is
PURPLE = "#7b3fc4"
READ_MARK = Mark(PURPLE, "#ffffff", 1.5)  # a dot on a model whose papers the group has read
READ_RING = Mark("none", PURPLE, 2)  # the same on the timeline: a ring round the point


def openness(model):
    """Return "open", "closed", or "unknown" when the sources do not say."""
    if model.open_weights is None:
        return "unknown"
    return "open" if model.open_weights else "closed"


def read_badge(cx, cy, r=7):
    """A check mark in a dot: a model a paper of which the reader's group has read."""
    return (
        f'<g class="read-mark"><circle cx="{cx}" cy="{cy}" r="{r}" {READ_MARK.attrs()}/>'
        f'<path d="M{cx - 3.2},{cy + 0.2} l2.2,2.4 l4.2,-4.8" fill="none" stroke="#ffffff" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></g>'
    )


def legend(chart, current=False, read=False):
    """Return the key to a drawing's marks (chart "tree" or "timeline") as HTML, to be
    set outside the drawing's scroll box so that it stays in view. Every kind is listed,
    drawn from the same Mark as the drawing uses; ``current`` adds the ring of the
    model a page is about, ``read`` the mark of the models whose papers the reader's
    group has read."""
    items = []
    for kind, label in OPENNESS.items():
        if chart == "tree":
            shape = f'<rect x="3" y="3" width="24" height="14" rx="3" {NODE_MARKS[kind].attrs()}/>'
        else:
            shape = f'<circle cx="15" cy="10" r="5" {POINT_MARKS[kind].attrs()}/>'
        items.append((kind, label, shape))
    if current:
        shape = (
            f'<rect x="2" y="2" width="26" height="16" rx="5" {CURRENT_MARK.attrs()}/>'
            f'<rect x="6" y="6" width="18" height="8" rx="2" fill="#ffffff" stroke="{GREY}" '
            'stroke-width="1"/>'
        )
        items.append(("current", _("this model"), shape))
    if read:
        if chart == "tree":
            shape = (
                f'<rect x="3" y="3" width="24" height="14" rx="3" fill="#ffffff" stroke="{GREY}" '
                f'stroke-width="1"/>{read_badge(21, 9, 6)}'
            )
        else:
            shape = (
                f'<circle cx="15" cy="10" r="8" {READ_RING.attrs()}/>'
                f'<circle cx="15" cy="10" r="5" fill="#ffffff" stroke="{GREY}" stroke-width="1"/>'
            )
        items.append(("read", _("my group has read its paper"), shape))
    heading = _("Legend")  # not inside the f-string: xgettext would not find it there
    return mark_safe(
        f'<ul class="chart-legend" aria-label="{esc(heading)}">'
        + "".join(
            f'<li data-kind="{kind}"><svg class="swatch" width="30" height="20" '
            f'viewBox="0 0 30 20" aria-hidden="true">{shape}</svg>{esc(label)}</li>'
            for kind, label, shape in items
        )
        + "</ul>"
    )


NODE_W, NODE_H, ROW_H, PAD = 168, 38, 50, 16
NAME_SIZE, META_SIZE, EDGE_SIZE = 13, 11, 11  # px, as site.css sets them
MIN_GAP = 48  # between two columns of nodes, when no relation label needs more
SPINE = 14  # where the edges from a model turn towards the models derived from it
LABEL_GAP = 8  # clear space either side of a relation label
RING = 5  # how far the current model's ring reaches out of its box
TEXT_W = NODE_W - 16  # what a node's text may use


def _node_label(model):
    """The line under a node's name: its sizes and release month, the sizes shortened
    to what fits so that the month stays."""
    released = model.released
    # As f"{released:%Y-%m}" writes it, without strftime: a tenth of a node's drawing.
    month = f"{released.year}-{released.month:02d}" if released else ""
    if model.parameter_sizes:
        sizes = model.parameter_sizes
    elif model.parameters_b is not None:
        sizes = f"{model.parameters_b.normalize():f}B"
    else:
        return month
    if not month:
        return fit(sizes, META_SIZE, TEXT_W)
    return fit(sizes, META_SIZE, TEXT_W - MONTH_W) + f" · {month}"


# The width of " · 2023-05" after a node's sizes, measured once: every month's is the
# same, the digits being all of one width (tabular figures, as in the face textwidth
# measures; tests/papers/test_charts.py).
MONTH_W = text_width(" · 0000-00", META_SIZE)


class TreeWords:
    """What every family tree drawn for a page writes alike, in the page's language: made
    once for the family page's ten trees, not once per tree."""

    def __init__(self):
        self.titles = {kind: f" · {esc(label)}" for kind, label in OPENNESS.items()}
        self.read_title = " · " + esc(_("read in my group"))
        self.title = _("Family tree of %(name)s")
        self.href = hrefs("reading:model_detail", "slug")
        self.boxes = {
            kind: f'" width="{NODE_W}" height="{NODE_H}" rx="6" {mark.attrs()}/>'
            for kind, mark in NODE_MARKS.items()
        }
        self.relations = {}  # relation → its label, escaped, and its width

    def relation(self, relation):
        """Return the relation's label, escaped, and its width, translated and measured
        once."""
        if relation not in self.relations:
            label = LanguageModel.relation_label(relation)
            self.relations[relation] = esc(label), text_width(label, EDGE_SIZE)
        return self.relations[relation]


def family_tree_svgs(families, read=frozenset()):
    """Return the drawing of each family (``family_tree_svg``), as the family page draws
    them: what they write alike made once."""
    words = TreeWords()
    return [family_tree_svg(family, read=read, words=words) for family in families]


def family_tree_svg(family, highlight=None, read=frozenset(), words=None):
    """Lay the family out left to right, one row per leaf, each edge labelled with the
    relation. The space before a column is what its longest relation label needs, so the
    drawing is no wider than it must be. The model a page is about (``highlight``) is
    ringed and marked ``aria-current``, for the page's script to scroll it into view.
    Models whose ids are in ``read`` get a dot (a paper of theirs read in the group)."""
    words = words or TreeWords()
    positions, next_row, children = {}, [0], family.children

    def place(node, depth):
        kids = children.get(node.pk)
        if not kids:
            row = next_row[0]
            next_row[0] += 1
        else:
            rows = [place(kid, depth + 1) for kid in kids]
            row = (rows[0] + rows[-1]) / 2
        positions[node.pk] = (depth, row, node)
        return row

    place(family.root, 0)
    depth_max = max(d for d, _r, _m in positions.values())
    # Each relation's label and width, and the space before each column it needs.
    relations, gaps = {}, {}
    for depth, _row, node in positions.values():
        if depth and node.relation:
            relations[node.pk], label_width = words.relation(node.relation)
            need = SPINE + label_width + 2 * LABEL_GAP + RING
            gaps[depth] = max(gaps.get(depth, MIN_GAP), math.ceil(need))
    columns = [PAD]
    for depth in range(1, depth_max + 1):
        columns.append(columns[-1] + NODE_W + gaps.get(depth, MIN_GAP))
    width = columns[-1] + NODE_W + PAD
    height = PAD * 2 + (next_row[0] - 1) * ROW_H + NODE_H

    # Where each node's box starts, worked out once: an edge needs both its ends'; and
    # the middle of its height, written once for the edges that meet it there.
    at, middles = {}, {}
    for pk, (depth, row, _m) in positions.items():
        y = PAD + row * ROW_H
        at[pk] = columns[depth], y
        middles[pk] = f"{y + NODE_H / 2:g}"

    # Edges run from the base model to a vertical spine just right of it, then straight
    # to each derived model, so that the relation labels, set above the straight part,
    # cross no other edge.
    edges, edge_labels = [], []
    for _depth, _row, node in positions.values():
        kids = children.get(node.pk)
        if not kids:
            continue
        x1, y1 = at[node.pk]
        x1, y1, y1s = x1 + NODE_W, y1 + NODE_H / 2, middles[node.pk]
        spine, start = x1 + SPINE, f'<path class="edge" d="M{x1},{y1s} H'
        for kid in kids:
            x2, y2 = at[kid.pk]
            y2, y2s = y2 + NODE_H / 2, middles[kid.pk]
            if y1 == y2:
                edges.append(f'{start}{x2}"/>')
            else:
                sign, r = (1 if y2 > y1 else -1), min(8, abs(y2 - y1) / 2)
                edges.append(
                    f"{start}{spine - r} Q{spine},{y1s} {spine},{y1 + sign * r:g} "
                    f'V{y2 - sign * r:g} Q{spine},{y2s} {spine + r},{y2s} H{x2}"/>'
                )
            if kid.pk in relations:
                edge_labels.append(
                    f'<text class="edge-label" x="{x2 - LABEL_GAP - RING}" y="{y2 - 5:g}" '
                    f'text-anchor="end">{relations[kid.pk]}</text>'
                )
    parts = edges + edge_labels
    titles, boxes, href = words.titles, words.boxes, words.href
    current = highlight.pk if highlight is not None else None
    for _depth, _row, node in positions.values():
        x, y = at[node.pk]
        kind, meta = openness(node), _node_label(node)
        name, shown = esc(node.name), fit(node.name, NAME_SIZE, TEXT_W, bold=True)
        classes, marked, ring, title_end, dot = kind, "", "", "", ""
        if node.pk == current:
            classes, marked = f"{kind} current", ' aria-current="page"'
            ring = (
                f'<rect class="ring" x="{x - RING}" y="{y - RING}" width="{NODE_W + 2 * RING}" '
                f'height="{NODE_H + 2 * RING}" rx="9" {CURRENT_MARK.attrs()}/>'
            )
        if node.pk in read:
            classes += " read"
            title_end, dot = words.read_title, read_badge(x + NODE_W - 10, y + 10)
        parts.append(
            f'<a href="{href(node.slug)}" class="node {classes}"{marked}>'
            f"<title>{name}{titles[kind]}{title_end}</title>{ring}"
            f'<rect class="box" x="{x}" y="{y}{boxes[kind]}'
            f'<text class="name" x="{x + 8}" y="{y + (16 if meta else 24):g}">'
            f"{name if shown is node.name else esc(shown)}</text>"
            + (f'<text class="meta" x="{x + 8}" y="{y + 31:g}">{esc(meta)}</text>' if meta else "")
            + f"{dot}</a>"
        )
    title = words.title % {"name": family.root.name}
    return mark_safe(
        f'<svg class="family-tree" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{esc(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _month_index(day):
    return day.year * 12 + day.month - 1


LABEL_SIZE = 10  # px, a timeline label
POINT_R = 5
DODGE = 2 * POINT_R + 1  # models of the same month and size are set side by side


def label_box(x, y, anchor, text):
    """Return the box (x0, y0, x1, y1) a timeline label set at (x, y) takes."""
    w = text_width(text, LABEL_SIZE)
    x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return (x0, y - 9, x0 + w, y + 3)


def boxes_overlap(a, b):
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


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


def timeline_svg(models, width=1100, height=600, read=frozenset()):
    """Scatter release month (x) against parameters in billions (y, log scale).

    Models of the same month and size are set side by side rather than on top of one
    another. A label goes in the first of eight places round its point where it
    overlaps no other label or point, largest models first; failing that, a little further
    off with a leader line; a point with no room for its label keeps its tooltip."""
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
    for exp in range(lo, hi + 1):
        y = y_of(10**exp)
        value = 10**exp
        label = f"{value:g}B" if value >= 1 else f"{value * 1000:g}M"
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>')
        parts.append(
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
    y_title, x_title = _("parameters (billions, log scale)"), _("release month")
    parts.append(
        f'<text class="axis-title" x="{left}" y="{top - 12}">{esc(y_title)}</text>'
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
    for m in unlabelled:
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
        for tx, ty, anchor in candidates:
            box = label_box(tx, ty, anchor, m.name)
            if not inside(box) or taken.overlaps(box):
                continue
            # The leader runs from the point's edge to the nearest point of the label.
            ex, ey = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
            length = math.hypot(ex - x, ey - y)
            sx, sy = x + (ex - x) * POINT_R / length, y + (ey - y) * POINT_R / length
            steps = [(sx + (ex - sx) * t / 20, sy + (ey - sy) * t / 20) for t in range(21)]
            if any(taken.covers(px, py, unless=own) for px, py in steps):
                continue
            leaders.append(
                f'<line class="leader" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}"/>'
            )
            put(m, tx, ty, anchor, box)
            break
    parts += leaders + points + labels
    title = _("Release timeline of language models")
    return mark_safe(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
