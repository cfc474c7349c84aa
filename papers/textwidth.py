"""How wide a line of text is drawn, estimated on the server for the SVG drawings.

The drawings place labels and size boxes before any browser sees them, so they need
the width of a string without a font engine. The widths below are DejaVu Sans (what
``system-ui`` is on a Linux desktop without other fonts), one of the widest sans-serif
faces: Segoe UI, Roboto, PingFang and Noto Sans draw the same text narrower, so a box
sized from these numbers holds the text everywhere. Measured in Chromium with canvas
``measureText`` at 100px, in hundredths of an em, for the printable ASCII characters.
"""

import unicodedata

_ASCII = range(32, 127)
_REGULAR = (
    "32,40,46,84,64,95,78,27,39,39,50,84,32,36,32,34,64,64,64,64,64,64,64,64,64,64,34,34,84,84,"
    "84,53,100,68,69,70,77,63,58,77,75,29,29,66,56,86,75,79,60,79,69,63,61,73,68,99,69,61,69,39,"
    "34,39,84,50,50,61,63,55,63,62,35,63,63,28,28,58,28,97,63,61,63,63,41,52,39,63,59,82,59,59,"
    "52,64,34,64,84"
)
_BOLD = (
    "35,46,52,84,70,100,87,31,46,46,52,84,38,42,38,37,70,70,70,70,70,70,70,70,70,70,40,40,84,84,"
    "84,58,100,77,76,73,83,68,68,82,84,37,37,77,64,100,84,85,73,85,77,72,68,81,77,110,77,72,73,"
    "46,37,46,84,50,50,67,72,59,72,68,44,72,71,34,34,67,34,104,71,69,72,72,49,60,48,71,65,92,65,"
    "65,58,71,37,71,84"
)
_WIDTHS = {
    False: {chr(c): int(w) / 100 for c, w in zip(_ASCII, _REGULAR.split(","), strict=True)},
    True: {chr(c): int(w) / 100 for c, w in zip(_ASCII, _BOLD.split(","), strict=True)},
}
_WIDTHS[False].update({"…": 1.0, "·": 0.32, "—": 1.0, "–": 0.5})
_WIDTHS[True].update({"…": 1.0, "·": 0.38, "—": 1.0, "–": 0.5})
_OTHER = 0.72  # Greek, accented and other letters not listed: about a capital's width
# The widest a character may be drawn (a square Chinese one, or the widest listed).
_WIDEST = {bold: max(*widths.values(), 1.0, _OTHER) for bold, widths in _WIDTHS.items()}


def text_width(text, size, bold=False):
    """Return the width in pixels of ``text`` set in ``size``-pixel type."""
    widths = _WIDTHS[bool(bold)]
    try:
        # Most texts (a model's name, its sizes) have only listed characters: summed in C,
        # a third of the loop's time, to the same float.
        return sum(map(widths.__getitem__, text)) * size
    except KeyError:
        pass
    em = 0.0
    for char in text:
        if char in widths:
            em += widths[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0  # Chinese characters and full-width punctuation are square
        elif unicodedata.combining(char):
            continue
        else:
            em += _OTHER
    return em * size


def surely_fits(text, size, width, bold=False):
    """Whether ``text`` fits in ``width`` pixels even were each of its characters the
    widest, which needs no measuring (a family tree fits some two hundred names); the
    margin outweighs rounding."""
    return len(text) * _WIDEST[bool(bold)] * size < width - 1e-6


def fit(text, size, width, bold=False):
    """Return ``text``, shortened with an ellipsis if needed to fit in ``width`` pixels."""
    if surely_fits(text, size, width, bold):
        return text
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip(" ,·") + "…"
