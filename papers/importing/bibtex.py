"""BibTeX files through bibtexparser 2: @string macros and "#" concatenations resolved,
braces removed, LaTeX decoded ({\\"u} → ü, \\& → &), authors split (Chinese names family
name first); arXiv recognised from eprint/archivePrefix, the URL, or ``journal = {arXiv
preprint arXiv:…}``; a broken block reported with its key and line, and where in it the
parse failed (the field whose value is not closed, the line and character), without
stopping the others. ``read`` also gives the text between the entries, where a paste may
hold identifiers."""

import codecs
import itertools
import re
from dataclasses import dataclass, field
from functools import partial

import bibtexparser
from bibtexparser import middlewares, model
from bibtexparser.exceptions import PartialMiddlewareException
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from django.utils.translation import gettext as _
from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

from ..identifiers import (
    OLD_STYLE_WRITTEN,
    is_arxiv_id,
    is_doi,
    normalize_arxiv_id,
    normalize_doi,
    split_version,
)
from .records import CJK, VENUE_PREPRINT, Record, whole_number

MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}  # fmt: skip
ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+preprint\s+(?:arxiv:)?\s*|\s+)|corr\s+abs/)"
    rf"(?P<id>[0-9]{{4}}\.[0-9]{{4,5}}(?:v[0-9]+)?|{OLD_STYLE_WRITTEN}(?:v[0-9]+)?)",
    re.IGNORECASE,
)
VOLUME_ABS = re.compile(r"^abs/(?P<id>[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-z-]+/[0-9]{7})$", re.I)
# Where a block begins: "@", its type (as the parser reads one), its opening bracket.
BLOCK_START = re.compile(r"@\s*([^\s{(@]+)\s*([{(])")
NOT_ENTRIES = {"string", "comment", "preamble"}
BRACES = re.compile(r"[{}()]")
KEY_RE = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
# Control characters that text does not hold (all but tab, line feed, form feed and
# carriage return): with a NUL, the marks of a binary file.
BINARY = re.compile(rb"[\x01-\x08\x0b\x0e-\x1f]")
HAN_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff\s,\uff0c]*")
# The fields ``to_record`` reads: the only ones decoded (a Zotero "file" or a JabRef
# "comment" is never used, and was decoded all the same).
READ_FIELDS = {"title", "author", "date", "year", "month", "eprint", "archiveprefix"}
READ_FIELDS |= {"eprinttype", "url", "journal", "journaltitle", "booktitle", "note"}
READ_FIELDS |= {"howpublished", "volume", "doi", "keywords", "abstract", "primaryclass"}
READ_FIELDS |= {"eprintclass"}
# Identifiers, which BibTeX holds verbatim (as \url reads them): never decoded as LaTeX
# ("~kriz/" became " kriz/", "a--b" an en dash, "?q=a&b=c" lost its "&"); only the
# escapes exporters add are undone (``verbatim``).
VERBATIM_FIELDS = {"url", "doi", "eprint", "archiveprefix", "eprinttype", "primaryclass"}
VERBATIM_FIELDS |= {"eprintclass"}
# Those escapes: \_ \% \& \# \$, and a tilde as \~{} or \textasciitilde.
EXPORTER_ESCAPE = re.compile(r"\\([_%&#$])|\\~\{\}|\\textasciitilde(?:\{\}|\s*)")
# The longest value of a field read that is decoded (a value without LaTeX costs nothing,
# of any length). The longest real ones are author lists of papers
# with a thousand authors and more (Gemini's report: some 35,000 characters), of which
# the library keeps 20,000 (plan.LIMITS); arXiv's abstracts have at most 1,920.
MAX_FIELD = 50_000
# What pylatexenc reads as LaTeX: a macro, a group, math, a comment, a special ("~",
# "--", "``" …). A value without any is given back as it is, so it is not decoded:
# pylatexenc takes some microseconds a character, and its time grows with the square of
# a run of plain text (each character is added to a string of those before it).
LATEX = re.compile(r"[\\{}$%~&#^_]|--|''|``|[!?]`")
# A "%" or "&" in a value that no backslash escapes (after an even number of them): text,
# as BibTeX reads it. LaTeX, typesetting the value, would take the rest of a "%"'s line
# for a comment and an "&" for a table's column, and so did the decoding: "Vicuna: …
# with 90% ChatGPT Quality" was imported as "Vicuna: … with 90", "A & B" as "A B", with
# no word of it. They are escaped before the value is decoded.
TEXT_SPECIAL = re.compile(r"(?<!\\)((?:\\\\)*)([%&])")
# What parts a value's words, as the decoding reads them: whitespace (outside braces and
# math); a control sequence, a brace, a math delimiter steer it.
SCAN = re.compile(r"\\(?:[A-Za-z]+|.)|[{}\[\]]|\$\$?|\s+", re.DOTALL)
MATH_CLOSES = {"$": "$", "$$": "$$", r"\(": r"\)", r"\[": r"\]"}
# A word ending so may take the next word for its argument ("\c c" is "ç").
ENDS_IN_MACRO = re.compile(r"\\(?:[A-Za-z]+|.)\Z", re.DOTALL)
# What one call of pylatexenc costs, in characters decoded (some 60 microseconds); a run of
# plain text shorter than twice that between two pieces of LaTeX is decoded with them.
CALL_COST = 20
GAP = 2 * CALL_COST
# The most keywords of an entry that become its paper's topics.
MAX_TOPICS = 20
# The most characters of an abstract kept: arXiv's have at most 1,920, a journal's a few
# thousand. A plain value is read whatever its length (MAX_FIELD bounds what is decoded),
# and an abstract of 2 MB was kept whole, in the preview's form and in the library.
MAX_ABSTRACT = 20_000
# Where the decoding middleware says why it left an entry unread.
NOT_READ = "library_import_not_read"


def verbatim(value):
    """An identifier's value as written, less the escapes exporters add and braces."""
    text = EXPORTER_ESCAPE.sub(lambda found: found.group(1) or "~", value)
    return text.replace("{", "").replace("}", "")


def _argument(node, index):
    args = node.nodeargd.argnlist if node.nodeargd else []
    return args[index] if index < len(args) else None


def _url(node):
    """The address of a \\url as written (pylatexenc read "~" in it as a space)."""
    argument = _argument(node, 0)
    return verbatim(argument.latex_verbatim()) if argument is not None else ""


def _href(node, l2tobj):
    """The text of a \\href{address}{text} (pylatexenc's own spec failed on it)."""
    argument = _argument(node, 1)
    return l2tobj.nodelist_to_text([argument]) if argument is not None else ""


def _citation(node, l2tobj):
    """A citation as its keys in brackets ("\\citep[see][]{a,b}" → "[a, b]"), where
    pylatexenc wrote "<cit.>" for every one of them: the keys name what is cited."""
    argument = _argument(node, len(node.nodeargd.argnlist) - 1) if node.nodeargd else None
    if argument is None:
        return ""
    if not argument.isNodeType(latexwalker.LatexGroupNode):
        # "\cite and more": no keys; pylatexenc took the "a" for them, which stays text.
        return l2tobj.nodelist_to_text([argument])
    keys = [key.strip() for key in verbatim(argument.latex_verbatim()).split(",")]
    keys = [key for key in keys if key]
    return "[" + ", ".join(keys) + "]" if keys else ""


# natbib's and biblatex's citations; the last argument is the keys.
CITATIONS = ["cite", "citet", "citep", "citealt", "citealp", "Citet", "Citep"]
CITATIONS += ["parencite", "textcite", "autocite", "footcite", "Textcite", "Parencite"]
CITATIONS += ["smartcite", "supercite", "Autocite", "Smartcite", "citeauthor", "citeyear"]
# Cited in the bibliography alone: nothing in the text.
UNSEEN = ["nocite"]
# biblatex's multicite commands: notes for them all in parentheses, then any number of keys'
# groups, each after its own notes in brackets ("\\parencites(see)()[p.~3]{a}{b}").
# pylatexenc knows no such argument list: "\\cites{a}{b}" was "ab".
MULTICITE = re.compile(
    r"\\(?:[Pp]aren|[Tt]ext|[Aa]uto|[Ff]oot|[Ss]mart|[Ss]uper)?cites\*?"
    r"(?:\s*\([^()]*\)){0,2}"
    r"((?:\s*(?:\[[^\[\]]*\]){0,2}\s*\{[^{}]*\})+)"
)
NOTES, KEYS = re.compile(r"\[[^\[\]]*\]"), re.compile(r"\{([^{}]*)\}")


def _one_citation(text):
    """The text with each multicite written as one ``\\cite`` of all its keys."""

    def cite(found):
        return r"\cite{" + ",".join(KEYS.findall(NOTES.sub("", found[1]))) + "}"

    return MULTICITE.sub(cite, text)


# Macros whose argument is text, which pylatexenc 2.11 drops with the macro:
# "\texttt{gpt-4}" was no title, "\mbox{GPT}-4" was "-4".
KEPT = ["texttt", "textsf", "textmd", "textup", "textnormal", "mbox"]


class Decoder(LatexNodes2Text):
    """pylatexenc's LaTeX-to-text, whose parser knows \\href's two arguments and
    \\textnormal's one."""

    WALKER = latexwalker.get_default_latex_context_db()
    WALKER.add_context_category(
        "library-import",
        prepend=True,
        macros=[MacroSpec("href", "{{"), MacroSpec("textnormal", "{")]
        + [MacroSpec(name, "*[[{") for name in CITATIONS]
        + [MacroSpec(name, "{") for name in UNSEEN],
    )

    def latex_to_text(self, latex, **parse_flags):
        walker = latexwalker.LatexWalker(latex, latex_context=self.WALKER, **parse_flags)
        return self.nodelist_to_text(walker.get_latex_nodes()[0])


def _logo(text):
    """A TeX logo, and the space written after it before a word: LaTeX swallows it
    ("\\LaTeX is" is typeset "LaTeXis"), but a title or abstract that has one means
    "LaTeX is" (and "\\LaTeX ." means "LaTeX.")."""

    def shown(node, l2tobj):
        after = node.parsing_state.s[node.pos + node.len : node.pos + node.len + 1]
        return text + (" " if node.macro_post_space and after.isalnum() else "")

    return shown


def _decoder():
    """pylatexenc's LaTeX-to-text as bibtexparser sets it up, knowing the TeX logos too,
    keeping the text of the macros in KEPT, and URLs as written."""
    context = get_default_latex_context_db()
    logos = {"TeX": "TeX", "LaTeX": "LaTeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e"}
    context.add_context_category(
        "library-import",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl=_url), MacroTextSpec("href", _href)]
        + [MacroTextSpec(name, discard=False) for name in KEPT]
        + [MacroTextSpec(name, simplify_repl=_logo(text)) for name, text in logos.items()]
        + [MacroTextSpec(name, simplify_repl=_citation) for name in CITATIONS]
        + [MacroTextSpec(name, simplify_repl="") for name in UNSEEN],
    )
    return Decoder(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


DECODER = _decoder()


def latex_spans(text):
    """Return (start, end) of each part of a text with LaTeX that is to be decoded; the
    rest is plain text, given back as it is. The parts are its words (apart at whitespace
    outside braces, brackets and math) with LaTeX, with the word after a macro, and with runs of
    plain text between them shorter than GAP. An abstract of 1,500 characters with one
    "\\%" was decoded whole (5 ms), and counted whole against the import's LaTeX."""
    words, start, depth, optional, math, follows = [], 0, 0, 0, None, -1
    for found in SCAN.finditer(text):
        token = found.group()
        # A "[" right after a macro or a "]" opens a macro's optional argument; any other
        # (a half-open interval "$[0, 1)$", a plain "[1]") is text.
        after_macro, follows = found.start() == follows, -1
        if token.startswith("\\") or (token == "]" and optional):
            follows = found.end()
        if token.isspace():
            if depth == 0 and optional == 0 and math is None:
                words.append((start, found.start()))
                start = found.end()
        elif token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif token == "[" and after_macro and math is None:  # "\citep[see the book][p.~3]{a}"
            optional += 1
        elif token == "]" and optional:
            optional -= 1
        elif math is None and token in MATH_CLOSES:
            math = MATH_CLOSES[token]
        elif token == math:
            math = None
    words.append((start, len(text)))
    spans, after_macro = [], False
    for begin, end in words:
        if not (after_macro or LATEX.search(text, begin, end)):
            continue
        after_macro = bool(ENDS_IN_MACRO.search(text, begin, end))
        if spans and begin - spans[-1][1] < GAP:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((begin, end))
    return spans


def cost(text):
    """What decoding a value costs, in characters (``latex_spans``, and each call)."""
    if not LATEX.search(text):
        return 0
    return sum(end - start + CALL_COST for start, end in latex_spans(escaped(text)))


def escaped(text):
    """The text as it is decoded: a bare "%" or "&" escaped (text, not LaTeX's comment or
    column), each multicite one citation (``_one_citation``)."""
    return _one_citation(TEXT_SPECIAL.sub(r"\1\\\2", text))


@dataclass
class Entry:
    """One block of the file: its key and line, and a Record or why there is none; and
    notes on what of it the record leaves out (``left_out``) or a key used twice."""

    key: str
    line: int
    record: Record | None = None
    error: str = ""
    notes: list = field(default_factory=list)


def decode(content):
    """Return the text of a .bib file's bytes (``decoded``)."""
    return decoded(content)[0]


def decoded(content):
    """Return (text, encoding) of a .bib file's bytes: UTF-16 or UTF-32 when a byte
    order mark says so (Windows' Notepad saves "Unicode" as UTF-16, which was refused as
    not a text file), UTF-16 without one when its NULs say so (``_utf16_without_mark``),
    else UTF-8, else GB18030 when it reads as Chinese (``_chinese``: what Windows set to
    Chinese saves, GBK, was read as Windows-1252 and imported as mojibake), else
    Windows-1252 / Latin-1 (older reference managers); raise ValueError for a file that
    is not text. LEGACY names the encodings a member is told of.

    A NUL marks a binary file (a PDF, a zip chosen by mistake), but a text file may
    hold a stray one, which the importer drops: UTF-8 with no other control character
    than those text has is read. Any file with a NUL was refused as "not a text file",
    and the member lost every entry of it for one character."""
    # UTF-32's little-endian mark begins as UTF-16's does: it is looked for first.
    for mark, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if content.startswith(mark):
            return _unicode(content, encoding), encoding
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _unicode(content, "utf-16"), "utf-16"
    if encoding := _utf16_without_mark(content):
        return _unicode(content, encoding), encoding
    if b"\x00" in content:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("not a text file") from None
        if BINARY.search(content):
            raise ValueError("not a text file")
        return text, "utf-8"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if (text := _chinese(content)) is not None:
        return text, "gb18030"
    for encoding in ("cp1252", "latin-1"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("not a text file")  # pragma: no cover - latin-1 decodes any byte


# The encodings besides Unicode's that a file may be read in, as a member is told of them.
LEGACY = {"gb18030": "GB18030 (GBK)", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
# The least share of a GB18030 reading's characters beyond ASCII that GB2312, the common
# Chinese characters and punctuation, holds, for it to be Chinese: Windows-1252 text
# reads as GB18030 too where an accented letter comes before a letter ("Müller": ü and
# l make one character), but as characters beyond GB2312 (whose bytes are A1 to FE),
# where Chinese text has few (a name's rarer character: 镕 of 朱镕基).
GB2312_SHARE = 0.5


def _chinese(content):
    """The text of bytes in GB18030 (GBK, GB2312) when they read as Chinese text: Han
    characters, and most characters beyond ASCII in GB2312 (GB2312_SHARE); else None."""
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        return None
    beyond = [char for char in text if ord(char) > 0x7F]
    if not CJK.search(text):
        return None
    common = sum(1 for char in beyond if _in_gb2312(char))
    return text if common >= GB2312_SHARE * len(beyond) else None


def _in_gb2312(char):
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf16_without_mark(content):
    """The encoding of UTF-16 without a byte order mark, little- or big-endian (some
    tools save it so: its Chinese was refused as not a text file), else None. A BibTeX
    file is partly ASCII (keys, field names, braces, digits), each character of which
    UTF-16 writes with a NUL on the same side; a UTF-8 file with a stray NUL has a few.

    A tenth of NULs on one side at least, and eight (a mostly Chinese file has a third),
    and a fifth as many on the other at most (the Chinese characters whose code ends in
    00, 一 among them, put a few there)."""
    head = _whole_units(content, 2)[:4096]
    if len(head) < 16 or len(head) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd > max(pairs * 0.1, 8) and even * 5 < odd:
        return "utf-16-le"
    if even > max(pairs * 0.1, 8) and odd * 5 < even:
        return "utf-16-be"
    return None


# What a tool may write after UTF-16 or UTF-32 text in one byte (a line's end in ASCII, a
# NUL): left out, where the whole file was refused as not text for it.
STRAY_END = b" \t\r\n\x00"


def _whole_units(content, unit):
    """The bytes without the stray end (STRAY_END) that leaves the last ``unit`` of the
    encoding short; as they are otherwise."""
    extra = len(content) % unit
    if extra and not content[-extra:].strip(STRAY_END):
        return content[:-extra]
    return content


def _unicode(content, encoding):
    """The text of bytes in UTF-16 or UTF-32, with a byte order mark (which Python's
    codec reads and drops) or without; ValueError when they are not."""
    try:
        return _whole_units(content, 4 if encoding == "utf-32" else 2).decode(encoding)
    except UnicodeDecodeError:
        raise ValueError("not a text file") from None


class Budget:
    """How many more characters of LaTeX the reads of one import may decode: at some
    microseconds each (more for dense LaTeX), a 2 MB upload of it took 20 seconds."""

    def __init__(self, left):
        self.left = left


class LatexDecoding(middlewares.LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, of the fields the importer reads alone, and within
    bounds: the parts of a text with LaTeX are decoded (``latex_spans``), the rest is
    given back as it is; an entry with a text to decode longer than MAX_FIELD is not
    decoded, nor one whose LaTeX costs more than the ``budget`` has left (None: no
    bound). One abstract of 2 MB, within what an upload may be, took 67 seconds to
    decode, and the worker was stopped (a 502).

    Identifiers (VERBATIM_FIELDS) are not decoded. The author field becomes a list of
    names, split as BibTeX splits it before anything is decoded: a braced group is one
    name ("{Barnes and Noble}" was two authors), each name read in its parts and each
    part decoded."""

    def __init__(self, budget=None):
        super().__init__(decoder=DECODER)
        self.budget = budget

    def transform_entry(self, entry, library):
        read = [f for f in entry.fields if f.key.lower() in READ_FIELDS]
        read = [f for f in read if isinstance(f.value, str)]
        asked = []  # (field name, text) of each text to decode, gathered before any is

        def ask(text, key):
            asked.append((key, text))
            return text

        list(self._values(read, ask))
        reason = self._not_read([(key, text) for key, text in asked if LATEX.search(text)])
        if reason:
            entry.set_parser_metadata(NOT_READ, reason)
            return entry
        errors = []
        for value_field, value in self._values(read, lambda text, key: self._decode(text, errors)):
            enclosing = value_field.enclosing  # which the value's setter resets
            value_field.value = value
            value_field.enclosing = enclosing
        if errors:
            return model.MiddlewareErrorBlock(entry, PartialMiddlewareException(errors))
        return entry

    def transform_string(self, string, library):
        return string  # resolved into the entries, and decoded there

    @staticmethod
    def _values(fields, decode):
        """Yield each field with its value as ``decode(text, field name)`` makes its
        texts: the author field's names one by one (``_name``), identifiers as written."""
        for value_field in fields:
            key = value_field.key
            if key.lower() in VERBATIM_FIELDS:
                yield value_field, verbatim(value_field.value)
            elif key.lower() == "author":
                names = split_multiple_persons_names(value_field.value)
                yield value_field, [_name(name, partial(decode, key=key)) for name in names]
            else:
                yield value_field, decode(value_field.value, key)

    def _decode(self, text, errors):
        """The text with its LaTeX decoded (``latex_spans``); errors said in ``errors``."""
        if not LATEX.search(text):
            return text
        text = escaped(text)
        parts, at = [], 0
        for start, end in latex_spans(text):
            decoded, error = self._transform_python_value_string(text[start:end])
            parts += [text[at:start], decoded]
            errors += [error] if error else []
            at = end
        return "".join([*parts, text[at:]])

    def _not_read(self, asked):
        """Why an entry whose texts to decode are ``asked`` ((field, text)) is not read,
        or "" when it is."""
        for key, text in asked:
            if len(text) > MAX_FIELD:
                reason = _(
                    "the field “%(field)s” has %(length)s characters, and a field may have "
                    "at most %(max)s"
                ) % {"field": key, "length": f"{len(text):,}", "max": f"{MAX_FIELD:,}"}
                return _("This entry cannot be read: %(reason)s") % {"reason": reason}
        if self.budget is None:
            return ""
        latex = sum(cost(text) for _key, text in asked)
        if latex > self.budget.left:
            self.budget.left = 0  # nor any after it, though it be shorter
            return _(
                "Not read: the entries before it hold as much LaTeX as one import decodes "
                "(%(max)s characters); add this one in another import."
            ) % {"max": f"{MAX_DECODED:,}"}
        self.budget.left -= latex
        return ""


# The most characters of LaTeX (``cost``: the parts of values that are decoded, and
# CALL_COST a call) that one import from the site decodes: pylatexenc takes 3 to 7
# microseconds a character (dense LaTeX the most, measured on pylatexenc 2.11; 12 on a
# slower machine), so 1 to 4 seconds at worst. An ordinary entry costs some hundred
# characters (an accented name, a braced word in its title, a "\\%"): 200 of them, the
# most one import takes, some 20,000.
MAX_DECODED = 300_000


# How deep @string macros may name one another ("@string{b = a # x}"): a macro that names
# itself is read no deeper.
MACRO_DEPTH = 8


def _pieces(value):
    """The parts of a value that BibTeX's "#" joins, at the top level (outside braces and
    quotes), each stripped; one part for a value without such a "#"."""
    pieces, start, depth, quoted = [], 0, 0, False
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:i].strip())
            start = i + 1
    return [*pieces, value[start:].strip()]


def _joined(value, strings, depth=0):
    """The text of a value that joins parts with "#": each part's braces or quotes left
    out, each macro (``strings``, by lower-case name) its own value, joined."""
    texts = []
    for piece in _pieces(value):
        if len(piece) > 1 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            texts.append(piece[1:-1])
        elif piece.lower() in strings and depth < MACRO_DEPTH:
            texts.append(_joined(strings[piece.lower()], strings, depth + 1))
        else:
            texts.append(piece)  # a number, or a macro no @string defines (jan), as written
    return "".join(texts)


class ResolveStrings(middlewares.ResolveStringReferencesMiddleware):
    """bibtexparser's @string resolution, which resolves a macro that is the whole value,
    and BibTeX's concatenation too: ``title = "Part " # "Two"`` and ``booktitle = "In " #
    acl`` were kept as written, quotes, "#" and macro name and all. A joined value is
    given braced, whose braces the next middleware removes as any value's."""

    def transform(self, library):
        strings = {key.lower(): block.value for key, block in library.strings_dict.items()}
        for block in library.strings:  # "@string{full = "In " # acl}", named as a whole
            block.value = self._resolved(block.value, strings)
        for entry in library.entries:
            for value_field in entry.fields:
                value_field.value = self._resolved(value_field.value, strings)
        return super().transform(library)

    @staticmethod
    def _resolved(value, strings):
        if isinstance(value, str) and len(_pieces(value)) > 1:
            return "{" + _joined(value, strings) + "}"
        return value


def _middlewares(budget=None):
    return [
        ResolveStrings(True),
        middlewares.RemoveEnclosingMiddleware(True),
        LatexDecoding(budget),  # which splits the authors before decoding them
    ]


# The entry types of a volume: what a paper's crossref names (the proceedings of a
# conference, the book of a chapter), which is no paper of its own.
VOLUMES = {"proceedings", "mvproceedings", "book", "mvbook", "collection", "mvcollection"}
VOLUMES |= {"reference", "mvreference"}
# What a paper takes from the volume its crossref names, when it has none of its own
# (the volume's title is the paper's booktitle); its DOI, URL and abstract are the volume's.
INHERITED = ["year", "date", "month", "booktitle", "journal", "journaltitle"]


class Crossrefs:
    """The entries of a file by key, and the keys that a crossref field names: a paper of
    a conference's proceedings gives its year and venue once, in the volume's entry, as
    BibTeX reads them. Both became new papers, the volume one of its own and the paper
    one without a year or venue."""

    def __init__(self, entries):
        self.by_key = {entry.key.lower(): entry for entry in entries if entry.key}
        self.cited = {self.named(entry) for entry in entries} - {""}

    @staticmethod
    def named(entry):
        """The key the entry's crossref names ("" if none), as keys are compared."""
        crossref = next((f for f in entry.fields if f.key.lower() == "crossref"), None)
        return _clean(crossref.value).lower() if crossref is not None else ""

    def is_volume(self, entry):
        """Whether the entry is a volume that a crossref of the file names."""
        return entry.entry_type.lower() in VOLUMES and entry.key.lower() in self.cited

    def inherited(self, entry):
        """The fields the entry takes from the volume its crossref names, if in the file."""
        volume = self.by_key.get(self.named(entry))
        if volume is None or volume is entry:
            return {}
        fields = {field.key.lower(): field.value for field in volume.fields}
        given = {name: fields[name] for name in INHERITED if fields.get(name)}
        if fields.get("title"):
            given.setdefault("booktitle", fields["title"])
        return given


def _entry(entry, note="", crossrefs=None):
    not_read = entry.get_parser_metadata(NOT_READ)
    if not_read:
        return Entry(key=entry.key, line=entry.start_line + 1, error=not_read)
    if crossrefs is not None and crossrefs.is_volume(entry):
        return Entry(
            key=entry.key,
            line=entry.start_line + 1,
            error=_(
                "A volume that other entries of the file name by crossref, not a paper: "
                "they take its year and venue."
            ),
        )
    fields = {field.key.lower(): field.value for field in entry.fields}
    if crossrefs is not None:
        fields = {**crossrefs.inherited(entry), **{k: v for k, v in fields.items() if v}}
    record, error = to_record(fields)
    return Entry(
        key=entry.key,
        line=entry.start_line + 1,
        record=record,
        error=error or note,
        notes=left_out(fields, record) if record else [],
    )


def _rescued(block, strings, budget=None):
    """The entry of a block refused only for a repeated key or field, read as the others."""
    entry = getattr(block, "ignore_error_block", None)
    if not isinstance(entry, model.Entry):
        return None
    library = bibtexparser.Library([*strings, entry])
    for middleware in _middlewares(budget):
        library = middleware.transform(library)
    return library.entries[0] if library.entries else None


def read(text, limit=None, budget=None):
    """Yield, in file order, an Entry for each entry of a BibTeX text (readable or not)
    and, as a string, the text between entries that BibTeX skips as a comment, less its
    ``%`` comment lines. @string, @preamble and @comment blocks give nothing.

    Of ``limit`` entries at most (None: all): the text is cut where the next one begins,
    before anything is parsed, as parsing and decoding take long (20,000 entries, the
    2 MB an upload may be, took most of a minute). Within the Budget of LaTeX to decode
    (None: any), which the reads of one import share."""
    if limit is not None:
        beyond = next(itertools.islice(_entry_starts(text), limit, None), None)
        text = text[:beyond] if beyond is not None else text
    library = bibtexparser.parse_string(text, parse_stack=_middlewares(budget))
    keys, crossrefs = {}, Crossrefs(library.entries)
    for block in library.blocks:
        if isinstance(block, model.Entry):
            yield _same_key(_entry(block, crossrefs=crossrefs), keys)
        elif isinstance(block, model.ParsingFailedBlock):
            yield _same_key(_failed(block, library.strings, text, budget), keys)
        elif isinstance(block, model.ImplicitComment):
            lines = block.comment.splitlines()
            yield "\n".join(line for line in lines if not line.lstrip().startswith("%"))


def _same_key(entry, keys):
    """The entry, with a note when an entry before it (in ``keys``, by key: the first
    Entry of it) has its key: a citation of that key cannot tell them apart, and the
    second was shown as new as the first, with no word of it. Two entries on one line
    were taken for one, and had no note."""
    first = keys.setdefault(entry.key, entry) if entry.key else entry
    if first is not entry:
        entry.notes.append(
            _("The entry on line %(line)s has the same key “%(key)s”.")
            % {"line": first.line, "key": entry.key}
        )
    return entry


def _entry_starts(text):
    """Yield where each entry of the text begins, reading blocks at the top level as the
    parser does: an "@" within a field ("title = {Me@home{x}}") is text, not an entry
    (the cap counted it, and cut the file short of entries it had room for)."""
    at = 0
    while match := BLOCK_START.search(text, at):
        if match.group(1).lower() not in NOT_ENTRIES:
            yield match.start()
        at = _block_end(text, match.end(), match.group(2))


def _block_end(text, start, opening):
    """Where the block whose opening bracket ends at ``start`` closes (the text's end if
    it does not): its braces balanced, and for a block in round brackets, the ")" met
    outside braces."""
    depth = 1 if opening == "{" else 0
    for bracket in BRACES.finditer(text, start):
        char = bracket.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and opening == "{":
                return bracket.end()
        elif char == ")" and depth == 0 and opening == "(":
            return bracket.end()
    return len(text)


def parse(text, limit=None, budget=None):
    """Return the Entries of a BibTeX text, in file order (the first ``limit``)."""
    return [block for block in read(text, limit, budget) if isinstance(block, Entry)]


def _failed(block, strings, text, budget=None):
    """The Entry of a block bibtexparser refused: read after all when only a key or field
    was repeated, else the reason it cannot be read and where."""
    rescued = _rescued(block, strings, budget)
    if rescued is not None:
        return _entry(rescued)
    raw = getattr(block, "raw", "") or ""
    found = KEY_RE.match(raw.lstrip())
    start = block.start_line or 0
    error = getattr(block, "error", None)
    return Entry(
        key=found.group(1) if found else "",
        line=start + 1,
        error=_("This entry cannot be read: %(reason)s")
        % {"reason": _broken_reason(error, raw, start, text)},
    )


# A field's name and its "=" between the fields of an entry; a line that begins so.
FIELD_START = re.compile(r"([A-Za-z][\w:.+-]*)\s*=\s*")
NAME = re.compile(r"[^\s=,{}\"#%]+")
LINE_OF_FIELD = re.compile(r"\n[ \t]*([A-Za-z][\w:.+-]*)\s*=")
# bibtexparser's words for a field name without "=" after it: "…, but found `{`."
NO_EQUALS = re.compile(r"Expected a `=` after entry key, but found `(?P<found>.*)`", re.DOTALL)


@dataclass
class OpenField:
    """The field a broken entry was reading when it ended: its name and line in the file
    (from 1); what its value lacks ("}" or '"', "" if nothing); and the next field its
    value ran into, as (name, line), if a line of it begins as a field does."""

    name: str
    line: int
    missing: str = ""
    runs_into: tuple | None = None


def open_field(raw, start_line):
    """Return the OpenField of a broken block's text (bibtexparser's ``raw``, which begins
    on line ``start_line`` of the file, from 0), or None if it ended between fields."""
    depth, quoted, field, i = 0, False, None, 0

    def line_at(index):
        return start_line + raw.count("\n", 0, index) + 1

    while i < len(raw):
        char = raw[i]
        inside = depth > 1 or quoted  # in a field's value
        if char == "\\":
            i += 2
            continue
        if depth == 1 and not quoted and field is None and (name := NAME.match(raw, i)):
            field = OpenField(name.group(0), line_at(i))  # with its "=" or not
            i = (FIELD_START.match(raw, i) or name).end()
            continue
        if char == "\n" and inside and field is not None and field.runs_into is None:
            if following := LINE_OF_FIELD.match(raw, i):
                field.runs_into = (following.group(1), line_at(i + 1))
                field.missing = '"' if quoted else "}"
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 1:
            quoted = not quoted
        elif char == "," and depth == 1 and not quoted:
            field = None
        i += 1
    if field is not None and field.runs_into is None:
        field.missing = '"' if quoted else "}" if depth > 1 else ""
    return field


def _broken_reason(error, raw="", start_line=0, text=""):
    """Why a block cannot be read, and where: the field whose value is not closed, or the
    line (and the character) at which bibtexparser gave up."""
    if error is not None and error.__class__.__name__ == "DuplicateBlockKeyError":
        return _("its key appears twice in the file")
    said = f"{getattr(error, 'abort_reason', '') or error}"
    end = getattr(error, "end_index", None)
    ended = text.count("\n", 0, end) + 1 if end is not None and text else None
    before_entry = "Unexpected block start" in said and ended
    field = open_field(raw, start_line)
    if field is not None and field.missing:
        where = {"field": field.name, "line": field.line, "missing": field.missing}
        if field.runs_into:
            following, line = field.runs_into
            return _(
                "the value of the field “%(field)s” (line %(line)s) has no closing "
                "“%(missing)s” before the field “%(next)s” (line %(next_line)s)"
            ) % {**where, "next": following, "next_line": line}
        if before_entry:
            return _(
                "the value of the field “%(field)s” (line %(line)s) has no closing "
                "“%(missing)s” before the next entry (line %(next_line)s)"
            ) % {**where, "next_line": ended}
        return (
            _(
                "the value of the field “%(field)s” (line %(line)s) has no closing "
                "“%(missing)s” before the end of the file"
            )
            % where
        )
    if (found := NO_EQUALS.search(said)) and field is not None:
        return _(
            "the field “%(field)s” (line %(line)s) is followed by “%(found)s” where “=” should be"
        ) % {"field": field.name, "line": field.line, "found": found.group("found")}
    if before_entry:
        return _("the entry has no closing “}” before the next entry (line %(line)s)") % {
            "line": ended
        }
    if "end of file" in said:
        return _("the entry has no closing “}” before the end of the file")
    if ended and end < len(text):
        return _("the BibTeX syntax is broken on line %(line)s, at “%(character)s”") % {
            "line": ended,
            "character": text[end],
        }
    return _("the BibTeX syntax is broken")


def _name(text, decode=None):
    """Return one author as the paper prints it, read in its parts as BibTeX writes it
    (a braced group is one part: "{Meta AI, FAIR}" was "FAIR Meta AI") and then decoded
    by ``decode`` (None: as written). A Chinese name is family name then given
    name with no space, which BibTeX writes "张, 三" (or "张，三"), "张 三" or "{张三}":
    bibtex's name parts would put the given name first ("三 张"), so it is only run
    together."""
    decode = decode or (lambda written: written)
    text = " ".join(text.split())
    if HAN_NAME.fullmatch(text):
        return "".join(re.split(r"[\s,\uff0c]+", text))
    try:
        parts = parse_single_name_into_parts(text)
    except InvalidNameError:  # too many commas: the name as written
        return _clean(decode(text))
    name = " ".join([*parts.first, *parts.von, *parts.last])
    if name.lower() == "others":
        return "et al."
    return _clean(decode(f"{name} {' '.join(parts.jr)}" if parts.jr else name))


def _clean(value):
    """A decoded value with its spaces made one. Braces left are the text's own ("\\{"):
    the groups' are gone with the LaTeX (which "\\{" and "\\}" went with too)."""
    return " ".join(str(value or "").split())


def _year(fields):
    """The year as written: in the year field, or a biblatex date (2023-03-31)."""
    return _clean(fields.get("year")) or _clean(fields.get("date"))


# What parts keywords: a comma or semicolon, and as a Chinese input method types them,
# full-width (，；) or the enumeration comma (、): "大模型，综述；对齐" was one topic.
KEYWORDS_APART = re.compile(r"[;,，；、]")


def _keywords(fields):
    """The entry's keywords, each once, as written (KEYWORDS_APART apart)."""
    words = (
        " ".join(word.split()) for word in KEYWORDS_APART.split(_clean(fields.get("keywords")))
    )
    return [word for word in dict.fromkeys(words) if word]


def find_arxiv(fields):
    """Return (arXiv ID, version) that an entry names, or ("", None)."""
    eprint = _clean(fields.get("eprint"))
    prefix = _clean(fields.get("archiveprefix") or fields.get("eprinttype")).lower()
    if eprint and (prefix == "arxiv" or not prefix) and is_arxiv_id(eprint):
        return split_version(eprint)
    for name in ("url", "journal", "journaltitle", "booktitle", "note", "howpublished"):
        found = ARXIV_IN_TEXT.search(_clean(fields.get(name)))
        if found:
            return split_version(found.group("id"))
    venue = _clean(fields.get("journal") or fields.get("journaltitle")).lower()
    found = VOLUME_ABS.match(_clean(fields.get("volume")))
    if found and venue in {"arxiv", "corr", "arxiv.org"}:  # DBLP, Semantic Scholar
        return split_version(found.group("id"))
    doi = normalize_doi(_clean(fields.get("doi")))
    if doi.startswith("10.48550/arxiv."):
        candidate = normalize_arxiv_id(doi.removeprefix("10.48550/arxiv."))
        if is_arxiv_id(candidate):
            return candidate, None
    return "", None


def to_record(fields):
    """Return (Record, "") for an entry's fields, or (None, why) when it cannot be one."""
    title = _clean(fields.get("title"))
    if not title:
        return None, _("The entry has no title.")
    authors = fields.get("author") or []  # names as printed (LatexDecoding)
    if isinstance(authors, str):
        authors = [_name(name) for name in split_multiple_persons_names(authors)]
    date = _clean(fields.get("date"))  # biblatex: 2023-03-31
    year = whole_number(_year(fields)[:4])
    month_text = (_clean(fields.get("month")) or date[5:7]).lower()[:3]
    month = whole_number(month_text) or MONTHS.get(month_text)
    arxiv_id, version = find_arxiv(fields)
    doi = normalize_doi(_clean(fields.get("doi")))  # what the Paper refuses, plan.fit says
    doi = "" if is_doi(doi) and doi.startswith("10.48550/") else doi  # arXiv's: the ID says it
    venue = _clean(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle"))
    if arxiv_id and (not venue or "arxiv" in venue.lower() or venue.lower().startswith("corr")):
        venue = VENUE_PREPRINT
    url = _clean(fields.get("url"))  # what the Paper refuses (not a URL), plan.fit says
    return Record(
        title=title,
        authors=[name for name in authors if name],
        abstract=_abstract(fields)[:MAX_ABSTRACT],
        year=year,
        month=month if month and 1 <= month <= 12 else None,
        arxiv_id=arxiv_id,
        arxiv_version=version,
        doi=doi,
        primary_category=_clean(fields.get("primaryclass") or fields.get("eprintclass"))[:40],
        venue=venue[:200],
        url=url,
        topics=_keywords(fields)[:MAX_TOPICS],
        provenance="bibtex",
    ), ""


def _abstract(fields):
    """The entry's abstract, its spaces collapsed."""
    return " ".join(str(fields.get("abstract") or "").split())


def left_out(fields, record):
    """Return a note on each value of an entry that its record leaves out, where
    ``plan.fit`` does not see it (the values the Paper refuses it notes, in the same
    words): a year not in digits, a month that is none, keywords beyond the first
    MAX_TOPICS. A year of "twenty" was dropped with no word, and "0" was said to be left
    out."""
    notes = []
    if _year(fields) and record.year is None:
        notes.append(
            _("The %(field)s “%(value)s” is left out: %(reason)s")
            % {
                "field": _("year"),
                "value": _year(fields)[:40],
                "reason": _("Enter a year in digits, e.g. 2023."),
            }
        )
    if (month := _clean(fields.get("month"))) and record.month is None:
        notes.append(
            _("The %(field)s “%(value)s” is left out: %(reason)s")
            % {
                "field": _("month"),
                "value": month[:40],
                "reason": _("Enter a month as a number or its name, e.g. 3 or Mar."),
            }
        )
    if len(abstract := _abstract(fields)) > MAX_ABSTRACT:
        notes.append(
            _("The abstract has %(count)s characters; the first %(max)s are kept.")
            % {"count": f"{len(abstract):,}", "max": f"{MAX_ABSTRACT:,}"}
        )
    if len(keywords := _keywords(fields)) > MAX_TOPICS:
        notes.append(
            _("The entry has %(count)s keywords; the first %(max)s are kept as topics.")
            % {"count": len(keywords), "max": MAX_TOPICS}
        )
    return notes
