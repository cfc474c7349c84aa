"""How the drawings mark a model: its openness, the model a page is about, the models a
group has read; and the key (legend) to those marks."""

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.escaping import esc

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
