"""Control characters a text may not hold: the C0 controls other than tab, line feed and
carriage return (U+0001–U+0008, U+000B, U+000C, U+000E–U+001F).

They show nothing, and XML 1.0 has no place for them: a note titled "GPT\\x02-4 notes",
or a body with a terminal's colour code ("\\x1b[0m"), was saved, and then every Atom feed
that listed it failed (Django's feed writer refuses them). They come pasted from a
terminal or a PDF. The forms refuse them with ``check_controls``'s message, which names
the character and its line, since the writer cannot see it. NUL (U+0000) is refused by
Django's own text fields already, with its own message, and is left to them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
# What XML 1.0 cannot hold at all: these, NUL, and U+FFFE and U+FFFF.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """The text without what XML cannot hold (any other value as it is): for what is
    written as XML from records stored before ``check_controls``, or without a form
    (Django's feed writer refused the whole feed over one such character)."""
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


def without_controls(text):
    """The text with each control character taken out (a vertical tab or form feed, a
    line's end in a PDF's text, made a space), and NUL: for what comes without a form,
    from an outside source (a BibTeX file, arXiv, doi.org), which is kept, not refused."""
    return CONTROLS.sub(lambda found: " " if found.group() in "\x0b\x0c" else "", text).replace(
        "\x00", ""
    )


def check_controls(value):
    """A form field's validator: refuse a text (or each of a list of texts: topics) that
    holds a control character, saying which one and on which line."""
    for text in value if isinstance(value, list | tuple) else [value]:
        if isinstance(text, str) and (found := CONTROLS.search(text)):
            raise ValidationError(
                _(
                    "The text holds an invisible control character (U+%(code)s, line "
                    "%(line)s), pasted perhaps from a terminal or a PDF: remove it."
                ),
                code="control_character",
                params={
                    "code": f"{ord(found.group()):04X}",
                    "line": text.count("\n", 0, found.start()) + 1,
                },
            )
