"""Which language a reader reads, and which language a text is written in."""

import re
from typing import NamedTuple

from django.utils.translation import get_language, gettext_noop, pgettext

# CJK ideographs and the CJK punctuation and full-width forms Chinese text uses.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")

LANG_ATTRIBUTE = {"zh": "zh-Hans", "en": "en"}


# The interface language (settings.LANGUAGES) of each side of a bilingual pair of fields.
SIDE_LANGUAGES = {"zh": "zh-hans", "en": "en"}


# Django's forms end each label with gettext(":"), which Django's own Chinese catalogue
# leaves ASCII ("arXiv 编号:" in the admin); named here so that this project's catalogue,
# read first, has it, and gives "：".
gettext_noop(":")


def colon(end=False):
    """What stands between a label and its value in the interface's language: ": " in
    English, the full-width "：" in Chinese, which carries its own space ("主讲人：张三").
    ``end``: the label ends its line, and the space is left out."""
    mark = pgettext("between a label and its value", ": ")
    return mark.rstrip() if end else mark


def names_separator():
    """What stands between the names of a list in a line: ", " in English, "、" in
    Chinese ("中文、英文")."""
    return pgettext("between the names of a list", ", ")


def interface_language():
    """Return "zh" or "en": the language the site's interface speaks in this request."""
    return "zh" if (get_language() or "").startswith("zh") else "en"


def shown_name(name, name_zh):
    """Return a name as the interface shows it: the Chinese one when there is one and
    the interface speaks Chinese, else the name (a topic, a taxonomy entry)."""
    return name_zh if name_zh and interface_language() == "zh" else name


class Name(NamedTuple):
    """A name and its Chinese one ("" when it has none), both kept: what is kept once for
    readers of either interface language (a reading list's rows) shows each reader
    the one of theirs (``shown_name``, as Topic's and Organization's)."""

    name: str
    name_zh: str = ""

    @property
    def shown_name(self):
        return shown_name(self.name, self.name_zh)


def reader_language(reading):
    """Return the language ("zh" or "en") a reader reads in: their reading choice, or,
    when they read side by side, the interface's language."""
    if reading in ("zh", "en"):
        return reading
    return interface_language()


def field_language(field_name):
    """Return the interface language of a text field by its side ("body_zh" → "zh-hans"),
    or None for a field of one language that is not known (a comment, a meeting's
    minutes)."""
    return SIDE_LANGUAGES.get(field_name.rpartition("_")[2])


def text_language(text):
    """Return "zh" or "en" for the language most of a text's letters are in ("" for a
    text of digits and signs only): a guess good enough for a ``lang`` attribute."""
    text = str(text)
    chinese, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    if not chinese and not latin:
        return ""
    # A Chinese character carries about as much as a short English word.
    return "zh" if chinese * 3 >= latin else "en"


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def quick_language(text):
    """Return "zh" if the text has a Chinese character, else "en" if it has a Latin
    letter, else "": text_language's guess for many short texts at once (a search shows
    some ninety), where counting every letter of each costs too much."""
    return "zh" if _HAN.search(text) else "en" if _LATIN.search(text) else ""


def in_interface_language(obj, name="title"):
    """Return the ``name`` pair's side in the interface's language, else the other one;
    what the record itself says when both are empty (a note's "Untitled note"). For text
    made outside a page's context: an e-mail, a calendar, the list of what changed."""
    return pick_side(obj, name, interface_language())[1] or str(getattr(obj, name, ""))


def pick_side(obj, name, language):
    """Return (language code, text) of a ``<name>_zh`` / ``<name>_en`` pair: the side in
    ``language``, else the other one; ("", "") when both are empty."""
    other = "en" if language == "zh" else "zh"
    for code in (language, other):
        if text := getattr(obj, f"{name}_{code}", ""):
            return code, text
    return "", ""
