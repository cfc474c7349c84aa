"""Render members' Markdown to sanitised HTML.

python-markdown with pymdown-extensions does the parsing; Obsidian-style callouts,
``[[wiki links]]``, figure embeds (``![[name.png]]``) and image widths (``![400](…)``) are
small extensions below; nh3 (ammonia) sanitises the result against an explicit
allowlist, because members' text is untrusted.
"""

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import partial
from html import escape, unescape
from html.parser import HTMLParser

import markdown
import nh3
from django.utils import translation
from django.utils.translation import pgettext_lazy
from markdown import htmlparser as markdown_htmlparser
from markdown import inlinepatterns, preprocessors
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.inlinepatterns import ImageInlineProcessor, InlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pygments.token import STANDARD_TYPES
from pymdownx import magiclink
from pymdownx.slugs import slugify as make_slugify

from core.language import shows_something
from core.nesting import too_deep
from core.wikilinks import image_file_name

slugify = make_slugify(case="lower")

CALLOUT_KINDS = {
    "note", "info", "tip", "success", "question", "warning", "failure",
    "danger", "bug", "example", "quote", "abstract", "todo",
    "notes",  # speaker notes: the deck (notes/slides/) moves them to the speaker view
}  # fmt: skip
CALLOUT_ALIASES = {
    "summary": "abstract", "tldr": "abstract", "hint": "tip", "important": "tip",
    "check": "success", "done": "success", "help": "question", "faq": "question",
    "caution": "warning", "attention": "warning", "fail": "failure", "missing": "failure",
    "error": "danger", "cite": "quote", "speaker": "notes",
}  # fmt: skip


# Python-Markdown finds raw HTML with its own copy of html.parser, whose pattern for a
# start tag's end it already changes (a backtick ends a name). A "<" ends one too here:
# with it allowed in an attribute's name or bare value, each "<a " of a text that never
# closes one was read to the text's end, the square of its length in all (20 000
# characters took 4 s, a note's 100 000 some 100 s). What stops at a "<" is text.
markdown_htmlparser.htmlparser.locatestarttagend_tolerant = re.compile(
    r"""
  <[a-zA-Z][^`\t\n\r\f />\x00<]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^`\s/><][^\s/=><]*
      (?:\s*=+\s*
        (?:'[^']*'
          |"[^"]*"
          |(?!['"])[^`>\s<]*
         )
         (?:\s*,)*
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*
""",
    re.VERBOSE,
)


@dataclass
class Rendered:
    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    wikilinks: list[str] = field(default_factory=list)


# --- Callouts: "> [!kind]± Optional title" --------------------------------------------

CALLOUT_HEAD = re.compile(r"^\[!([A-Za-z-]+)\]([+-]?)[ \t]*(.*)$")
# A callout without a title is headed by its kind, in the language of the text it is in
# (a Chinese note's "> [!info]" reads "信息"); an unknown kind by its own word.
CALLOUT_TITLES = {
    "abstract": pgettext_lazy("callout", "Abstract"),
    "attention": pgettext_lazy("callout", "Attention"),
    "bug": pgettext_lazy("callout", "Bug"),
    "caution": pgettext_lazy("callout", "Caution"),
    "check": pgettext_lazy("callout", "Check"),
    "cite": pgettext_lazy("callout", "Cite"),
    "danger": pgettext_lazy("callout", "Danger"),
    "done": pgettext_lazy("callout", "Done"),
    "error": pgettext_lazy("callout", "Error"),
    "example": pgettext_lazy("callout", "Example"),
    "fail": pgettext_lazy("callout", "Fail"),
    "failure": pgettext_lazy("callout", "Failure"),
    "faq": pgettext_lazy("callout", "FAQ"),
    "help": pgettext_lazy("callout", "Help"),
    "hint": pgettext_lazy("callout", "Hint"),
    "important": pgettext_lazy("callout", "Important"),
    "info": pgettext_lazy("callout", "Info"),
    "missing": pgettext_lazy("callout", "Missing"),
    "note": pgettext_lazy("callout", "Note"),
    "notes": pgettext_lazy("callout", "Speaker notes"),
    "question": pgettext_lazy("callout", "Question"),
    "quote": pgettext_lazy("callout", "Quote"),
    "speaker": pgettext_lazy("callout", "Speaker notes"),
    "success": pgettext_lazy("callout", "Success"),
    "summary": pgettext_lazy("callout", "Summary"),
    "tip": pgettext_lazy("callout", "Tip"),
    "tldr": pgettext_lazy("callout", "TL;DR"),
    "todo": pgettext_lazy("callout", "To do"),
    "warning": pgettext_lazy("callout", "Warning"),
}
PERMALINK_TITLE = pgettext_lazy("heading link", "Link to this section")
# {} is the footnote's number.
BACKLINK_TITLE = pgettext_lazy("footnote", "Jump back to footnote {} in the text")
NOT_UPLOADED = pgettext_lazy("figure", "Figure not uploaded yet: %(name)s")
AS_WRITTEN = pgettext_lazy(
    "markdown", "This text nests too deeply to be shown formatted; here it is as written."
)


class CalloutProcessor(BlockQuoteProcessor):
    """A blockquote whose first line is ``[!kind]`` becomes ``div.callout``."""

    def __init__(self, parser, ext):
        super().__init__(parser)
        self.ext = ext

    def test(self, parent, block):
        m = self.RE.search(block)
        return bool(m) and bool(CALLOUT_HEAD.match(m.group(2)))

    def run(self, parent, blocks):
        block = blocks.pop(0)
        m = self.RE.search(block)
        before = block[: m.start()]
        if before:  # lines before the quote in the same block are a paragraph
            self.parser.parseBlocks(parent, [before])
        lines = [self.clean(line) for line in block[m.start() :].lstrip("\n").split("\n")]
        head = CALLOUT_HEAD.match(lines[0].strip())
        word = head.group(1).lower()
        kind = CALLOUT_ALIASES.get(word, word)
        kind = kind if kind in CALLOUT_KINDS else "note"
        div = etree.SubElement(parent, "div", {"class": f"callout callout-{kind}"})
        title = etree.SubElement(div, "p", {"class": "callout-title"})
        title.text = head.group(3).strip() or self.ext.callout_title(word)
        self.parser.state.set("blockquote")
        self.parser.parseChunk(div, "\n".join(lines[1:]))
        self.parser.state.reset()


# --- Wiki links: [[Target]], [[Target|label]], [[Target#heading]] ---------------------

WIKILINK_RE = r"\[\[([^\[\]\n]+?)\]\]"
ESCAPED = re.compile("\x02([0-9]+)\x03")  # what python-markdown makes of "\\x"


class WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, ext):
        super().__init__(pattern, md)
        self.ext = ext

    def handleMatch(self, m, data):
        # Escapes come back as their character, so "\|" (needed in tables) splits too.
        inner = ESCAPED.sub(lambda e: chr(int(e.group(1))), self.unescape(m.group(1)))
        raw, _, label = inner.partition("|")
        raw, label = raw.strip(), label.strip()
        target, _, heading = raw.partition("#")
        target, heading = target.strip(), heading.strip()
        fragment = f"#{slugify(heading, '-')}" if heading else ""
        if not target:  # [[#heading]] links within the same document
            if not heading:
                return None, None, None
            el = etree.Element("a", {"class": "wikilink", "href": fragment})
            el.text = AtomicString(label or heading)
            return el, m.start(0), m.end(0)
        if target not in self.ext.targets:
            self.ext.targets.append(target)
        found = self.ext.lookup(target)
        if found:
            url, title = found
            el = etree.Element("a", {"class": "wikilink", "href": f"{url}{fragment}"})
            text = title or target
        else:
            el = etree.Element("span", {"class": "wikilink wikilink-missing"})
            el.set("title", f"{raw} (no page yet)")
            text = target
        el.text = AtomicString(label or (f"{text} › {heading}" if heading else text))
        return el, m.start(0), m.end(0)


# --- Figures: ![[name.png]], ![[name.png|400]], ![[name.png|caption|400]] ---------------

EMBED_RE = r"!\[\[([^\[\]\n]+?)\]\]"
WIDTH = re.compile(r"[0-9]{1,5}")


def _height(width, natural_width, natural_height):
    """A figure's height shown ``width`` wide (its own width for None), as its shape has it."""
    if width and natural_width:
        return max(1, round(natural_height * int(width) / natural_width))
    return natural_height


def _missing_element(ext, name, shown):
    """The mark of a figure not uploaded (yet), as an embed or an image shows it: the
    figure's name in its title, in the text's language, and what the image said (its
    description, else its name). ``_missing_figure`` writes the same in HTML."""
    el = etree.Element("span", {"class": "wikilink wikilink-missing"})
    el.set("title", ext.in_language(NOT_UPLOADED) % {"name": name})
    el.text = AtomicString(shown.strip() or name)
    return el


class EmbedProcessor(InlineProcessor):
    """An Obsidian embed: the uploaded figure of that name, with its size (scaled to the
    width asked for), so that a page or a slide lays it out before the image arrives.
    The resolver finds figures (``resolver.figure(name)``, core.wikilinks.Index); a name
    with no figure is marked missing, as a wiki link with no page is.

    Stored HTML is made when its record is saved: a note that embedded a figure before
    it was uploaded shows it once the note is saved again.
    """

    def __init__(self, pattern, md, ext):
        super().__init__(pattern, md)
        self.ext = ext

    def handleMatch(self, m, data):
        inner = ESCAPED.sub(lambda e: chr(int(e.group(1))), self.unescape(m.group(1)))
        name, *rest = (part.strip() for part in inner.split("|"))
        width = rest.pop() if rest and WIDTH.fullmatch(rest[-1]) else None
        found = self.ext.figure(name)
        if not found:
            return _missing_element(self.ext, name, name), m.start(0), m.end(0)
        url, natural_width, natural_height = found
        height = str(_height(width, natural_width, natural_height))
        width = width or str(natural_width)
        alt = rest[0] if rest else name
        el = etree.Element("img", {"src": url, "alt": alt, "width": width, "height": height})
        return el, m.start(0), m.end(0)


# An image's address on the site or the web; one with another scheme (javascript:, data:)
# is the sanitiser's to remove.
SITE_OR_WEB = re.compile(r"https?://|/", re.IGNORECASE)
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _relative(src):
    """Whether an image's address is relative ("attachments/loss.png"): one that names a
    figure by its file name (``ImageWidth``, ``_image``)."""
    return bool(src) and not SITE_OR_WEB.match(src) and not SCHEME.match(src)


class ImageWidth(Treeprocessor):
    """Obsidian's image width: ``![400](…)``, ``![caption|400](…)`` give ``width="400"``
    and the caption (or nothing) as the description.

    An image at a relative address (``![](attachments/loss.png)``, as a vault links its
    files) is the uploaded figure of that file name, else marked missing as an embed is:
    the browser asked the note's own address plus "attachments/loss.png" and showed a
    broken image."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        relative = []
        for img in root.iter("img"):
            if _relative(img.get("src", "")):
                relative.append(img)
            elif img.get("width") is None:  # else a figure embed's own
                self._width(img)
        if relative:
            parents = {child: parent for parent in root.iter() for child in parent}
            for img in relative:
                self._resolve(img, img.get("src"), parents[img])

    @staticmethod
    def _width(img):
        caption, bar, width = img.get("alt", "").rpartition("|")
        if WIDTH.fullmatch(width.strip()):
            img.set("width", width.strip())
            img.set("alt", caption.strip() if bar else "")

    def _resolve(self, img, src, parent):
        name = image_file_name(src)
        found = self.ext.figure(name) if name else None
        if found:
            url, natural_width, natural_height = found
            img.set("src", url)
            self._width(img)
            if natural_width:
                img.set("height", str(_height(img.get("width"), natural_width, natural_height)))
                img.set("width", img.get("width") or str(natural_width))
            return
        caption, _bar, width = img.get("alt", "").rpartition("|")
        shown = caption if WIDTH.fullmatch(width.strip()) else img.get("alt", "")
        missing = _missing_element(self.ext, name or src, shown)
        missing.tail = img.tail
        index = list(parent).index(img)
        parent.remove(img)
        parent.insert(index, missing)


# After a slash in a run of Chinese and English with no space ("模型/Model",
# "tokens量/Avg", "参数量(B)/Params", "GPT-4/模型"): a table cell keeps its Chinese words
# whole (word-break: keep-all), which leaves no break in such a run, so a bilingual header
# broke inside its English word at the cell's edge.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile("[A-Za-z]")
RUN_WITH_SLASH = re.compile(r"[^\s/]+(?:/+[^\s/]+)+")
AFTER_SLASHES = re.compile(r"(?<=/)(?=[^/])")


def _pieces(text):
    """``text`` cut after the slashes of its runs of both Chinese and English, or None."""
    if not text or isinstance(text, AtomicString) or "/" not in text:
        return None
    pieces, start = [], 0
    for run in RUN_WITH_SLASH.finditer(text):
        if not (HAN.search(run[0]) and LATIN.search(run[0])):
            continue
        for cut in AFTER_SLASHES.finditer(run[0]):
            pieces.append(text[start : run.start() + cut.start()])
            start = run.start() + cut.start()
    return [*pieces, text[start:]] if pieces else None


class CellBreaks(Treeprocessor):
    """In a table's cells a line may break after a slash in a run of Chinese and English
    (``<wbr>``), as it may at a space; code spans and formulas are left as written."""

    def run(self, root):
        for cell in [el for el in root.iter() if el.tag in ("th", "td")]:
            self.add_breaks(cell)

    def add_breaks(self, element):
        children = list(element)
        for child in children:
            if child.tag != "code":
                self.add_breaks(child)
        # The tails from the last, so that the places of those before stay put.
        for index in reversed(range(len(children))):
            self.insert_breaks(element, index + 1, children[index], "tail")
        self.insert_breaks(element, 0, element, "text")

    @staticmethod
    def insert_breaks(parent, at, node, attribute):
        pieces = _pieces(getattr(node, attribute))
        if pieces is None:
            return
        setattr(node, attribute, pieces[0])
        for offset, piece in enumerate(pieces[1:]):
            wbr = etree.Element("wbr")
            wbr.tail = piece
            parent.insert(at + offset, wbr)


class InlineDisplayMath(InlineProcessor):
    """``$$...$$`` inside a paragraph: display math in a span (arithmatex skips it)."""

    def handleMatch(self, m, data):
        el = etree.Element("span", {"class": "arithmatex"})
        el.text = AtomicString(f"\\[{m.group(1)}\\]")
        return el, m.start(0), m.end(0)


INLINE_DISPLAY_RE = r"(?<!\\)\$\$(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)\$\$"


# --- Bare addresses in Chinese text ---------------------------------------------------

# Chinese runs an address on from its words and full-width punctuation, with no space
# ("链接：https://…。"); magiclink links an address only after a space or ASCII
# punctuation, and would run it on to the next space.
CJK_TEXT = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
CJK_CHARACTER = re.compile(f"[{CJK_TEXT}]")
MAGICLINK_BEFORE = "(?<![^\\s*_~^[('\"\\x03])"
LINK_RE = magiclink.RE_LINK.replace(MAGICLINK_BEFORE, f"(?<![^\\s*_~^[('\"\\x03{CJK_TEXT}])")


class ChineseMagicLink(magiclink.MagiclinkPattern):
    """magiclink's bare address, also right after Chinese text, ending at the first
    Chinese character or full-width sign after it."""

    def handleMatch(self, m, data):
        after = CJK_CHARACTER.search(data, m.end(0))
        return super().handleMatch(m, data[: after.start()] if after else data)


class QuotedAddress:
    """A link's or image's address that holds a quote is the address, as CommonMark
    reads it: ``[x](https://example.com/?q='a')`` and ``[x](https://e.com/f('y'))``.
    Python-Markdown took the quoted part for the title, even with no space before it,
    and the link went to ``…?q=`` (or ``…/f(``, and a stray ")" after it). An address
    in parentheses without a space inside is now the address whole; any other is read as
    Python-Markdown reads it (``[x](url "title")``, ``[x](<url> 'title')``)."""

    def getLink(self, data, index):
        if data.startswith("(", index) and not data.startswith("(<", index):
            end = _closing_parenthesis(data, index)
            if end is not None:
                return self.unescape(data[index + 1 : end]), None, end + 1, True
        return super().getLink(data, index)


def _closing_parenthesis(data, start):
    """The index of the ")" that closes the "(" at ``start`` (nested pairs counted), or
    None: up to the first space, which ends an address not in <…>. A backslash's "\\("
    is no parenthesis here: escapes are stashed before links are read."""
    depth = 0
    for position in range(start, len(data)):
        character = data[position]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return position
        elif character.isspace():
            return None
    return None


class SiteLink(QuotedAddress, LinkInlineProcessor):
    pass


class SiteImage(QuotedAddress, ImageInlineProcessor):
    pass


# A raw HTML tag's name ("<think>", "</s>").
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


class KnownTagsOnly(inlinepatterns.HtmlInlineProcessor):
    """Raw HTML in a member's text is kept as HTML for the tags the sanitiser lets
    through (RAW_TAGS); any other tag is text, shown as written. A reading group on
    language models writes <think>, <pad> and <eos> in running text, and the sanitiser
    dropped them: the reader saw another sentence than the one written, with no sign."""

    def handleMatch(self, m, data):
        name = TAG_NAME.match(m.group(1))
        if name and name.group(1).lower() not in RAW_TAGS:
            return self.md.htmlStash.store(escape(m.group(1), quote=False)), m.start(0), m.end(0)
        return super().handleMatch(m, data)


# What a block of raw HTML holds that is no tag: its comments (a member's hidden draft).
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)


class KnownBlocksOnly(preprocessors.HtmlBlockPreprocessor):
    """A block of raw HTML (on lines of its own) with a tag the sanitiser does not keep is
    text, shown as written, as such a tag within a line is (KnownTagsOnly): the sanitiser
    showed what <center> held without the tag, and nothing of a <video>, an <iframe> or a
    <script>, so that the writer saw no sign that the site does not show them."""

    def run(self, lines):
        stash = self.md.htmlStash
        first = len(stash.rawHtmlBlocks)
        lines = super().run(lines)
        for i in range(first, len(stash.rawHtmlBlocks)):
            block = stash.rawHtmlBlocks[i]
            if isinstance(block, str) and any(
                name.lower() not in RAW_TAGS
                for name in TAG_NAME.findall(HTML_COMMENT.sub("", block))
            ):
                stash.rawHtmlBlocks[i] = f"<p>{escape(block.strip(), quote=False)}</p>"
        return lines


class SiteExtension(Extension):
    """Callouts, wiki links and inline ``$$`` math; remembers the wiki links seen."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.resolver = None
        self.language = "en"  # of the text being rendered (render_document)
        self.reset()

    def in_language(self, text):
        """A text the rendering adds, in the language of the text being rendered."""
        with translation.override(self.language):
            return str(text)

    def callout_title(self, word):
        """The heading of a callout that has none: its kind in the text's language."""
        if word not in CALLOUT_TITLES:
            return word.capitalize()
        return self.in_language(CALLOUT_TITLES[word])

    def reset(self):
        self.targets, self.cache = [], {}

    def lookup(self, target):
        if self.resolver is None:
            return None
        if target not in self.cache:
            self.cache[target] = self.resolver(target)
        return self.cache[target]

    def figure(self, name):
        """(address, width, height) of the figure of that name, or None."""
        find = getattr(self.resolver, "figure", None)
        return find(name) if find else None

    def extendMarkdown(self, md):
        md.registerExtension(self)
        # Below code spans (190) and math (189.9), above links (160): code and math
        # are atomic by the time this runs, and "[[x]]" is not taken for a reference.
        # Embeds first: "![[x]]" is no link.
        md.inlinePatterns.register(EmbedProcessor(EMBED_RE, md, self), "embed", 176)
        md.inlinePatterns.register(WikiLinkProcessor(WIKILINK_RE, md, self), "wikilink", 175)
        # After the inline patterns (20) have made the images.
        md.treeprocessors.register(ImageWidth(md, self), "image-width", 19)
        md.treeprocessors.register(CellBreaks(md), "cell-breaks", 18)
        md.inlinePatterns.register(InlineDisplayMath(INLINE_DISPLAY_RE, md), "math-dd", 189.95)
        # Python-Markdown's own, where it registered them.
        md.inlinePatterns.register(SiteLink(inlinepatterns.LINK_RE, md), "link", 160)
        image = SiteImage(inlinepatterns.IMAGE_LINK_RE, md)
        md.inlinePatterns.register(image, "image_link", 150)
        # Just above "quote" (20), so callouts are claimed before plain blockquotes.
        md.parser.blockprocessors.register(CalloutProcessor(md.parser, self), "callout", 21)
        # magiclink's own, where it registered it (this extension comes after it).
        links = ChineseMagicLink(LINK_RE, md)
        links.config = md.inlinePatterns["magic-link"].config
        md.inlinePatterns.register(links, "magic-link", 85)
        md.inlinePatterns.register(KnownTagsOnly(inlinepatterns.HTML_RE, md), "html", 90)
        md.preprocessors.register(KnownBlocksOnly(md), "html_block", 20)


EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "pymdownx.highlight": {"css_class": "highlight", "pygments_lang_class": True},
    "pymdownx.superfences": {},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
    "footnotes": {},
    "toc": {"slugify": slugify, "permalink": "#", "permalink_title": "Link to this section"},
    "sane_lists": {},
    "abbr": {},
    "def_list": {},
    # Bare web addresses (https://…, www.…) become links, as readers expect.
    "pymdownx.magiclink": {"repo_url_shortener": False, "social_url_shortener": False},
}

_local = threading.local()


def _footnotes(md):
    """The Markdown instance's footnotes extension."""
    return next(ext for ext in md.registeredExtensions if isinstance(ext, FootnoteExtension))


def _markdown():
    """One Markdown instance per thread; reset before every use."""
    if not hasattr(_local, "md"):
        wiki = SiteExtension()
        md = markdown.Markdown(
            extensions=[*EXTENSION_CONFIGS, wiki],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
        _local.md, _local.wiki = md, wiki
    _local.md.reset()
    return _local.md, _local.wiki


# --- Sanitising --------------------------------------------------------------------

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var", "wbr",
    "ruby", "rt", "rp", "cite", "dfn",  # a reading over its characters (拼音), a title, a term
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# The tags a member's raw HTML keeps (KnownTagsOnly): those let through, but <s>, which
# these texts write for a sequence's start token far more often than to strike a line
# out (<s> … </s> struck out what lay between). Text is struck out with <del>…</del>.
RAW_TAGS = TAGS - {"s"}
ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"checked"},
    "ol": {"start"},
    "li": {"id", "class"},
    "sup": {"id"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "details": {"open"},
    **{tag: {"class"} for tag in ("div", "p", "span", "code", "pre", "ul")},
    **{tag: {"id"} for tag in HEADINGS},
}
CLASSES = {
    "arithmatex", "math-tail", "callout", "callout-title", "wikilink", "wikilink-missing",
    "headerlink", "highlight", "footnote", "footnote-ref", "footnote-backref", "task-list",
    "task-list-item", *(f"callout-{kind}" for kind in CALLOUT_KINDS),
    *(name for name in STANDARD_TYPES.values() if name),
}  # fmt: skip
SAFE_CLASS = re.compile(r"language-[\w+#.-]{1,40}")
SAFE_ID = re.compile(r"[^\s\"'<>&]{1,120}")
ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)


def _filter_attribute(tag, name, value):
    if name == "class":
        kept = [c for c in value.split() if c in CLASSES or SAFE_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    if name == "id":
        return value if SAFE_ID.fullmatch(value) else None
    if name in ("width", "height", "start", "colspan", "rowspan"):
        return value if value.isascii() and value.isdigit() and len(value) < 6 else None
    if name == "align":
        return value if value in ("left", "right", "center") else None
    return value


CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel=None,
    tag_attribute_values={"input": {"type": {"checkbox"}, "disabled": {"", "disabled"}}},
    url_schemes={"http", "https", "mailto"},
)
# nh3 output quotes every attribute with " and escapes " inside values.
INPUT_TAG = re.compile(r"<input\b[^>]*>")  # only type, disabled and checked get through
A_TAG = re.compile(r'<a((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*>')
IMG_TAG = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')
ATTRIBUTE_NAME = re.compile(r'\s+([\w:-]+)(?:="[^"]*")?')


def _add_rel(m):
    attrs = m.group(1)
    href = re.search(r'\shref="([^"]*)"', attrs)
    if href and ABSOLUTE.match(href.group(1)):
        return f'<a{attrs} rel="noopener noreferrer nofollow">'
    return m.group(0)


IMG_SRC = re.compile(r'\ssrc="([^"]*)"')
IMG_ALT = re.compile(r'\salt="([^"]*)"')
IMG_WIDTH = re.compile(r'\swidth="([0-9]+)"')


def _image(figures, m):
    """An image of raw HTML, as sanitised. Written without ``alt``, it gets an empty one,
    as Markdown's ``![](…)`` has: a screen reader then passes it by instead of reading
    out its address. At a relative address (``<img src="attachments/loss.png"
    width="400">``, as a vault sizes an image), it is the uploaded figure of that file
    name, else marked missing, as a Markdown image is (ImageWidth): the browser asked
    the page's own address plus the file's and showed a broken image."""
    attributes = m.group(1)
    src = IMG_SRC.search(attributes)
    if src and _relative(unescape(src.group(1))):
        name = image_file_name(unescape(src.group(1)))
        found = figures.figure(name) if figures and name else None
        if not found:
            alt = IMG_ALT.search(attributes)
            shown = unescape(alt.group(1)) if alt else ""
            return _missing_figure(figures, name or unescape(src.group(1)), shown)
        url, natural_width, natural_height = found
        attributes = attributes.replace(src.group(0), f' src="{escape(url)}"')
        if natural_width and "height=" not in attributes:
            width = IMG_WIDTH.search(attributes)
            height = _height(width.group(1) if width else None, natural_width, natural_height)
            attributes += f' height="{height}"' + ("" if width else f' width="{natural_width}"')
    if "alt" not in ATTRIBUTE_NAME.findall(attributes):
        attributes += ' alt=""'
    return f"<img{attributes}>"


def _missing_figure(figures, name, shown):
    """The mark of a figure not uploaded (yet) in HTML, as ``_missing_element`` makes
    it: for an image of raw HTML."""
    title = figures.in_language(NOT_UPLOADED) if figures else str(NOT_UPLOADED)
    return (
        f'<span class="wikilink wikilink-missing" title="{escape(title % {"name": name})}">'
        f"{escape(shown.strip() or name)}</span>"
    )


def _checkbox(m):
    checked = ' checked=""' if " checked" in m.group(0) else ""
    return f'<input type="checkbox" disabled=""{checked}>'


def sanitize(html, figures=None):
    """Clean against the allowlist; outbound links get rel, images an alt (and one at a
    relative address the uploaded figure ``figures.figure`` finds, ``_image``); any input
    a disabled checkbox."""
    html = IMG_TAG.sub(partial(_image, figures), A_TAG.sub(_add_rel, CLEANER.clean(html)))
    return INPUT_TAG.sub(_checkbox, html)


# An inline formula and the Chinese punctuation after it ("$x$。"), kept on one line: the
# browser may break after a formula, and a line would start with the full stop.
CLOSING = "。，、；：！？）」』》〉】〕”’"
MATH_TAIL = re.compile(rf'(<span class="arithmatex">\\\([^<]*?\\\)</span>)([{CLOSING}]+)')


def _keep_math_tail(html):
    return MATH_TAIL.sub(r'<span class="math-tail">\1\2</span>', html)


# --- Public API ----------------------------------------------------------------------


# Python-Markdown's inline patterns slow down with the square of the number of
# "[" in one block (escaped or not). A block with more than this many is shown
# as a literal code block instead, so that a hostile note cannot tie up a worker;
# a text with very many brackets overall gets the stricter per-block limit.
MAX_BRACKETS_PER_BLOCK = 400
MAX_BRACKETS_PER_BLOCK_IN_BULK = 50
BULK_BRACKETS = 2000
_BLOCK_SPLIT = re.compile(r"(\n\s*\n)")


def _defuse_brackets(text):
    total = text.count("[")
    if total <= MAX_BRACKETS_PER_BLOCK:
        return text
    limit = MAX_BRACKETS_PER_BLOCK if total <= BULK_BRACKETS else MAX_BRACKETS_PER_BLOCK_IN_BULK
    out = []
    for block in _BLOCK_SPLIT.split(text):
        if block.count("[") > limit:
            fence = "~" * max(4, max(map(len, re.findall(r"~+", block)), default=0) + 1)
            block = f"{fence} text\n{block.strip(chr(10))}\n{fence}"
        out.append(block)
    return "".join(out)


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def _close_open_fence(text):
    """Close a code fence left open at the end of the text, as CommonMark reads one (the
    code runs to the end): Python-Markdown showed the fence as text and the code's
    comments ("# …") as headings, on the page and as slides of the deck."""
    opened = None
    for line in text.split("\n"):
        found = FENCE.match(line)
        if not found:
            continue
        marks, rest = found.groups()
        if opened is None:
            if not (marks[0] == "`" and "`" in rest):  # a backtick fence's info has none
                opened = marks
        elif marks[0] == opened[0] and len(marks) >= len(opened) and not rest.strip():
            opened = None
    if opened is None:
        return text
    return f"{text.rstrip(chr(10))}\n{opened}\n"


def render_document(text, resolve_wikilink=None, language=None):
    """Render Markdown to sanitised HTML with its table of contents and wiki links.

    ``language`` is the text's ("zh-hans", "en"; English if not known): the words the
    rendering adds (a callout's kind, a heading link's tooltip) are in it, since the
    stored HTML is shown the same in either interface language.

    A text that nests too deeply to render (core.nesting) is shown as written, in a
    code block under a warning: the forms refuse such a text with a message, but a save
    that shows none (loaddata, a script, a record stored before the check) keeps its
    text and its page, rather than fail or take seconds. Python-Markdown running out of
    recursion all the same (a text the check reads as shallower than it renders) ends
    the same way."""
    if not text:
        return Rendered(html="")
    language = language or "en"
    if too_deep(text):
        return _as_written(text, language)
    source, text = text, _defuse_brackets(_close_open_fence(text))
    md, wiki = _markdown()
    wiki.resolver = resolve_wikilink
    wiki.language = language
    with translation.override(wiki.language):
        md.treeprocessors["toc"].permalink_title = str(PERMALINK_TITLE)
        _footnotes(md).setConfig("BACKLINK_TITLE", str(BACKLINK_TITLE))
    try:
        html = _keep_math_tail(sanitize(md.convert(text), wiki))
        return Rendered(html=html, toc=extract_toc(html), wikilinks=list(wiki.targets))
    except RecursionError:
        del _local.md  # it stopped halfway through: the thread's next text gets a new one
        return _as_written(source, language)
    finally:
        wiki.resolver = None
        md.reset()


def _as_written(text, language):
    """The text in a code block, under a warning in its language (a note callout)."""
    with translation.override(language):
        warning = escape(str(AS_WRITTEN))
    html = (
        f'<div class="callout callout-warning"><p class="callout-title">{warning}</p></div>\n'
        f"<pre><code>{escape(text, quote=False)}</code></pre>"
    )
    return Rendered(html=sanitize(html))


def render(text, resolve_wikilink=None, language=None):
    """Render Markdown to sanitised HTML ('' for empty text)."""
    return render_document(text, resolve_wikilink, language).html


HEADING_LINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')
IMAGE = re.compile(r"<img\b")


class _Text(HTMLParser):
    """The text of sanitised HTML, its character references read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def shows_something_rendered(text):
    """Whether a Markdown text shows anything once rendered: a sign that shows (not
    spaces or invisible signs alone, as core.language.shows_something) in the text of
    its HTML, or an image. Its source is not enough: an HTML comment, a <script> the
    sanitiser drops with its content, a zero-width space written "&#8203;" or a heading
    of nothing (its "#" link aside) show nothing, and were saved as empty texts. A
    formula shows its source (KaTeX draws it in the browser). Rendered without the
    figures' names: a figure not found shows its name, so it shows something either way."""
    if not shows_something(text):
        return False
    html = HEADING_LINK.sub("", render(text))
    if IMAGE.search(html):
        return True
    parser = _Text()
    parser.feed(html)
    parser.close()
    return shows_something("".join(parser.parts))


class _TocParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.toc, self.current, self.skip = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4") and attrs.get("id") and self.current is None:
            self.current = (int(tag[1]), attrs["id"], [])
        elif self.current is not None and "headerlink" in (attrs.get("class") or "").split():
            self.skip += 1

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "a" and self.skip:
            self.skip -= 1
        elif tag == f"h{self.current[0]}":
            level, ident, parts = self.current
            self.toc.append((level, ident, " ".join("".join(parts).split())))
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not self.skip:
            self.current[2].append(data)


def extract_toc(html):
    """Recover [(level, id, title)] for h1–h4 from rendered HTML."""
    if not html:
        return []
    parser = _TocParser()
    parser.feed(html)
    parser.close()
    return parser.toc
