"""Text helpers for the search index: plain text, query terms, CJK n-grams, snippets.

Chinese is written without spaces between words, so Chinese is matched as a substring
(found through its bigrams and trigrams on PostgreSQL, character trigrams on SQLite); English and
other Latin-script words are matched by stem through the database's full-text search.
"""

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from core.escaping import esc, safe

# CJK ideographs (with extension A and compatibility ideographs), kana and hangul.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{CJK}]+")
QUERY_RUN = re.compile(f'[{CJK}]+|[^{CJK}\\s<>()\\[\\]{{}}"“”‘’,;:!?，。；：！？、（）《》【】]+')
CJK_CHAR = re.compile(f"[{CJK}]")
# A Latin run glued to a CJK run on either side ("使用LoRA微调"): index them as words apart.
CJK_THEN_LATIN = re.compile(f"([{CJK}])(?=[A-Za-z0-9])")
LATIN_THEN_CJK = re.compile(f"([A-Za-z0-9%])(?=[{CJK}])")
TAG = re.compile(r"<[^>]*>")
BLOCK_END = re.compile(r"</(p|li|h[1-6]|div|tr|td|th|pre|blockquote|table)>|<br\s*/?>", re.I)
SPACE = re.compile(r"\s+")
WORD = re.compile(r"[A-Za-z]{4,40}")
# Katex and code blocks keep their source; the rest of the HTML is markup only.
SCRIPT_OR_STYLE = re.compile(r"<(script|style|annotation)\b.*?</\1>", re.I | re.S)
# The "#" link to a heading (core.markdown's table of contents): not the heading's words.
HEADER_LINK = re.compile(r"<a\b[^>]*\bclass=\"headerlink\"[^>]*>.*?</a>", re.I | re.S)

SNIPPET_CHARS = 220
# English stop words (Snowball's list, as PostgreSQL's "english" configuration drops them):
# a query term that is one of them would match nothing there, so it is left out on both.
STOP_WORDS = frozenset(
    {
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
        "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
        "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
        "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
        "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
        "for", "with", "about", "against", "between", "into", "through", "during", "before",
        "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over",
        "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
        "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
        "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will",
        "just", "don", "should", "now",
    }
)  # fmt: skip


# Letters and digits outside ASCII and the common ideographs: some are compatibility forms
# that NFKC writes plainly (full-width ＬｏＲＡ is LoRA, ４ is 4, ﬁ is fi, 﨑 is 崎).
NON_PLAIN_WORD = re.compile(r"[^\x00-\x7f\u4e00-\u9fff\W]+")


def fold(text):
    """Return the text with its letters and digits in their NFKC form, as a query is
    searched (a Chinese input method types ＬｏＲＡ, ＧＰＴ４): its punctuation stays as
    written, so a Chinese text shown in a snippet keeps its full-width commas."""
    if text.isascii():
        return text
    return NON_PLAIN_WORD.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)


def html_to_text(value):
    """Return the words of sanitised HTML as plain text."""
    value = SCRIPT_OR_STYLE.sub(" ", value or "")
    value = HEADER_LINK.sub("", value)
    value = BLOCK_END.sub(" ", value)
    return html.unescape(TAG.sub("", value))


def plain(*parts):
    """Join text parts with single spaces, a space between Chinese and Latin runs, the
    letters and digits folded (fold())."""
    text = SPACE.sub(" ", fold(" ".join(str(p) for p in parts if p))).strip()
    return LATIN_THEN_CJK.sub(r"\1 ", CJK_THEN_LATIN.sub(r"\1 ", text))


# Between the parts of a document's text (its Chinese and English texts, its facts): a
# snippet stays within one (snippet()), and to the index it is a space.
PART_BREAK = "\n"


# A name in two languages among a record's facts (both()), "\x0eSurveys\x0f综述\x10": both
# indexes read the marks as breaks between words, so either name finds the record, and a
# snippet shows one side (one_side()). Control characters, which paragraphs() takes out of
# every other text: a " ‖ " or " · " a member writes ("KL(p ‖ q)") is kept as written.
PAIR_START, PAIR_SIDES, PAIR_END = PAIR_MARKS = "\x0e\x0f\x10"
PAIR = re.compile(f"{PAIR_START}([^{PAIR_MARKS}]*){PAIR_SIDES}([^{PAIR_MARKS}]*){PAIR_END}")
UNMARKED = str.maketrans("", "", PAIR_MARKS)


class Facts(str):
    """A record's short facts as one part of its body (search.index.facts): the one part
    whose names in two languages are marked (both()), paragraphs() keeps them."""


def both(english, chinese):
    """A name in both languages as one fact, marked (PAIR); the one there is when the other
    is missing or the same."""
    english = str(english or "").translate(UNMARKED)
    chinese = str(chinese or "").translate(UNMARKED)
    if english and chinese and english != chinese:
        return f"{PAIR_START}{english}{PAIR_SIDES}{chinese}{PAIR_END}"
    return english or chinese


def one_side(text, english, regex):
    """The text with each name in two languages (both()) in one: the reader's (English
    where ``english``), or the other where only the other has a match, as the reader
    searched for it. A snippet of a paper's facts read "Surveys · 综述 · Meta AI · 元"
    in either interface."""
    if PAIR_SIDES not in text:
        return text

    def side(pair):
        english_name, chinese_name = pair.groups()
        mine, other = (english_name, chinese_name) if english else (chinese_name, english_name)
        if regex is not None and not regex.search(mine) and regex.search(other):
            return other
        return mine

    return PAIR.sub(side, text)


def paragraphs(*parts):
    """The parts of a document's text each as plain() makes it, a PART_BREAK between
    them: a snippet that ran from the end of a Chinese description into the start of its
    English one read "…使用合成数据进行微调的 Alpaca Alpaca is the LLaMA 7B…". Only its
    facts (Facts) keep the marks of names in two languages (both())."""
    texts = (plain(part if isinstance(part, Facts) else _unmarked(part)) for part in parts)
    return PART_BREAK.join(text for text in texts if text)


def _unmarked(part):
    return str(part).translate(UNMARKED) if part else part


def cjk_grams(size, *parts):
    """Return the distinct sequences of ``size`` characters of the Chinese runs,
    space-separated."""
    seen = dict.fromkeys(
        run[i : i + size]
        for part in parts
        for run in CJK_RUN.findall(part or "")
        for i in range(len(run) - size + 1)
    )
    return " ".join(seen)


# An arXiv identifier (2303.18223, 2303.18223v2, 1706.03762): PostgreSQL's parser reads
# one inside a link (https://arxiv.org/pdf/2303.18223.pdf) as part of one URL word.
ARXIV_ID = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?:v\d+)?(?![\d])")


# A name and its version number, written apart or together: GPT-4, LLaMA 2, Llama-2-7B, GPT4.
# Both databases read "GPT-4" and "LLaMA 2" as two words, "GPT4" as one: the index holds
# each such name as one word too (names()), and a query's "GPT-4" or "gpt4" is searched as
# that word (Term.searched), so each finds the name however it is written. Whole numbers
# only: SQLite reads "gpt4.5" as gpt4 and 5, where PostgreSQL reads one word, so an
# indexed "gpt4.5" would have been found by "gpt4" on SQLite alone.
SEPARATOR = "[-\u2010\u2011\u2013\uff0d ]"  # a hyphen (ASCII, Unicode, full-width) or space
NAME_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9])([A-Za-z]{{2,40}})({SEPARATOR}?)([0-9]{{1,3}})(?![A-Za-z0-9]|\.[0-9])"
)


def _name(m):
    """The name and number of a NAME_NUMBER match as one lower-case word, or None when
    the "name" is a stop word (for 2, in 10)."""
    letters = m[1].lower()
    return None if letters in STOP_WORDS else letters + m[3]


def names(*parts):
    """Return the distinct names with their numbers in the texts, each as one word."""
    found = (_name(m) for part in parts for m in NAME_NUMBER.finditer(part or ""))
    return list(dict.fromkeys(n for n in found if n))


def with_names(head):
    """Return the title text with its names and numbers written as one word added
    ("GPT-4 Technical Report gpt4"), so that a title match ranks as one; those already
    there are not added again."""
    present = set(head.lower().split())
    return plain(head, *(n for n in names(head) if n not in present))


# The field's compounds, written as one word, with a hyphen or with a space: "finetuned",
# "fine-tuned", "pre-training", "pretrained".
COMPOUND = re.compile(
    rf"\b(fine|pre|post){SEPARATOR}?(tun(?:e|ed|es|ing)|train(?:ed|ing|s)?)\b", re.I
)


def compounds(*parts):
    """Return the stems of each compound (COMPOUND) as one word, hyphenated, and of its
    two parts: "Instruction-Finetuned" is found by "instruction tuning", "finetuning" by
    "fine-tuning" and "fine-tuning" by "finetuning" (the English stemmer's own words,
    "finetun", "fine-tun", "fine", "tune", as the index and the queries stem them:
    PostgreSQL asks for a hyphenated word whole and for its parts)."""
    found = (
        word
        for part in parts
        for m in COMPOUND.finditer(part or "")
        for word in (stem(m[1] + m[2]), stem(f"{m[1]}-{m[2]}"), m[1].lower(), stem(m[2]))
    )
    return list(dict.fromkeys(found))


def index_terms(*parts):
    """Return what is indexed beside the text itself: the Chinese bigrams and trigrams (a
    Chinese term of two or three characters is one of them, found by the index alone),
    the arXiv identifiers, so that one is found wherever it is written, a link
    included, the names with their numbers as one word (NAME_NUMBER), and the stems of
    the field's compounds (compounds())."""
    ids = dict.fromkeys(
        id_
        for part in parts
        for m in ARXIV_ID.finditer(part or "")
        for id_ in (m.group(), m.group().split("v")[0])  # 1706.03762v5 is 1706.03762 too
    )
    return " ".join(
        x
        for x in [
            cjk_grams(2, *parts),
            cjk_grams(3, *parts),
            " ".join(ids),
            " ".join(names(*parts)),
            " ".join(compounds(*parts)),
        ]
        if x
    )


def words(*parts):
    """Return the distinct lower-case Latin words (4–40 letters) of the text."""
    return {w.lower() for part in parts for w in WORD.findall(part or "")}


@dataclass(frozen=True)
class Term:
    text: str

    @property
    def is_cjk(self):
        return bool(CJK_CHAR.match(self.text))

    @property
    def searched(self):
        """The text the index is searched for: a name and its number as one word
        ("GPT-4" and "gpt4" as "gpt4", NAME_NUMBER), the term as written otherwise."""
        m = NAME_NUMBER.fullmatch(self.text)
        return (m and _name(m)) or self.text


def parse(query):
    """Split a query into terms: at spaces and brackets, and where Chinese meets Latin.

    Terms without a letter, digit or ideograph (a lone dash) and English stop words
    are dropped.
    """
    terms = []
    for run in QUERY_RUN.findall(query or ""):
        text = run.strip(".-'/")
        if (
            any(ch.isalnum() for ch in text)
            and text.lower() not in STOP_WORDS
            and Term(text) not in terms
        ):
            terms.append(Term(text))
    return terms[:8]


@lru_cache(maxsize=2048)
def stem(word):
    return _stemmer().stemWord(word.lower())


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


def _is_word(term):
    return not term.is_cjk and term.text.isalpha()


TRAILING_SIGNS = re.compile(r"(?<=[A-Za-z0-9])[+#*]+$")


def _pattern(term):
    if term.is_cjk:
        return re.escape(term.text)
    name = NAME_NUMBER.fullmatch(term.text)
    if name and _name(name):
        # "gpt4" marks GPT-4, GPT 4 and GPT4: what the index finds it by.
        letters, number = re.escape(name[1]), re.escape(name[3])
        return rf"(?<![A-Za-z0-9]){letters}{SEPARATOR}?{number}(?![A-Za-z0-9]|\.[0-9])"
    pieces = [p for p in re.split(r"[^A-Za-z0-9]+", term.text) if p]
    # "LLaMA-Adapter", "GPT-3.5", "2303.18223": the pieces in order, any separator.
    pattern = r"\b" + r"[^A-Za-z0-9]{0,3}".join(re.escape(p) for p in pieces)
    # The signs a term ends in are part of it ("C++", "C#", "Q*"), and a short last
    # piece ends where its word does: "C++" and "Q*" marked the first letter of every
    # word beginning with C or Q ("<mark>C</mark>hinese").
    if signs := TRAILING_SIGNS.search(term.text):
        return pattern + re.escape(signs.group())
    return pattern + r"(?![A-Za-z0-9])" if pieces and len(pieces[-1]) < 3 else pattern


class Matcher:
    """Find the terms in text: Chinese as written, English words by their stem."""

    def __init__(self, terms):
        self.stems = {stem(t.text) for t in terms if _is_word(t)}
        patterns = [_pattern(t) for t in terms if not _is_word(t)]
        if self.stems:
            # Candidates share the stem's first letters ("tun" for tune ~ tuning);
            # finditer() keeps those whose own stem is one of the terms' stems.
            prefixes = {s[:3] for s in self.stems}
            alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
            patterns.append(rf"(?P<word>\b(?:{alternatives})[a-z]*)")
        # A compound however written (compounds()): "finetuned" for fine-tuning,
        # "fine-tuning" for finetuning. Only for a query of one: for others ("tuning",
        # found in "Finetuned" too) the pattern would cost every search's highlighting.
        self.compounded = {w for t in terms for w in compounds(t.text)}
        if self.compounded:
            patterns.append(f"(?P<compound>{COMPOUND.pattern})")
        self.regex = re.compile(
            "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True)), re.I
        )

    def finditer(self, text):
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            if self.compounded and m["compound"]:
                if self.compounded.intersection(compounds(m["compound"])):
                    yield m
                continue
            word = m["word"] if self.stems else None
            if word is None or stem(word) in self.stems:
                yield m

    def search(self, text):
        return next(self.finditer(text), None)


def matcher(terms):
    """Return a Matcher for the terms, or None when there are none."""
    return Matcher(terms) if terms else None


# The marks of the matches while a highlighted text is escaped: control characters,
# which escaping leaves as they are and indexed text does not hold.
MARK, END_MARK = "\x02", "\x03"
MARK_TAGS = {MARK: "<mark>", END_MARK: "</mark>"}


def highlight(text, regex):
    """Escape the text, then wrap each match of the Matcher in <mark>.

    The matches are marked in the text, the text escaped once, then the marks made
    tags: a page of results highlights some eighty texts, and escaping every piece
    between the matches apart cost a fifth of a search. A text holding a mark's
    character itself has its pieces escaped one by one.
    """
    if regex is None:
        return safe(esc(text))
    marked, last = [], 0
    for m in regex.finditer(text):
        marked += [text[last : m.start()], MARK, m.group(), END_MARK]
        last = m.end()
    if not marked:
        return safe(esc(text))
    marked.append(text[last:])
    if MARK in text or END_MARK in text:
        # The marks are every other piece: the texts between them escaped apart.
        return safe("".join(MARK_TAGS[p] if i % 2 else esc(p) for i, p in enumerate(marked)))
    return safe(esc("".join(marked)).replace(MARK, "<mark>").replace(END_MARK, "</mark>"))


# A formula in indexed text, as the Markdown renderer marks it: \(…\) inline, \[…\]
# display. An abstract as arXiv writes it has $…$ and $$…$$ too (js/math.js, .tex-text).
# A backslash escapes what follows it, as KaTeX's auto-render reads it: "\\)" ends no
# formula.
FORMULA = re.compile(r"\\\((?:[^\\]|\\.)*?\\\)|\\\[(?:[^\\]|\\.)*?\\\]", re.S)
TEX_FORMULA = re.compile(
    FORMULA.pattern + r"|(?<!\\)\$\$(?:[^\\$]|\\.)+?\$\$|(?<!\\)\$(?:[^\\$]|\\.)+?\$", re.S
)


def formulas(text, dollars=False):
    """Return the (start, end) of each formula in indexed text; with ``dollars``, those
    written between dollar signs too (a paper's abstract)."""
    if "\\(" in text or "\\[" in text:
        return [m.span() for m in (TEX_FORMULA if dollars else FORMULA).finditer(text)]
    if dollars and "$" in text:
        return [m.span() for m in TEX_FORMULA.finditer(text)]
    return []


def _formula_over(spans, start, end):
    """The (start, end) of the formula that the text from start to end overlaps, or None."""
    i = bisect.bisect_right(spans, (end,)) - 1
    if i >= 0 and spans[i][1] > start:
        return spans[i]
    return None


def _first(text, regex, spans):
    """The (start, end) a snippet is placed around: the first match outside a formula,
    or else the formula the first match is in; None without a match."""
    if regex is None:
        return None
    fallback = None
    for m in regex.finditer(text):
        inside = _formula_over(spans, m.start(), m.end()) if spans else None
        if inside is None:
            return m.span()
        fallback = fallback or inside
    return fallback


def _window(text, first, spans, length):
    """The (start, end) of the part of the text a snippet shows: from a third of its
    length before ``first``, at a word's beginning; a formula whole or not at all."""
    start, end = 0, length
    if first:
        f_start, f_end = first
        start = max(0, f_start - length // 3)
        # Begin at a word boundary when the cut lands inside a Latin word.
        space = text.find(" ", start, f_start)
        if start and 0 <= space - start < 20:
            start = space + 1
        if f_end - f_start > length:
            # A formula the hit is in, too long to show whole: the text before it or,
            # with none, the text after it.
            start, end = (max(0, f_start - length), f_start) if f_start else (f_end, f_end + length)
        else:
            start = max(start, f_end - length)  # a formula the hit is in, whole
            end = start + length
    cut = _formula_over(spans, start, start + 1) if spans else None
    if cut and cut[0] < start:
        start = cut[1]  # the formula the start falls in is left out
        end = max(end, start + length)
    cut = _formula_over(spans, end - 1, end) if spans else None
    if cut and cut[1] > end:
        end = cut[0]  # so is the one the end falls in
    end = min(end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _part_shown(text, regex, dollars, preferred=0):
    """The part of the text (paragraphs()) a snippet shows, its formulas, where it is
    placed (_first()), and whether other parts come before and after it: the first part
    with a match outside a formula, else the first with a match, else the part
    ``preferred``, which is read first (the reader's language's text: the first part,
    where there are not so many). Each part is read on its own: a match or a pair of
    dollars does not run from one into the next."""
    parts = text.split(PART_BREAK)
    preferred = preferred if 0 <= preferred < len(parts) else 0
    found = None
    for i in [preferred, *(i for i in range(len(parts)) if i != preferred)]:
        spans = formulas(parts[i], dollars)
        first = _first(parts[i], regex, spans)
        if first is None:
            continue
        shown = parts[i], spans, first, i > 0, i < len(parts) - 1
        if first not in spans:
            return shown
        found = found or shown
    if found:
        return found
    i = preferred
    return parts[i], formulas(parts[i], dollars), None, i > 0, i < len(parts) - 1


def inline_math(tex):
    """A formula's source as the Markdown renderer marks it, to be typeset inline
    (js/math.js): a display formula in a line of text would be a block amid it."""
    n = 2 if tex[:2] in ("\\(", "\\[", "$$") else 1
    return f'<span class="arithmatex">\\({esc(tex[n:-n])}\\)</span>'


def snippet(text, regex, length=SNIPPET_CHARS, dollars=False, preferred_part=0):
    """Return the part of the text around the first match, highlighted, within one of
    the document's texts (paragraphs(), _part_shown()): the part ``preferred_part``
    where it has a match, or where no part has one (a hit found by its title).

    A formula in it (formulas()) is shown whole and unmarked, to be typeset inline, or
    not at all: one the part's edge falls in is left out. A match inside a formula
    places the snippet around the formula only when no match is outside one.
    """
    text, spans, first, before, after = _part_shown(text, regex, dollars, preferred_part)
    start, end = _window(text, first, spans, length)
    prefix = "… " if start or before else ""
    suffix = " …" if end < len(text) or after else ""
    if not spans:
        return safe(prefix + highlight(text[start:end], regex) + suffix)
    pieces, last = [prefix], start
    for f_start, f_end in spans[bisect.bisect_left(spans, (start,)) :]:
        if f_end > end:
            break
        pieces += [highlight(text[last:f_start], regex), inline_math(text[f_start:f_end])]
        last = f_end
    pieces += [highlight(text[last:end], regex), suffix]
    return safe("".join(pieces))
