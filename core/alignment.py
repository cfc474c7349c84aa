"""Which section of a text stands beside which section of its translation, when the two
are not cut alike (a talk translated in part, a translator's section added on one side).

Used by the pages that show a text side by side (core.templatetags.bilingual) and by the
side-by-side deck (notes.slides.build), so that both pair the same sections.
"""

import re
from collections import Counter
from difflib import SequenceMatcher

TAGS = re.compile(r"<[^>]+>")
NUMBER = re.compile(r"\s*(\d+(?:\.\d+)*)")
STRUCTURE = re.compile(r"<(table|pre|img|ol|ul)\b|class=\"arithmatex", re.IGNORECASE)


def shape(level, title, html):
    """What a section shares with its translation, whatever the words: its heading's level
    and number ("3 多头注意力" beside "3 Multi-head attention"), and how many tables, code
    blocks, figures, lists and formulas it holds."""
    number = NUMBER.match(TAGS.sub("", title or ""))
    kinds = Counter(m.group(1).lower() if m.group(1) else "math" for m in STRUCTURE.finditer(html))
    return (level, number.group(1) if number else "", *sorted(kinds.items()))


def align(zh_sections, en_sections, shape_of):
    """Return [(zh section or None, en section or None)]: the sections of two texts in
    order, each beside its counterpart or beside nothing.

    Sections are matched by their shape (``shape_of(section)``, see shape()); in a stretch
    where the shapes differ, by heading level and number alone; a stretch of as many
    sections on both sides is paired one to one, and what is left stands beside nothing,
    the Chinese sections first.
    """
    zh_keys, en_keys = [shape_of(s) for s in zh_sections], [shape_of(s) for s in en_sections]
    rows = []
    for zh_run, en_run in _runs(zh_sections, en_sections, zh_keys, en_keys):
        rows.extend(_paired_run(zh_run, en_run, shape_of))
    return rows


def _runs(zh_sections, en_sections, zh_keys, en_keys):
    matcher = SequenceMatcher(None, zh_keys, en_keys, autojunk=False)
    for _op, zh_start, zh_end, en_start, en_end in matcher.get_opcodes():
        yield zh_sections[zh_start:zh_end], en_sections[en_start:en_end]


def _paired_run(zh_run, en_run, shape_of):
    if len(zh_run) == len(en_run):
        return list(zip(zh_run, en_run, strict=True))
    headings = [[shape_of(s)[:2] for s in run] for run in (zh_run, en_run)]
    if any(number for run in headings for _level, number in run):
        rows = []
        for zh_part, en_part in _runs(zh_run, en_run, *headings):
            if len(zh_part) == len(en_part):
                rows.extend(zip(zh_part, en_part, strict=True))
            else:
                rows.extend(_one_sided(zh_part, en_part))
        return rows
    return _one_sided(zh_run, en_run)


def _one_sided(zh_run, en_run):
    return [*((s, None) for s in zh_run), *((None, s) for s in en_run)]
