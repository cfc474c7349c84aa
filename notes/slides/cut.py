"""Where a list item may be cut in two, to go on over the next slide.

A list item taller than the room left on a slide went whole to the next one, and left
the slide half empty (a point of a paragraph or two, or with a list of its own). It may
be cut instead: between the blocks it holds (not between its lead line, "模型架构：", and
the first of them), between the items of a list in it, inside one of those, or between
the sentences of its text (or, failing those, its clauses). The part on the next slide
is marked as going on: the item's marker is muted (``deck-continued``), and text cut
mid-paragraph ends and resumes with an ellipsis (``deck-breaks``, ``deck-resumes``;
static/css/deck.css). (Repeating the item's lead line above its rest cost a line or two
a cut, and as many slides as the cuts saved.)
"""

import re

from .tree import Node, is_block, list_part, text_of

# Where text may be cut: after a sentence's end, or, less gladly, after a clause's.
# An English sentence ends at a full stop before a capital ("e.g. formal" goes on).
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])\s*(?=\S)|(?<=\.)\s+(?=[A-Z\"“(])")
CLAUSE_END = re.compile(r"(?<=[，、,])\s*(?=\S)")  # not a colon: a label is not left alone
SENTENCE, CLAUSE = 0, 1


def with_class(node, name):
    """A copy of node with the class name added."""
    copy, names = node.copy(), (node.get("class") or "").split()
    copy.set("class", " ".join(names if name in names else [*names, name]))
    return copy


def _text_cuts(text):
    """(before, after, kind) for each place text may be cut, in order."""
    places = {m.start(): (m.end(), SENTENCE) for m in SENTENCE_END.finditer(text)}
    for m in CLAUSE_END.finditer(text):
        places.setdefault(m.start(), (m.end(), CLAUSE))
    for start in sorted(places):
        end, kind = places[start]
        before, after = text[:start].rstrip(), text[end:]
        if before.strip() and after.strip():
            yield before, after, kind


def _list_cuts(node):
    items = node.elements
    for index, item in enumerate(items):
        if index:
            yield list_part(node, items[:index], 0), list_part(node, items[index:], index), SENTENCE
        for head, tail, kind in cuts(item):
            yield (
                list_part(node, [*items[:index], head], 0),
                list_part(node, [tail, *items[index + 1 :]], index),
                kind,
            )


def cuts(node):
    """Yield (head, tail, kind) for each place a list item, a list or a paragraph in one
    may be cut, from the top down; kind is SENTENCE for a cut between blocks, items or
    sentences, CLAUSE for one inside a sentence."""
    if node.tag in ("ul", "ol"):
        yield from _list_cuts(node)
        return
    if node.tag not in ("li", "p"):
        return
    children = node.children
    blocks = [i for i, child in enumerate(children) if is_block(child)]
    first_block = blocks[0] if blocks else None
    if len(blocks) > 1 and not text_of(Node("p", children=children[: blocks[0]])).strip():
        # A loose list's item: its lead line ("<p>模型训练：</p>") is a block of its own.
        if text_of(children[blocks[0]]).strip().endswith((":", "：")):
            first_block = blocks[1]

    def tail_of(rest):
        tail = node.copy(rest)
        return with_class(tail, "deck-continued") if node.tag == "li" else tail

    for index, child in enumerate(children):
        below_lead = first_block is not None and index > first_block
        if below_lead and is_block(child):
            yield node.copy(children[:index]), tail_of(children[index:]), SENTENCE
        if child.tag is None:
            for before, after, kind in _text_cuts(child.text):
                head = node.copy([*children[:index], Node(None, text=before)])
                tail = tail_of([Node(None, text=after), *children[index + 1 :]])
                yield with_class(head, "deck-breaks"), with_class(tail, "deck-resumes"), kind
        elif child.tag in ("p", "ul", "ol"):
            for head, tail, kind in cuts(child):
                yield (
                    node.copy([*children[:index], head]),
                    tail_of([tail, *children[index + 1 :]]),
                    kind,
                )


def cut_item(item, room, height_of):
    """Cut a list item so that its first part is at most room high (by height_of):
    (head, tail), the tail marked as going on; None when no first part is that short.
    A cut between sentences is taken over a later one inside a sentence unless that
    fills the slide two lines more."""
    best = {SENTENCE: None, CLAUSE: None}
    for head, tail, kind in cuts(item):
        height = height_of(head)
        if height <= room:
            best[kind] = (height, head, tail)
    sentence, clause = best[SENTENCE], best[CLAUSE]
    if clause and (sentence is None or clause[0] >= sentence[0] + 2):
        sentence = clause
    return sentence[1:] if sentence else None
