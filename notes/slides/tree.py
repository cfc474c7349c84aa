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
