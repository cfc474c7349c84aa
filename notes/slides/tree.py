"""A small tree of the sanitised HTML, enough to measure and split it."""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}
BLOCK_TAGS = {
    "p", "ul", "ol", "table", "pre", "div", "blockquote", "details", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "aside",
}  # fmt: skip


@dataclass
class Node:
    tag: str | None  # None for a text node
    attrs: list = field(default_factory=list)
    children: list = field(default_factory=list)
    text: str = ""

    def get(self, name, default=None):
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def set(self, name, value):
        self.attrs = [(k, v) for k, v in self.attrs if k != name] + [(name, value)]

    def has_class(self, name):
        return name in (self.get("class") or "").split()

    def copy(self, children=None):
        children = self.children if children is None else children
        return Node(self.tag, list(self.attrs), list(children))

    @property
    def elements(self):
        return [c for c in self.children if c.tag is not None]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(Node(None, text=data))


def parse(html):
    """Parse an HTML fragment into a list of top-level nodes."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root.children


def serialize(nodes):
    return "".join(_serialize(node) for node in nodes)


def _serialize(node):
    if node.tag is None:
        return escape(node.text, quote=False)
    attrs = "".join(
        f" {key}" if value is None else f' {key}="{escape(value)}"' for key, value in node.attrs
    )
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{serialize(node.children)}</{node.tag}>"


def text_of(node):
    if node.tag is None:
        return node.text
    return "".join(text_of(child) for child in node.children)


def without_headerlinks(nodes):
    kept = []
    for node in nodes:
        if node.tag == "a" and node.has_class("headerlink"):
            continue
        if node.tag is not None:
            node = node.copy(without_headerlinks(node.children))
        kept.append(node)
    return kept


def is_block(node):
    return node.tag in BLOCK_TAGS


def integer_attribute(value, default):
    """An attribute's integer as a browser reads it ("3", " 3x"), else default."""
    found = re.match(r"\s*([+-]?\d+)", value or "")
    return int(found.group(1)) if found else default


def list_start(node):
    """The number of an ordered list's first item."""
    return integer_attribute(node.get("start"), 1)


def list_part(node, items, offset):
    """A list of some of node's items, the first of them its item at ``offset`` (from
    0). An ol keeps counting (the part starts at the number that item had) and keeps
    its attributes, data-digits among them."""
    part = node.copy(items)
    if node.tag == "ol" and (offset or node.get("start")):
        part.set("start", str(list_start(node) + offset))
    return part


def is_code(node):
    """A code block: pymdownx.highlight's div.highlight, or a bare pre."""
    return node.tag == "pre" or (node.tag == "div" and node.has_class("highlight"))


def _code_path(block):
    """The elements from a code block down to the one whose content is all its text
    (div.highlight > pre > code), or None when the text is not all in one (a table of
    line numbers): such a block cannot be cut between lines."""
    path = [block]
    while True:
        inner = [child for child in path[-1].elements if child.tag in ("pre", "code")]
        if len(inner) != 1:
            break
        path.append(inner[0])
    if path[-1].tag not in ("pre", "code") or text_of(path[-1]) != text_of(block):
        return None
    return path


def _lines_within(node):
    """node's content as lines, each a list of nodes: a text node is cut at each newline,
    and an element that runs over several lines (Pygments' span of a docstring) is
    repeated on each of them, so that every line's markup is whole on its own."""
    lines = [[]]
    for child in node.children:
        if child.tag is None:
            pieces = [[Node(None, text=piece)] if piece else [] for piece in child.text.split("\n")]
        elif child.children:
            pieces = [[child.copy(line)] if line else [] for line in _lines_within(child)]
        else:
            pieces = [[child.copy()]]
        lines[-1].extend(pieces[0])
        lines.extend(pieces[1:])
    return lines


def code_lines(block):
    """The lines of a code block (_lines_within), the empty ones at its end left out;
    None for a block that cannot be cut between lines (_code_path)."""
    path = _code_path(block)
    if path is None:
        return None
    lines = _lines_within(path[-1])
    while len(lines) > 1 and not "".join(text_of(node) for node in lines[-1]):
        lines.pop()
    return lines


def code_part(block, lines):
    """A code block of some of its lines (code_lines), in the block's own elements and
    attributes (its language class among them)."""
    path = _code_path(block)
    children = []
    for line in lines:
        children.extend(line)
        children.append(Node(None, text="\n"))
    part = path[-1].copy(children)
    for parent, child in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        part = parent.copy([part if node is child else node for node in parent.children])
    return part
