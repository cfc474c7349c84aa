"""A model family's tree: the root on the left, each derived model to the right of its
base, each edge labelled with the relation."""

import math

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.addresses import hrefs
from core.escaping import esc

from ..models import LanguageModel
from ..textwidth import fit, surely_fits, text_width
from .marks import CURRENT_MARK, NODE_MARKS, OPENNESS, openness, read_badge

NODE_W, NODE_H, ROW_H, PAD = 168, 38, 50, 16
# A column's boxes grow to show their models' names and sizes whole, up to this width;
# beyond it the text is shortened and the tooltip gives it whole.
MAX_NODE_W = 296
NAME_SIZE, META_SIZE, EDGE_SIZE = 13, 11, 11  # px, as site.css sets them
MIN_GAP = 48  # between two columns of nodes, when no relation label needs more
SPINE = 14  # where the edges from a model turn towards the models derived from it
LABEL_GAP = 8  # clear space either side of a relation label
RING = 5  # how far the current model's ring reaches out of its box
TEXT_INSET = 8  # between a box's edge and its text, either side
TEXT_W = NODE_W - 2 * TEXT_INSET  # what a node's text may use in the narrowest box
MAX_TEXT_W = MAX_NODE_W - 2 * TEXT_INSET
# The widest a tree is drawn and still shown whole on a laptop's page: the page's room
# for a drawing (1222 px: .wrap's 1280 less its padding and the chart's) over the least
# a drawing is shrunk to fit it (static/js/charts.js, SHRINK = 0.9). The boxes grow
# into this room only: a tree that fits the page at NODE_W still fits it.
PAGE_ROOM = 1357
# What a name leaves free at its line's end: the "read" mark sits in the box's corner.
READ_ROOM = 12


def _facts(model):
    """A node's sizes and release month, as its second line gives them ("" where the
    sources do not say)."""
    released = model.released
    # As f"{released:%Y-%m}" writes it, without strftime: a tenth of a node's drawing.
    month = f"{released.year}-{released.month:02d}" if released else ""
    if model.parameter_sizes:
        return model.parameter_sizes, month
    if model.parameters_b is not None:
        return f"{model.parameters_b.normalize():f}B", month
    return "", month


def _width(text, size, bold=False, room=TEXT_W):
    """The width ``text`` is drawn in; 0 for a text that surely fits ``room`` (not
    measured)."""
    if surely_fits(text, size, room, bold):
        return 0
    return text_width(text, size, bold)


def grown(wants, spare):
    """Each column's width: what it wants (NODE_W or more) where ``spare`` pixels allow
    every column's growth; else the growth shared out, the columns that want least
    given it whole and the others the same share of what is left (none where nothing
    is spare)."""
    extras = sorted(want - NODE_W for want in wants)
    if sum(extras) <= spare:
        return list(wants)
    level, left = 0, max(spare, 0)
    for i, extra in enumerate(extras):
        if extra * (len(extras) - i) > left:
            level = left // (len(extras) - i)
            break
        left -= extra
    return [NODE_W + min(want - NODE_W, level) for want in wants]


class _Node:
    """A model's box: what it shows, measured once (its name, its sizes and month, and the
    text width they need to be shown whole), and where the layout puts it. The layout
    reads and writes these attributes, one object a model: a family page draws some 150
    boxes, and a dict of each (places, texts, corners, middles) cost more than drawing."""

    __slots__ = ("model", "kids", "depth", "row", "x", "y", "middle", "label")
    __slots__ += ("name", "sizes", "month", "facts", "name_w", "sizes_w", "needs")

    def __init__(self, model, kids, depth, row):
        self.model, self.kids, self.depth, self.row = model, kids, depth, row
        self.label = None  # the relation's label, escaped, on an edge's end
        self.name = model.name
        self.sizes, self.month = _facts(model)
        # The second line whole (the tooltip's): sizes and month.
        self.facts = (
            f"{self.sizes} · {self.month}"
            if self.sizes and self.month
            else self.sizes or self.month
        )
        self.name_w = _width(self.name, NAME_SIZE, bold=True, room=TEXT_W - READ_ROOM)
        self.sizes_w = _width(self.sizes, META_SIZE)
        line_w = self.sizes_w + MONTH_W if self.sizes and self.month else self.sizes_w
        self.needs = max(self.name_w + READ_ROOM if self.name_w else 0, line_w)

    def lines(self, text_w):
        """The name and the second line as a box whose text is ``text_w`` wide shows
        them: the sizes shortened to what fits so that the month stays."""
        name_room = text_w - READ_ROOM
        name = self.name
        if self.name_w > name_room:
            name = fit(self.name, NAME_SIZE, name_room, bold=True)
        if not self.sizes:
            return name, self.month
        room = text_w - MONTH_W if self.month else text_w
        sizes = self.sizes if self.sizes_w <= room else fit(self.sizes, META_SIZE, room)
        return name, f"{sizes} · {self.month}" if self.month else sizes


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
            kind: f' height="{NODE_H}" rx="6" {mark.attrs()}/>' for kind, mark in NODE_MARKS.items()
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
    children, nodes, next_row = family.children, [], 0

    def place(model, depth):
        nonlocal next_row
        kids = [place(kid, depth + 1) for kid in children.get(model.pk) or ()]
        if kids:
            row = (kids[0].row + kids[-1].row) / 2
        else:
            row = next_row
            next_row += 1
        node = _Node(model, kids, depth, row)
        nodes.append(node)  # each after the models derived from it
        return node

    place(family.root, 0)
    depth_max = max(node.depth for node in nodes)
    # Each column's boxes as wide as its longest name or sizes need, within
    # NODE_W..MAX_NODE_W.
    wants = [NODE_W] * (depth_max + 1)
    for node in nodes:
        if node.needs > wants[node.depth] - 2 * TEXT_INSET:
            wants[node.depth] = min(math.ceil(node.needs) + 2 * TEXT_INSET, MAX_NODE_W)
    # Each relation's label and width, and the space before each column it needs.
    gaps = {}
    for node in nodes:
        if node.depth and node.model.relation:
            node.label, label_width = words.relation(node.model.relation)
            need = SPINE + label_width + 2 * LABEL_GAP + RING
            gaps[node.depth] = max(gaps.get(node.depth, MIN_GAP), math.ceil(need))
    narrowest = 2 * PAD + NODE_W * (depth_max + 1)
    narrowest += sum(gaps.get(depth, MIN_GAP) for depth in range(1, depth_max + 1))
    widths = grown(wants, PAGE_ROOM - narrowest)
    columns = [PAD]
    for depth in range(1, depth_max + 1):
        columns.append(columns[-1] + widths[depth - 1] + gaps.get(depth, MIN_GAP))
    width = columns[-1] + widths[depth_max] + PAD
    height = PAD * 2 + (next_row - 1) * ROW_H + NODE_H

    # Where each node's box starts, worked out once: an edge needs both its ends'; and
    # the middle of its height, written once for the edges that meet it there.
    for node in nodes:
        node.x, node.y = columns[node.depth], PAD + node.row * ROW_H
        node.middle = f"{node.y + NODE_H / 2:g}"

    # Edges run from the base model to a vertical spine just right of it, then straight
    # to each derived model, so that the relation labels, set above the straight part,
    # cross no other edge.
    edges, edge_labels = [], []
    for node in nodes:
        if not node.kids:
            continue
        x1, y1, y1s = node.x + widths[node.depth], node.y + NODE_H / 2, node.middle
        spine, start = x1 + SPINE, f'<path class="edge" d="M{x1},{y1s} H'
        for kid in node.kids:
            x2, y2, y2s = kid.x, kid.y + NODE_H / 2, kid.middle
            if y1 == y2:
                edges.append(f'{start}{x2}"/>')
            else:
                sign, r = (1 if y2 > y1 else -1), min(8, abs(y2 - y1) / 2)
                edges.append(
                    f"{start}{spine - r} Q{spine},{y1s} {spine},{y1 + sign * r:g} "
                    f'V{y2 - sign * r:g} Q{spine},{y2s} {spine + r},{y2s} H{x2}"/>'
                )
            if kid.label is not None:
                edge_labels.append(
                    f'<text class="edge-label" x="{x2 - LABEL_GAP - RING}" y="{y2 - 5:g}" '
                    f'text-anchor="end">{kid.label}</text>'
                )
    parts = edges + edge_labels
    titles, boxes, href = words.titles, words.boxes, words.href
    current = highlight.pk if highlight is not None else None
    for node in nodes:
        model, x, y, box_w = node.model, node.x, node.y, widths[node.depth]
        kind, (shown, line), facts = openness(model), node.lines(box_w - 2 * TEXT_INSET), node.facts
        # The tooltip (and a screen reader's name of the link): the name and the sizes
        # whole, where the box shortens them.
        name, meta = esc(node.name), esc(line)
        about = f" · {meta if facts == line else esc(facts)}" if facts else ""
        classes, marked, ring, title_end, dot = kind, "", "", "", ""
        if model.pk == current:
            classes, marked = f"{kind} current", ' aria-current="page"'
            ring = (
                f'<rect class="ring" x="{x - RING}" y="{y - RING}" width="{box_w + 2 * RING}" '
                f'height="{NODE_H + 2 * RING}" rx="9" {CURRENT_MARK.attrs()}/>'
            )
        if model.pk in read:
            classes += " read"
            title_end, dot = words.read_title, read_badge(x + box_w - 10, y + 10)
        parts.append(
            f'<a href="{href(model.slug)}" class="node {classes}"{marked}>'
            f"<title>{name}{about}{titles[kind]}{title_end}</title>{ring}"
            f'<rect class="box" x="{x}" y="{y}" width="{box_w}"{boxes[kind]}'
            f'<text class="name" x="{x + TEXT_INSET}" y="{y + (16 if meta else 24):g}">'
            f"{name if shown is node.name else esc(shown)}</text>"
            + (
                f'<text class="meta" x="{x + TEXT_INSET}" y="{y + 31:g}">{meta}</text>'
                if meta
                else ""
            )
            + f"{dot}</a>"
        )
    title = words.title % {"name": family.root.name}
    return mark_safe(
        f'<svg class="family-tree" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{esc(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
