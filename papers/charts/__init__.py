"""Draw model families and the release timeline as SVG, from the database.

Both drawings are built on the server from a query or two, which read only the
models drawn, so they work without JavaScript, print well, and need nothing from
outside the site. ``marks`` holds how a model is marked and the legend, ``tree`` the
family trees (of papers.families.Family), ``timeline`` the release timeline.
"""

from .marks import OPENNESS, legend, openness
from .timeline import timeline_svg
from .tree import family_tree_svg, family_tree_svgs

__all__ = ["OPENNESS", "family_tree_svg", "family_tree_svgs", "legend", "openness", "timeline_svg"]
