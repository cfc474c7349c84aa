"""``{% chart svg label legend %}``: a drawing (a family tree, the timeline) in a box that
scrolls sideways when the drawing is wider; js/charts.js shows the hint and the shaded
edges when it is, and scrolls the current model (if any) into view. ``label`` names the
scroll box; ``legend`` (HTML, optional) is set below it.

``{% family_sections trees %}``: the family page's section of each (family, drawing).
The page draws ten families: through the template engine (an include, two
blocktranslates and the hint's translation each) their sections cost as much as a third
of the drawings themselves.
"""

from django import template
from django.utils.translation import gettext as _

from core.escaping import conditional_esc, esc, safe

register = template.Library()


def _hint():
    return esc(_("Wider than the screen: scroll sideways to see all of it."))


def chart_figure(svg, label, legend="", hint=None):
    """The figure of a drawing (``svg``, HTML) named ``label`` (text, or HTML marked
    safe), with ``legend`` (HTML) below it; ``hint``, the hint's text escaped, when the
    caller has it already."""
    caption = f"\n  <figcaption>{conditional_esc(legend)}</figcaption>" if legend else ""
    return safe(
        f'<figure class="chart">\n  <p class="scroll-hint" hidden>{hint or _hint()}</p>\n'
        '  <div class="chart-frame"><div class="svg-scroll" tabindex="0" role="region" '
        f'aria-label="{conditional_esc(label)}">{conditional_esc(svg)}</div></div>'
        f"{caption}\n</figure>"
    )


@register.simple_tag
def chart(svg, label, legend=""):
    return chart_figure(svg, label, legend)


@register.simple_tag
def family_sections(trees):
    """Each family's section: its heading, and its drawing in a chart figure."""
    hint, heading, title = _hint(), _("%(name)s family"), _("Family tree of %(name)s")
    html = []
    for family, svg in trees:
        name = esc(family.root.name)
        label = safe(title % {"name": name})
        html.append(
            f'<section class="family" id="family-{esc(family.root.slug)}">\n'
            f"  <h2>{heading % {'name': name}}</h2>\n"
            f"  {chart_figure(svg, label, hint=hint)}\n"
            "</section>\n"
        )
    return safe("".join(html))
