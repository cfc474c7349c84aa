"""Draw model families and the release timeline as SVG, from the database.

Both drawings are built on the server from a query or two, which read only the
models drawn, so they work without JavaScript, print well, and need nothing from
outside the site.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import LanguageModel

# What the family drawings, the lineage lists and their links read of a model.
DRAWN_FIELDS = ["slug", "name", "released", "parameters_b", "parameter_sizes", "open_weights"]
DRAWN_FIELDS += ["base_model", "relation", "family_root"]


@dataclass
class Family:
    """A root model and everything derived from it, held in memory."""

    root: LanguageModel
    children: dict = field(default_factory=dict)  # pk → [LanguageModel]

    @classmethod
    def _members(cls, roots):
        """Read the members of the families of these roots (pks, or a query giving them)
        in one query: each root and every model whose family root it is. Return them by
        pk, and each one's derived models."""
        members = (
            LanguageModel.objects.filter(Q(pk__in=roots) | Q(family_root__in=roots))
            .only(*DRAWN_FIELDS)
            .order_by("released", "pk")
        )
        by_pk = {m.pk: m for m in members}
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
        by_pk, children = cls._members(root_pks)
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
        root = LanguageModel.objects.filter(pk=model.pk).values(root=Coalesce("family_root", "pk"))
        by_pk, children = cls._members(root)
        roots = [m for m in by_pk.values() if m.family_root_id is None]
        return cls(roots[0], children) if roots else cls(model)

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


class FamilyList:
    """Every family with at least one derived model, largest first, then by root name.

    Families are counted and ordered in the database by their members' family root, so
    ``count()`` is one query and a slice two (its roots, then their members), however
    many models there are. Paginator takes it as it takes a QuerySet.
    """

    def __init__(self):
        self.sizes = (
            LanguageModel.objects.exclude(family_root=None)
            .values("family_root")
            .annotate(size=Count("pk"))
            .order_by("-size", "family_root__name", "family_root__released", "family_root")
        )

    def count(self):
        return self.sizes.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Family.of_roots([row["family_root"] for row in self.sizes[index]])
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[:])


NODE_W, NODE_H, COL_W, ROW_H, PAD = 170, 38, 300, 50, 16
META_CHARS = 28  # what fits under a node name at 11px


def _node_label(model):
    bits = []
    if model.parameter_sizes:
        bits.append(model.parameter_sizes)
    elif model.parameters_b is not None:
        bits.append(f"{model.parameters_b.normalize():f}B")
    if model.released:
        bits.append(f"{model.released:%Y-%m}")
    label = " · ".join(bits)
    return label if len(label) <= META_CHARS else label[: META_CHARS - 1] + "…"


def family_tree_svg(family, highlight=None):
    """Lay the family out left to right, one row per leaf, edges labelled."""
    positions, next_row = {}, [0]

    def place(node, depth):
        kids = family.kids(node)
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
    width = PAD * 2 + depth_max * COL_W + NODE_W
    height = PAD * 2 + (next_row[0] - 1) * ROW_H + NODE_H

    def xy(pk):
        depth, row, _m = positions[pk]
        return PAD + depth * COL_W, PAD + row * ROW_H

    parts = []
    for _depth, _row, node in positions.values():
        for kid in family.kids(node):
            x1, y1 = xy(node.pk)
            x2, y2 = xy(kid.pk)
            x1, y1, y2 = x1 + NODE_W, y1 + NODE_H / 2, y2 + NODE_H / 2
            mid = (x1 + x2) / 2
            parts.append(f'<path class="edge" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"/>')
            if kid.relation:
                parts.append(
                    f'<text class="edge-label" x="{x2 - 6}" y="{y2 - 5}" text-anchor="end">'
                    f"{escape(kid.get_relation_display())}</text>"
                )
    for _depth, _row, node in positions.values():
        x, y = xy(node.pk)
        classes = ["node"]
        if node.open_weights is False:
            classes.append("closed")
        if highlight is not None and node.pk == highlight.pk:
            classes.append("current")
        parts.append(
            f'<a href="{escape(node.get_absolute_url())}" class="{" ".join(classes)}">'
            f"<title>{escape(node.name)}</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
            f'<text class="name" x="{x + 8}" y="{y + 16}">{escape(node.name)}</text>'
            f'<text class="meta" x="{x + 8}" y="{y + 31}">{escape(_node_label(node))}</text>'
            "</a>"
        )
    title = _("Family tree of %(name)s") % {"name": family.root.name}
    return mark_safe(
        f'<svg class="family-tree" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _month_index(day):
    return day.year * 12 + day.month - 1


LABEL_CHAR_W = 6.2  # average width of a 10px label character


def timeline_svg(models, width=1100, height=620):
    """Scatter release month (x) against parameters in billions (y, log scale)."""
    models = [m for m in models if m.released and m.parameters_b and m.parameters_b > 0]
    if not models:
        return ""
    left, right, top, bottom = 70, 30, 30, 60
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
    taken = []  # label boxes already drawn: (x0, y0, x1, y1)

    def free(box):
        return all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in taken)

    for m in sorted(models, key=lambda m: (-float(m.parameters_b), m.released, m.name)):
        x, y = x_of(m.released), y_of(float(m.parameters_b))
        kind = "open" if m.open_weights else ("closed" if m.open_weights is False else "unknown")
        taken.append((x - 5, y - 5, x + 5, y + 5))
        parts.append(
            f'<a href="{escape(m.get_absolute_url())}" class="point {kind}">'
            f"<title>{escape(m.name)} · {m.released:%Y-%m} · {m.parameters_b.normalize():f}B"
            "</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"/></a>'
        )
    # Labels go where they overlap nothing; a crowded point keeps only its tooltip.
    for m in sorted(models, key=lambda m: (-float(m.parameters_b), m.released, m.name)):
        x, y = x_of(m.released), y_of(float(m.parameters_b))
        w = LABEL_CHAR_W * len(m.name)
        candidates = [
            (x + 7, y + 3.5, "start", (x + 7, y - 7, x + 7 + w, y + 5)),
            (x - 7, y + 3.5, "end", (x - 7 - w, y - 7, x - 7, y + 5)),
            (x, y - 9, "middle", (x - w / 2, y - 19, x + w / 2, y - 7)),
            (x, y + 16, "middle", (x - w / 2, y + 6, x + w / 2, y + 18)),
        ]
        for tx, ty, anchor, box in candidates:
            if box[0] >= left and box[2] <= width - right and free(box):
                taken.append(box)
                parts.append(
                    f'<text class="label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
                    f"{escape(m.name)}</text>"
                )
                break
    legend_y = height - 14
    parts.append(
        f'<g class="legend"><circle class="open" cx="{left}" cy="{legend_y}" r="5"/>'
        f'<text x="{left + 10}" y="{legend_y + 4}">{escape(_("open weights"))}</text>'
        f'<circle class="closed" cx="{left + 130}" cy="{legend_y}" r="5"/>'
        f'<text x="{left + 140}" y="{legend_y + 4}">{escape(_("closed"))}</text>'
        f'<text x="{width - right}" y="{legend_y + 4}" text-anchor="end">'
        f"{escape(_('parameters (billions, log scale) against release month'))}</text></g>"
    )
    return mark_safe(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(_("Release timeline of language models"))}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
