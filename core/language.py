"""Which language a reader reads, and which language a text is written in."""

import functools
import os
import re
import unicodedata
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


def items_separator():
    """What stands between the items of a list in a line that may hold commas themselves
    (titles, a name and why): "; " in English, the full-width "；" in Chinese."""
    return pgettext("between the items of a list in a line", "; ")


def sentences_separator():
    """What stands between two sentences in the interface's language: a space in English,
    nothing in Chinese, whose full stop carries its own ("没有 1900 年的论文。任意年份的论文")."""
    return "" if interface_language() == "zh" else " "


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


def repeats(chinese, english):
    """Whether a Chinese side only repeats the start of the English one: it has no
    Chinese character, and the English begins with it as a whole word or words ("Llama
    Guard" before "Llama Guard: LLM-based Input-Output Safeguard …", the group's notes
    naming a paper by its short name). Shown under the English, it read as the title
    written twice. "T5" beside "mT5: …", "GPT-4" beside "GPT-4o System Card" or "Llama 2"
    beside "Llama 2.5 …" name other models, and are shown."""
    if not chinese or _HAN.search(chinese) or not any(c.isalnum() for c in chinese):
        return False
    short = " ".join(chinese.casefold().split())
    long = " ".join(english.casefold().split())
    after = long[len(short) : len(short) + 1]
    # "Llama 2" before "Llama 2.5", "GPT" before "GPT-4o": another name goes on.
    return long.startswith(short) and (after == "" or after.isspace() or after in ":：;,(（—–")


# Marks that turn the direction of what follows (embeddings, overrides, isolates): in a
# title, "\u202eabc" showed as "cba" in every list.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


# Letters that draw nothing (the Hangul fillers, the blank Braille pattern): a text of
# them alone shows nothing, as one of spaces.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(sign):
    """A space, a sign that draws nothing, or an invisible format sign; not the tag
    signs that end a subdivision flag (🏴 and its tags: England), which show as part of it."""
    if sign.isspace() or sign in BLANK_LETTERS:
        return True
    return unicodedata.category(sign) == "Cf" and not "\U000e0020" <= sign <= "\U000e007f"


def shows_something(text):
    """Whether a text has a sign that shows: one of spaces and invisible signs alone (a
    zero-width space) is none, as an empty one is."""
    return any(not _invisible(sign) for sign in text or "")


def plain_title(text):
    """A title as typed, without the signs that turn the text's direction and without
    invisible signs at its ends (a title of a zero-width space alone is empty)."""
    text = (text or "").translate(BIDI_CONTROLS)
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


class PlainTitles:
    """A form's titles (``title_zh``, ``title_en``) as ``plain_title`` gives them: on the
    forms of what the group writes (notes.forms.WritingForm) and of papers (the admin)."""

    def clean_title_zh(self):
        return plain_title(self.cleaned_data["title_zh"])

    def clean_title_en(self):
        return plain_title(self.cleaned_data["title_en"])


def quick_language(text):
    """Return "zh" if the text has a Chinese character, else "en" if it has a Latin
    letter, else "": text_language's guess for many short texts at once (a search shows
    some ninety), where counting every letter of each costs too much."""
    return "zh" if _HAN.search(text) else "en" if _LATIN.search(text) else ""


def full_name(user):
    """Return a user's full name as their language writes it: a Chinese name family name
    first with no space (姓 张, 名 三: 张三), where Django's ``get_full_name()`` writes the
    given name first ("三 张"); any other given name first (Ada Lovelace). "" for none."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if quick_language(first + last) == "zh":
        return f"{last}{first}"
    return user.get_full_name()


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


# The characters pypinyin reads: 〇, the CJK ideographs and their extensions.
_IDEOGRAPH = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# A Chinese character's syllable follows the character that stands just before "a", so
# that it sorts after the digits and the ASCII signs and before the Latin letters.
_SYLLABLE_MARK = "`"

# The combining marks of the four tones, as the tones are numbered; a syllable with none
# has the neutral tone, which follows the fourth (ā, á, ǎ, à, a).
_TONES = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
_DIAERESIS = "\u0308"  # ü: sorted as u, after u's own syllable (lù before lǜ, lǜ before luàn)


def sort_key(text):
    """Return the key that orders names as a Chinese reader expects, in either interface.

    A Chinese character counts as its pinyin, character by character as a Chinese
    dictionary orders its words: by the syllable without its tone (大模型 dà, 对齐 duì,
    多模态 duō), then ü after u, then the tone (前缀 qián before 嵌入 qiàn), then the
    character itself, so that the names of one first character stand together (知识,
    指令, 智能体). Any other character counts as itself, casefolded: a name without a
    Chinese character orders by ``str.casefold`` as before (and names that are the same
    casefolded, by their text: the order is total).

    In a mixed list the Chinese names come after the names that begin with a digit or an
    ASCII sign and before the Latin-lettered ones (01.AI, 阿里巴巴, 百川智能, 清华大学,
    Anthropic, Meta AI), rather than interleaved with them by their letters: so CLDR's
    collation for Chinese orders them, as ICU's collator for "zh" does (checked with
    Intl.Collator("zh"), Node 20, ICU 78; it orders characters of one reading by their
    strokes, where this key takes their code points).

    A character has its most common reading, from pypinyin's dictionary of single
    characters: a character of several readings is read as one, whatever the word (长
    zhǎng, where 长文本 says cháng), as the collator reads it too."""
    return _sort_key(str(text))


@functools.lru_cache(maxsize=2048)  # ~1.5 MB when full of names of six characters
def _sort_key(text):
    """sort_key's (characters, text), kept for the names a process sorts again and again:
    the topics and organisations of the filters, of each paper's row in the admin."""
    if not _IDEOGRAPH.search(text):  # a process that sorts Latin names only never loads pypinyin
        return tuple(text.casefold()), text
    return tuple(
        _syllable(char) if _IDEOGRAPH.match(char) else char for char in text.casefold()
    ), text


def _syllable(char):
    """A Chinese character's place among the characters: its first reading's syllable
    without the tone, whether it has ü, its tone, and the character ("`lu14绿" for 绿 lǜ);
    the character itself when pypinyin has no reading of it."""
    reading = _readings().get(ord(char))
    if not reading:
        return char
    marked = unicodedata.normalize("NFD", reading.split(",")[0])
    letters = "".join(c for c in marked if not unicodedata.combining(c))
    tone = next((_TONES[c] for c in marked if c in _TONES), 5)
    return f"{_SYLLABLE_MARK}{letters}{int(_DIAERESIS in marked)}{tone}{char}"


@functools.cache
def _readings():
    """pypinyin's readings by character ({ord("长"): "zhǎng,cháng"}, the most common
    first), loaded on first use: a process that sorts no Chinese name never loads it.
    Only its dictionary of single characters (~12 MB in a worker): the variables, read
    when pypinyin is imported, spare the ~43 MB of its dictionary of phrases, and the copy
    it makes of each dictionary to be added to (no function here adds to them)."""
    # Read by pypinyin as it is imported, so set first: the phrases would cost ~43 MB more.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict
