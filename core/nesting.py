"""How deeply a Markdown text nests, read in one pass over its lines before it is rendered.

Python-Markdown builds an element for each level of a list, a block quote or emphasis,
and walks the tree it built recursively (the table of contents' ``iterparent``, the
serialiser): ``"*" * 2000 + "x" + "*" * 2000`` (4,001 characters) went past Python's
recursion limit and every save of it failed, and a list nested some three hundred deep
on each of its lines ("- - - … x") took seconds to render, since every level reads the
lines below it again. ``too_deep`` finds such a text without rendering it: the forms
refuse it with ``check_nesting``'s message, and ``core.markdown.render_document`` shows
it as written rather than parse it. Depth is not all: a list costs about as much for
each level of each of its items, so that a hundred thousand characters of "- - … x" 32
deep took two seconds, twice a flat list of as many characters; the levels of all the
items are added up too, to at most what a flat list of a note's length has.

The reading is no parser: it errs towards counting a level Python-Markdown would not
build (an asterisk that opens nothing, code lines' indentation), so the limits are set
well above what anyone writes. A text made to nest deeper than it reads (lines continued
lazily into the innermost item of a list add their levels to it) gets perhaps twice the
limit, far from the recursion limit; render_document catches a RecursionError anyway.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Outlines in the group's notes reach eight or ten levels, a callout in a quoted list a
# few more; emphasis three (***bold italic***). 32 levels is far from both, and far
# below Python's recursion limit (1,000 frames) and the depths where a list slows the
# rendering down.
MAX_BLOCK_DEPTH = 32  # lists and block quotes, one inside another
MAX_EMPHASIS_DEPTH = 32  # * and _ (each character of a run counted as a level)
# Rendering a list costs about the same for each level of each item (some 40 µs here),
# however the levels are spread: 1,500 lines of "- - … x" 32 deep (100,000 characters)
# took twice as long as a flat list of 25,000 items, the most a note of BODY_LIMIT can
# hold ("- x" and a newline each), which takes a second. The levels of a text's list
# items (a quote's levels around them counted too) may add up to as many as that.
MAX_NESTING_TOTAL = 25_000

BLOCKS_MESSAGE = _(
    "This text nests lists or block quotes too deeply to be shown (more than %(limit)s "
    "levels, at line %(line)s): flatten that part and save again."
)
EMPHASIS_MESSAGE = _(
    "This text nests emphasis (* or _) too deeply to be shown (more than %(limit)s "
    "levels, at line %(line)s): remove some of the asterisks or underscores and save again."
)
TOTAL_MESSAGE = _(
    "This text has too many nested list items or quotes to be shown (their levels add up "
    "to more than %(limit)s by line %(line)s): flatten some of its lists, or split it, "
    "and save again."
)
LIMITS = {
    "blocks": (MAX_BLOCK_DEPTH, BLOCKS_MESSAGE),
    "emphasis": (MAX_EMPHASIS_DEPTH, EMPHASIS_MESSAGE),
    "total": (MAX_NESTING_TOTAL, TOTAL_MESSAGE),
}


@dataclass(frozen=True)
class TooDeep:
    """Where a text first goes past a limit: ``kind`` "blocks" or "emphasis" (one line
    nests too deeply) or "total" (too many levels in all), ``line`` counted from 1."""

    kind: str
    line: int

    @property
    def limit(self):
        return LIMITS[self.kind][0]

    @property
    def message(self):
        return LIMITS[self.kind][1]

    @property
    def params(self):
        return {"limit": f"{self.limit:,}", "line": self.line}

    def text(self):
        """The message, in the active language."""
        return self.message % self.params

    def error(self):
        """The forms' error, translated when it is shown."""
        return ValidationError(self.message, code="too_deep", params=self.params)


# A block quote's ">" or a list item's marker, with the spaces before it: each opens a
# level, as each four columns of indentation may.
# Python-Markdown reads any run of decimal digits (in any script: "１２.") as an ordered
# list's number.
CONTAINER = re.compile(r"([ \t]*)(>|[-*+](?=[ \t])|\d+[.)](?=[ \t]))")
# A thematic break ("* * *", "---", "> - - -"): a line of markers that opens no list.
RULE = re.compile(r"[ \t>]*([-*_])(?:[ \t]*\1){2,}[ \t]*")
FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
MATH_OPENING = re.compile(r"\$\$|\\\[|\\begin\{([a-z]+\*?)\}")  # as arithmatex reads them
MATH_CLOSES = {"$$": "$$", "\\[": "\\]"}  # and \begin{env} by \end{env}
MATH_CLOSING = re.compile(r"\\end\{[a-z]+\*?\}$")
MATH_START = {"$", "\\"}
CONTAINER_START = set(" \t>-*+_0123456789")
HEADING_OR_ROW = re.compile(r"[ \t]*(?:#{1,6}(?:[ \t]|$)|\|)")
BACKTICKS = re.compile(r"\\.|`+")
DOLLARS = re.compile(r"\\.|\$+")
ESCAPE = re.compile(r"\\.")
RUN = re.compile(r"\*+|_+")


def too_deep(text):
    """Return where ``text`` nests deeper than its limits (a TooDeep), or None."""
    if not text:
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    emphasis = {"*": 0, "_": 0}
    fence = math = None
    closings = _Closings(lines)
    total = 0  # the levels of the list items so far
    paragraph = False  # in a paragraph begun by plain text: a list marker does not end it
    after_break = True  # the line before was blank, a heading, a row, or there was none
    for index, line in enumerate(lines):
        depth, content, item = _containers(line)
        if depth > MAX_BLOCK_DEPTH:
            return TooDeep("blocks", index + 1)
        total += depth if item else 0
        if total > MAX_NESTING_TOTAL:
            return TooDeep("total", index + 1)
        stripped = content.strip()
        # Code and display formulas hold no emphasis; their lines are still counted
        # above, so that a fence Python-Markdown does not see hides no list.
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence, after_break = None, True
            continue
        if math is not None and stripped:  # a formula ends with its block at the latest
            math = None if stripped.endswith(math) else math
            continue
        if found := FENCE.match(content):
            fence, math, paragraph = found.group(1), None, False
            continue
        if stripped[:1] in MATH_START and (opened := MATH_OPENING.match(stripped)):
            closing = MATH_CLOSES.get(opened.group()) or f"\\end{{{opened.group(1)}}}"
            if stripped.endswith(closing, opened.end()):
                continue  # a formula on one line
            if closings.after(index, closing):
                math = closing
                continue
            # Never closed: no formula to arithmatex, and its lines are read as text.
        math = None
        alone = bool(HEADING_OR_ROW.match(content))  # a heading or a table row: one line
        if not stripped or alone or (item and not paragraph):
            emphasis = {"*": 0, "_": 0}  # a new paragraph, list item, heading or row
        marked = "*" in content or "_" in content
        if marked and _emphasis_depth(content, emphasis) > MAX_EMPHASIS_DEPTH:
            return TooDeep("emphasis", index + 1)
        breaks = not stripped or alone
        if breaks:
            emphasis = {"*": 0, "_": 0}
        paragraph = not breaks and (paragraph or (after_break and not item))
        after_break = breaks
    return None


def check_nesting(value):
    """A form field's validator: refuse Markdown that nests too deeply to be shown."""
    if found := too_deep(value):
        raise found.error()


class _Closings:
    """Where display formulas may close: a formula opened on a line is one only if a
    line of its block (up to the next blank line, where arithmatex stops looking) ends
    with its closing; else what follows it is text, with its emphasis counted.

    Each block is read once, at its first opening: the last line each closing ends,
    so that a text of openings that never close is still read in one pass."""

    def __init__(self, lines):
        self.lines, self.end, self.last = lines, -1, {}

    def after(self, index, closing):
        """Whether a line after ``index``, in its block, ends with ``closing``."""
        if index >= self.end:
            self._read_block(index)
        return self.last.get(closing, -1) > index

    def _read_block(self, start):
        self.last = {}
        index = start
        while index < len(self.lines):
            stripped = _containers(self.lines[index])[1].strip()
            if not stripped:
                break
            if stripped.endswith(("$$", "\\]")):
                self.last[stripped[-2:]] = index
            elif ended := MATH_CLOSING.search(stripped):
                self.last[ended.group()] = index
            index += 1
        self.end = index


def _containers(line):
    """The levels ``line`` opens (its markers and indentation), what follows them, and
    whether it starts a list item."""
    if not (line[:1] in CONTAINER_START or line[:1].isdecimal()) or not line.strip():
        return 0, line, False  # most lines: plain text, or blank
    if RULE.fullmatch(line):
        return line.count(">"), "", False
    depth, position, item = 0, 0, False
    while found := CONTAINER.match(line, position):
        depth += 1 + _columns(found.group(1)) // 4
        item = item or found.group(2) != ">"
        position = found.end()
        if depth > MAX_BLOCK_DEPTH:
            break
    rest = line[position:]
    indent = len(rest) - len(rest.lstrip(" \t"))
    return depth + _columns(rest[:indent]) // 4, rest, item


def _columns(space):
    return len(space.expandtabs(4))


def _emphasis_depth(content, open_runs):
    """Read the emphasis delimiters of one line into ``open_runs`` (the characters of
    "*" and "_" runs still open in the paragraph); return the deepest level reached.

    A run opens when the character after it is no space, closes when the one before it
    is none (an "_" only at the edge of a word), as Python-Markdown pairs them; a run
    that could do either closes what is open and opens otherwise. Code spans, inline
    formulas and escaped characters are no delimiters."""
    text = _without_code(content) if "`" in content else content
    text = _without_formulas(text) if "$" in text else text
    text = ESCAPE.sub("x", text) if "\\" in text else text
    deepest = open_runs["*"] + open_runs["_"]
    for run in RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        mark, length = text[start], end - start
        opens = not after.isspace()
        closes = not before.isspace()
        if mark == "_":
            opens = opens and not _word(before)
            closes = closes and not _word(after)
        if closes and (open_runs[mark] or not opens):
            open_runs[mark] = max(0, open_runs[mark] - length)
        elif opens:
            open_runs[mark] += length
            deepest = max(deepest, open_runs["*"] + open_runs["_"])
    return deepest


def _word(character):
    return character.isalnum() or character == "_"


def _without_code(text):
    """``text`` with its code spans (between equal runs of backticks) blanked out, found
    in one pass: a run opens a span that the next run of its length closes; a run with
    none after it is left as text."""
    runs = [m for m in BACKTICKS.finditer(text) if m.group()[0] == "`"]
    if len(runs) < 2:
        return text
    following, closing = {}, [None] * len(runs)
    for index in range(len(runs) - 1, -1, -1):
        length = len(runs[index].group())
        closing[index] = following.get(length)
        following[length] = index
    spans, index = [], 0
    while index < len(runs):
        if (end := closing[index]) is None:
            index += 1
        else:
            spans.append((runs[index].start(), runs[end].end()))
            index = end + 1
    return _blank(text, spans)


def _without_formulas(text):
    """``text`` with its inline formulas blanked out: "$…$" or "$$…$$", no space inside
    either dollar and no dollar between them, as arithmatex reads them."""
    runs = [m for m in DOLLARS.finditer(text) if m.group()[0] == "$"]
    spans, index = [], 0
    while index < len(runs) - 1:
        first, second = runs[index], runs[index + 1]
        after, before = text[first.end() : first.end() + 1], text[second.start() - 1]
        if first.group() == second.group() and after.strip() and before.strip():
            spans.append((first.start(), second.end()))
            index += 2
        else:
            index += 1
    return _blank(text, spans)


def _blank(text, spans):
    """``text`` with each (start, end) span, in order, replaced by one letter."""
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], "x"]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
