"""Split a rendered write-up (sanitised HTML from core.markdown) into slides.

A slide starts at every h1 and h2, at an explicit ``---`` (``<hr>``), and at h3 when
the section around it would not fit on one slide. Whatever does not fit on a slide
continues on the next one: lists are split between items (an ``<ol>`` keeps its
numbering), tables between rows (the header row repeats) and code between lines (each
part keeps its language and markup, cut line by line). Whether a block fits is
a size estimate in lines of body text; static/js/deck.js measures the laid-out slides
and shrinks any that still overflow.

Speaker notes are callouts of the kind ``notes`` (``> [!notes]`` or ``> [!speaker]``):
they leave the slide and go to its ``<aside class="notes">``.

The input is already sanitised; the output is re-serialised from it (text and
attribute values escaped), so it is as safe as the stored HTML.
"""

from .build import (
    Section,
    Slide,
    build_side_by_side,
    build_slides,
    link_languages,
    sections,
)
from .fit import BODY_LINES, BODY_WIDTH_EM, FRAME_HEIGHT, FRAME_WIDTH, estimate, paginate
from .tree import parse, serialize

__all__ = [
    "BODY_LINES",
    "BODY_WIDTH_EM",
    "FRAME_HEIGHT",
    "FRAME_WIDTH",
    "Section",
    "Slide",
    "build_side_by_side",
    "build_slides",
    "estimate",
    "link_languages",
    "paginate",
    "parse",
    "sections",
    "serialize",
]
