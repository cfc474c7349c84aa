"""A list item too tall for the room left on a slide goes on over the next one
(notes/slides/cut.py), rather than leave the slide half empty."""

from core.markdown import render
from notes.slides import build_slides, parse
from notes.slides.cut import cuts
from notes.slides.tree import text_of

SENTENCE = "预训练语料的规模和质量决定了模型能力的上限。"
# Four paragraph-long points, each about half a slide (7 lines of 44 characters).
POINTS = "\n".join(f"{n}. 第{n}点：" + SENTENCE * 14 for n in range(1, 5))


def bodies(markdown):
    return [slide.body for slide in build_slides(render(markdown), lang="zh")]


def items_text(body):
    return [text_of(li) for ol in parse(body) if ol.tag == "ol" for li in ol.elements]


def test_paragraph_long_points_fill_their_slides_going_on_over_the_next():
    """Each point went whole to a slide of its own: four slides, each half empty."""
    slides = bodies(f"## 要点\n\n{POINTS}\n")

    assert len(slides) == 3
    # The second point begins on the first slide and goes on, at a sentence's end, on the
    # second, which counts on from it: its rest is item 2 again, marked as going on.
    assert '<li class="deck-breaks">第2点：' in slides[0]
    assert slides[1].startswith('<ol start="2"><li class="deck-continued deck-resumes">')
    first, rest = items_text(slides[0])[-1], items_text(slides[1])[0]
    assert first.endswith("。") and rest.startswith(SENTENCE[0])
    # Nothing is lost or doubled.
    assert "".join(t for body in slides for t in items_text(body)) == "".join(
        f"第{n}点：" + SENTENCE * 14 for n in range(1, 5)
    )


def test_a_point_with_a_list_of_its_own_goes_on_between_its_sub_points():
    """The demo meeting's "3.2 未来方向": points of a lead line ("模型训练：") over
    challenges and directions, each a list."""
    point = "{n}. 方面{n}：\n    - 挑战：\n" + "        - 挑战说明。\n" * 2 + "    - 未来方向：\n"
    point += "        - 方向说明。\n" * 2
    text = "\n".join(point.format(n=n) for n in range(1, 5))
    slides = bodies(f"## 未来方向\n\n{text}\n")

    assert len(slides) == 3  # each point 8 lines high: four slides whole
    continued = [n for n, body in enumerate(slides) if "deck-continued" in body]
    assert continued
    for number in continued:
        # The slide before ends with a sub-list, not the point's lead line.
        last = parse(slides[number - 1])[-1].elements[-1]
        assert [child.tag for child in last.elements][-1] == "ul"
        body = slides[number]
        # The rest of a point begins with one of its sub-points, never its lead line alone
        # at the foot of the slide before.
        item = parse(body)[0].elements[0]
        assert item.get("class") == "deck-continued"
        assert item.elements[0].tag == "ul"


def test_short_items_are_moved_whole():
    items = "\n".join(f"{n}. 第{n}条：" + SENTENCE * 3 for n in range(1, 21))
    slides = bodies(f"## 条目\n\n{items}\n")

    assert len(slides) > 1
    assert not any("deck-continued" in body for body in slides)


def test_text_is_cut_at_a_sentence_end_not_after_an_abbreviation():
    item = parse(
        "<li>Some tasks (e.g. formal proofs) need rules. They are hard, and costly to write.</li>"
    )[0]
    heads = [text_of(head) for head, _tail, _kind in cuts(item)]

    assert heads == [
        "Some tasks (e.g. formal proofs) need rules.",
        "Some tasks (e.g. formal proofs) need rules. They are hard,",
    ]


def test_a_lead_line_is_not_cut_from_its_first_block():
    item = parse("<li>模型训练：<ul><li>挑战一。</li><li>挑战二。</li></ul></li>")[0]
    heads = [text_of(head) for head, _tail, _kind in cuts(item)]

    assert "模型训练：" not in heads
    assert heads == ["模型训练：挑战一。"]
