"""The drawings: openness drawn three ways, legends that match the marks, the current
model marked, labels that keep apart, every caption translated."""

import datetime
import math
import random
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from papers import charts
from papers.charts import timeline
from papers.charts import tree as family_tree
from papers.families import Family
from papers.models import LanguageModel
from papers.textwidth import fit, text_width
from tests.factories import LanguageModelFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
STYLE = ("fill", "stroke", "stroke-width", "stroke-dasharray")


def style(element):
    return tuple(element.get(name) for name in STYLE)


def marks(svg):
    """Return [(classes, style of the node's box or the point's circle)] of a drawing."""
    out = []
    for link in ET.fromstring(str(svg)).iter(f"{SVG}a"):
        shape = link.find(f"{SVG}rect[@class='box']")
        if shape is None:
            shape = link.find(f"{SVG}circle")
        out.append((set(link.get("class").split()), style(shape)))
    return out


def legend_swatches(html):
    """Return {kind: [styles of the swatch's shapes]} of a legend."""
    root = ET.fromstring(str(html))
    assert root.tag == "ul" and "chart-legend" in root.get("class")
    return {
        item.get("data-kind"): [style(shape) for shape in item.find("svg")]
        for item in root.iter("li")
    }


def svgs(content, kind):
    return re.findall(rf'<svg class="{kind}".*?</svg>', content, flags=re.S)


def legends(content):
    return re.findall(r'<ul class="chart-legend".*?</ul>', content, flags=re.S)


@pytest.fixture
def family():
    """A family with one model of each openness; the closed one is two levels down."""
    root = LanguageModelFactory(name="Open-Root", open_weights=True, parameters_b=65)
    unknown = LanguageModelFactory(
        name="Unknown-Kid",
        base_model=root,
        relation="full_finetuning",
        open_weights=None,
        parameters_b=7,
    )
    closed = LanguageModelFactory(
        name="Closed-Grandkid",
        base_model=unknown,
        relation="instruction_tuning",
        open_weights=False,
        parameters_b=13,
    )
    return root, unknown, closed


def test_unknown_openness_is_drawn_apart_from_open_and_closed(family):
    root, unknown, closed = family
    drawn = {}
    for classes, shape in marks(charts.family_tree_svg(Family.containing(root))):
        (kind,) = classes & {"open", "closed", "unknown"}
        drawn.setdefault(kind, set()).add(shape)
    assert set(drawn) == {"open", "closed", "unknown"}
    assert all(len(shapes) == 1 for shapes in drawn.values())
    boxes = {kind: next(iter(shapes)) for kind, shapes in drawn.items()}
    assert len(set(boxes.values())) == 3
    # Unknown is neither open's fill nor a solid line: it does not pass for either.
    assert boxes["unknown"][0] != boxes["open"][0]
    assert boxes["unknown"][3] and not boxes["open"][3] and not boxes["closed"][3]

    points = {}
    for classes, shape in marks(charts.timeline_svg(LanguageModel.objects.all())):
        (kind,) = classes & {"open", "closed", "unknown"}
        points[kind] = shape
    assert set(points) == {"open", "closed", "unknown"} and len(set(points.values())) == 3
    assert points["unknown"][3] and points["unknown"][0] != points["open"][0]


def test_openness_classes_follow_the_field(family):
    root, unknown, closed = family
    assert [charts.openness(m) for m in (root, unknown, closed)] == ["open", "unknown", "closed"]


@pytest.mark.parametrize("chart", ["tree", "timeline"])
def test_legend_lists_every_kind_in_the_colours_drawn(family, chart):
    root = family[0]
    if chart == "tree":
        svg = charts.family_tree_svg(Family.containing(root), highlight=root)
    else:
        svg = charts.timeline_svg(LanguageModel.objects.all())
    swatches = legend_swatches(charts.legend(chart, current=chart == "tree"))
    kinds = ["open", "closed", "unknown"] + (["current"] if chart == "tree" else [])
    assert list(swatches) == kinds
    for classes, shape in marks(svg):
        (kind,) = classes & {"open", "closed", "unknown"}
        assert swatches[kind] == [shape], kind
    if chart == "tree":
        ring = ET.fromstring(str(svg)).find(f".//{SVG}rect[@class='ring']")
        assert swatches["current"][0] == style(ring)


def test_legend_texts_name_the_kinds():
    html = str(charts.legend("tree", current=True))
    labels = ["".join(item.itertext()).strip() for item in ET.fromstring(html).iter("li")]
    assert labels == ["open weights", "closed", "openness unknown", "this model"]


def test_the_tree_rings_and_marks_only_the_current_model(family):
    root, unknown, closed = family
    svg = charts.family_tree_svg(Family.containing(unknown), highlight=unknown)
    tree = ET.fromstring(str(svg))
    current = [a for a in tree.iter(f"{SVG}a") if "current" in a.get("class").split()]
    assert [a.get("href") for a in current] == [unknown.get_absolute_url()]
    assert current[0].get("aria-current") == "page"
    assert len(tree.findall(f".//{SVG}rect[@class='ring']")) == 1
    assert [a.get("aria-current") for a in tree.iter(f"{SVG}a")].count("page") == 1
    assert "current" not in str(charts.family_tree_svg(Family.containing(root)))


def test_model_page_marks_its_model_and_shows_the_legend(member_client, family):
    root, unknown, closed = family
    content = member_client.get(closed.get_absolute_url()).content.decode()
    (svg,) = svgs(content, "family-tree")
    current = [a for a in ET.fromstring(svg).iter(f"{SVG}a") if a.get("aria-current") == "page"]
    assert [a.get("href") for a in current] == [closed.get_absolute_url()]
    assert "current" in current[0].get("class").split()
    (legend,) = legends(content)
    assert list(legend_swatches(legend)) == ["open", "closed", "unknown", "current"]
    assert 'class="scroll-hint" hidden' in content  # shown by js/charts.js when needed
    assert "js/charts.js" in content


def test_family_and_timeline_pages_show_their_legend(member_client, family):
    content = member_client.get(reverse("papers:model_family")).content.decode()
    (legend,) = legends(content)
    assert list(legend_swatches(legend)) == ["open", "closed", "unknown"]
    content = member_client.get(reverse("papers:model_timeline")).content.decode()
    (legend,) = legends(content)
    assert list(legend_swatches(legend)) == ["open", "closed", "unknown"]


def test_the_family_page_says_so_when_no_model_has_a_base_model(member_client):
    LanguageModelFactory(name="Alone")
    response = member_client.get(reverse("papers:model_family"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No model has a base model yet." in content
    assert 'class="family"' not in content


def test_each_family_has_its_section_heading_and_named_drawing(member_client, family):
    content = member_client.get(reverse("papers:model_family")).content.decode()
    assert '<section class="family" id="family-' in content
    assert "<h2>Open-Root family</h2>" in content
    assert 'aria-label="Family tree of Open-Root"' in content
    assert "No model has a base model yet." not in content


@pytest.mark.parametrize("current", [None, "kid"])  # the current model has a ring
def test_relation_labels_fit_between_the_columns(current):
    root = LanguageModelFactory(name="Root")
    kid = LanguageModelFactory(base_model=root, relation="scaling")
    LanguageModelFactory(base_model=kid, relation="lora")
    highlight = kid if current else None
    svg = charts.family_tree_svg(Family.containing(root), highlight=highlight)
    tree = ET.fromstring(str(svg))
    boxes = [
        (float(r.get("x")), float(r.get("x")) + float(r.get("width")))
        for r in tree.iter(f"{SVG}rect")
    ]
    for label in tree.iter(f"{SVG}text"):
        if label.get("class") != "edge-label":
            continue
        right = float(label.get("x"))
        left = right - text_width(label.text, family_tree.EDGE_SIZE)
        clear = family_tree.LABEL_GAP  # clear space either side, ring or not
        row = [b for b in boxes if not (b[1] <= left - clear or right + clear <= b[0])]
        assert row == [], label.text  # no node's column under the label


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_family_pages_trees_are_each_familys_own_drawing(family, language):
    # The family page draws its trees with what they write alike made once (TreeWords).
    root, _unknown, closed = family
    other = LanguageModelFactory(name="Other & Co", open_weights=False, released=None)
    LanguageModelFactory(base_model=other, relation="lora", parameter_sizes="7B, 13B")
    families = [Family.containing(root), Family.containing(other)]
    read = frozenset({closed.pk, other.pk})
    with translation.override(language):
        drawn = [charts.family_tree_svg(f, read=read) for f in families]
        assert charts.family_tree_svgs(families, read=read) == drawn
    assert "Other &amp; Co" in drawn[1] and drawn[0].count('class="read-mark"') == 1


def test_node_text_is_shortened_to_fit_its_box():
    model = LanguageModelFactory(
        name="A-model-with-a-name-much-too-long-for-any-box",
        parameter_sizes="117M (Small), 345M (Medium), 762M (Large), 1542M (Extra Large)",
        released=datetime.date(2019, 2, 1),
    )
    LanguageModelFactory(base_model=model, relation="lora")
    tree = ET.fromstring(str(charts.family_tree_svg(Family.containing(model))))
    (node,) = [a for a in tree.iter(f"{SVG}a") if a.get("href") == model.get_absolute_url()]
    name, meta = (node.find(f"{SVG}text[@class='{kind}']").text for kind in ("name", "meta"))
    name_room = family_tree.MAX_TEXT_W - family_tree.READ_ROOM  # the "read" mark's corner
    assert name.endswith("…") and text_width(name, 13, bold=True) <= name_room
    assert meta.endswith(" · 2019-02") and text_width(meta, 11) <= family_tree.MAX_TEXT_W
    assert float(node.find(f"{SVG}rect[@class='box']").get("width")) == family_tree.MAX_NODE_W
    # What the box shortens, its tooltip says whole.
    assert node.find(f"{SVG}title").text.startswith(
        "A-model-with-a-name-much-too-long-for-any-box · 117M (Small), 345M (Medium), "
        "762M (Large), 1542M (Extra Large) · 2019-02 · "
    )


def test_a_column_of_boxes_is_as_wide_as_its_longest_sizes_need():
    """The boxes grow to show a model's sizes whole ("7B, 13B, 33B (Plus version)" was
    cut to "7B, 13B, 33B (Plus versio…"), each column as wide as its widest text needs,
    and the edges start where the wider boxes end."""
    root = LanguageModelFactory(
        name="LLaMA", parameter_sizes="7B, 13B, 33B, 65B", released=datetime.date(2023, 2, 1)
    )
    wide = LanguageModelFactory(
        name="Chinese-LLaMA",
        base_model=root,
        relation="continued_pretraining",
        parameter_sizes="7B, 13B, 33B (Plus version)",
        released=datetime.date(2023, 4, 1),
    )
    narrow = LanguageModelFactory(name="Vicuna", base_model=root, relation="instruction_tuning")
    tree = ET.fromstring(str(charts.family_tree_svg(Family.containing(root))))
    nodes = {a.get("href"): a for a in tree.iter(f"{SVG}a")}

    def box(model):
        rect = nodes[model.get_absolute_url()].find(f"{SVG}rect[@class='box']")
        return float(rect.get("x")), float(rect.get("width"))

    def meta(model):
        return nodes[model.get_absolute_url()].find(f"{SVG}text[@class='meta']").text

    assert meta(root) == "7B, 13B, 33B, 65B · 2023-02"
    assert meta(wide) == "7B, 13B, 33B (Plus version) · 2023-04"
    (root_x, root_w), (wide_x, wide_w) = box(root), box(wide)
    assert root_w > family_tree.NODE_W and wide_w > family_tree.NODE_W
    assert text_width(meta(wide), 11) <= wide_w - 2 * family_tree.TEXT_INSET
    assert box(narrow) == (wide_x, wide_w)  # one column, one width
    edges = [path.get("d") for path in tree.iter(f"{SVG}path")]
    assert all(d.startswith(f"M{root_x + root_w:g},") for d in edges)
    assert float(tree.get("width")) == wide_x + wide_w + family_tree.PAD


def test_boxes_grow_only_into_the_room_the_page_has():
    """A long line of successors (GPT-1 … GPT-4) fitted a laptop's page at the narrowest
    boxes; grown to show every size whole it would not: the growth is shared out within
    PAGE_ROOM, and a tree too wide at the narrowest boxes keeps them."""
    sizes = "117M (Small), 345M (Medium), 762M (Large), 1542M (Extra Large)"
    chain = [LanguageModelFactory(name="Chain 0", parameter_sizes=sizes)]

    def drawn():
        tree = ET.fromstring(str(charts.family_tree_svg(Family.containing(chain[0]))))
        boxes = {float(rect.get("width")) for rect in tree.iter(f"{SVG}rect")}
        return float(tree.get("width")), boxes

    def longer(by):
        for _ in range(by):
            chain.append(
                LanguageModelFactory(
                    name=f"Chain {len(chain)}",
                    base_model=chain[-1],
                    relation="successor",
                    parameter_sizes=sizes,
                )
            )

    longer(3)
    width, (box,) = drawn()
    assert family_tree.NODE_W < box < family_tree.MAX_NODE_W  # grown, but not whole
    assert family_tree.PAGE_ROOM - 4 <= width <= family_tree.PAGE_ROOM
    longer(3)
    width, boxes = drawn()
    assert width > family_tree.PAGE_ROOM and boxes == {family_tree.NODE_W}


def test_growth_is_shared_out_the_least_wanted_whole():
    node_w = family_tree.NODE_W
    wants = [node_w, node_w + 32, node_w + 128]
    assert family_tree.grown(wants, 1000) == wants
    assert family_tree.grown(wants, 60) == [node_w, node_w + 30, node_w + 30]
    assert family_tree.grown(wants, 100) == [node_w, node_w + 32, node_w + 68]
    assert family_tree.grown(wants, -5) == [node_w] * 3


def test_every_months_line_is_as_wide_as_the_node_label_allows_for():
    months = {f" · {year}-{month:02d}" for year in range(1990, 2040) for month in range(1, 13)}
    assert {text_width(line, family_tree.META_SIZE) for line in months} == {family_tree.MONTH_W}


def test_fit_keeps_short_text_and_shortens_long_text():
    assert fit("GPT-4", 13, 100) == "GPT-4"
    assert fit("继续预训练继续预训练", 10, 50) == "继续预训…"
    assert fit("继续预训练继续预训练", 10, 49) == "继续预…"
    assert text_width("中文", 10) == 20


@pytest.mark.parametrize("text", ["W" * 10, "中" * 11, "Bench-0-11", "ÉÉ́ÉÉ"])
def test_fit_keeps_what_fits_as_measured_even_near_its_widest(text):
    # fit() keeps a text short enough to fit however wide its characters without
    # measuring it: it keeps the same texts as measuring them does.
    for width in (40, 52, 120, 142, 143, 144, 145, 150, 160):
        for bold in (False, True):
            kept = fit(text, 13, width, bold=bold) == text
            assert kept == (text_width(text, 13, bold=bold) <= width), (width, bold)


def test_models_of_the_same_month_and_size_are_set_side_by_side():
    day = datetime.date(2022, 10, 1)
    for name in ("U-PaLM", "Flan-PaLM", "Flan-U-PaLM"):
        LanguageModelFactory(name=name, released=day, parameters_b=540, open_weights=False)
    LanguageModelFactory(name="Other", released=datetime.date(2020, 1, 1), parameters_b=1)
    timeline = ET.fromstring(str(charts.timeline_svg(LanguageModel.objects.all())))
    circles = [(c.get("cx"), c.get("cy")) for c in timeline.iter(f"{SVG}circle")]
    assert len(set(circles)) == 4
    labels = [t.text for t in timeline.iter(f"{SVG}text") if t.get("class") == "label"]
    assert sorted(labels) == ["Flan-PaLM", "Flan-U-PaLM", "Other", "U-PaLM"]


def test_the_parameters_axis_says_its_unit_in_each_tick_alone():
    """The axis was titled "parameters (billions)" while its ticks said 100M and 10000B."""
    LanguageModelFactory(name="Small", released=datetime.date(2019, 2, 1), parameters_b=0.117)
    LanguageModelFactory(name="Large", released=datetime.date(2021, 1, 1), parameters_b=1600)
    drawing = ET.fromstring(str(charts.timeline_svg(LanguageModel.objects.all())))
    ticks = [t.text for t in drawing.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert {"100M", "1B", "10B", "100B", "1T"} <= set(ticks)
    titles = [t.text for t in drawing.iter(f"{SVG}text") if t.get("class") == "axis-title"]
    assert "parameters (log scale)" in titles
    assert not any("billion" in title for title in titles)
    sizes = [0.1, 7, 70, 1000, 1800]
    assert [timeline.parameters_tick(b) for b in sizes] == ["100M", "7B", "70B", "1T", "1.8T"]


def _chinese(text):
    return bool(re.search(r"[\u4e00-\u9fff]", text or ""))


def test_every_caption_legend_and_label_of_the_drawings_is_translated(member_client, family):
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    pages = {
        "family": member_client.get(reverse("papers:model_family"), **zh),
        "model": member_client.get(family[1].get_absolute_url(), **zh),
        "timeline": member_client.get(reverse("papers:model_timeline"), **zh),
    }
    for name, response in pages.items():
        content = response.content.decode()
        for legend in legends(content):
            for item in ET.fromstring(legend).iter("li"):
                assert _chinese("".join(item.itertext())), (name, item.get("data-kind"))
        assert _chinese(re.search(r'class="scroll-hint" hidden>([^<]*)<', content)[1]), name
        for svg in svgs(content, "family-tree") + svgs(content, "timeline"):
            root = ET.fromstring(svg)
            assert _chinese(root.get("aria-label")), name
            for text in root.iter(f"{SVG}text"):
                if text.get("class") in {"edge-label", "axis-title"}:
                    assert _chinese(text.text), (name, text.text)
            for title in root.iter(f"{SVG}title"):
                assert _chinese(title.text), (name, title.text)  # says the openness
        assert "log scale" not in content
    with translation.override("zh-hans"):
        assert str(charts.OPENNESS["unknown"]) == "开放情况未知"


def test_the_drawn_boxes_grid_answers_as_testing_every_box():
    """timeline.Drawn files boxes by grid cells (the timeline's labels are tested against
    their neighbours, not every box: 6.4 → 0.4 s for 2 000 models); it must answer what
    testing every box answers, for boxes across cells, touching, and left of zero."""
    rng = random.Random(16)
    boxes = []
    drawn = timeline.Drawn()
    for _ in range(300):
        x, y = rng.uniform(-50, 500), rng.uniform(-50, 300)
        box = (x, y, x + rng.choice([0, 5, 39.5, 40, 120]), y + rng.choice([0, 12, 40, 80]))
        boxes.append(box)
        drawn.add(box)
    for _ in range(2000):
        x, y = (
            rng.choice([rng.uniform(-60, 520), float(rng.randrange(-40, 520, 40))]),
            rng.uniform(-60, 320),
        )
        box = (x, y, x + rng.uniform(0, 90), y + rng.uniform(0, 15))
        assert drawn.overlaps(box) == any(timeline.boxes_overlap(box, b) for b in boxes)
        unless = rng.choice(boxes)
        covering = any(b != unless and b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)
        assert drawn.covers(x, y, unless=unless) == covering
    for box in boxes[:50]:  # a box's own corner is covered by it
        assert drawn.covers(box[2], box[3], unless=None)


def test_points_spread_apart_answer_as_measuring_every_distance():
    rng = random.Random(5)
    spread, points = timeline.Spread(11), []
    for _ in range(400):
        x, y = rng.uniform(-30, 300), rng.uniform(-30, 300)
        assert spread.clear(x, y) == all(math.hypot(x - px, y - py) >= 11 for px, py in points)
        if rng.random() < 0.5:
            spread.add(x, y)
            points.append((x, y))


def test_crosses_tells_a_segment_through_a_box_from_one_beside_it():
    box = (0, 0, 10, 10)
    assert timeline.crosses((-5, 5, 15, 5), box)  # straight through
    assert timeline.crosses((5, 5, 20, 20), box)  # from inside out
    assert not timeline.crosses((-5, -5, -1, 20), box)  # beside it
    assert not timeline.crosses((-5, 0, 15, 0), box)  # along an edge
    assert not timeline.crosses((10, 5, 20, 5), box)  # from an edge outwards


def test_no_leader_crosses_a_label_or_another_point_in_a_crowded_timeline():
    """Labels that find no room near their point are set further out with a leader line;
    leaders 140 px long were tested at 21 points and cut through labels' corners, and
    labels set later were set over leaders."""
    rng = random.Random(400)
    models = [
        LanguageModel(
            pk=n,
            name=f"Model-{n}-{'x' * rng.randrange(0, 10)}",
            slug=f"m{n}",
            released=datetime.date(rng.randrange(2018, 2025), rng.randrange(1, 13), 1),
            parameters_b=Decimal(rng.choice(["0.1", "1", "7", "13", "70", "175", "540", "1000"])),
            open_weights=rng.choice([True, False, None]),
        )
        for n in range(400)
    ]
    drawing = ET.fromstring(str(charts.timeline_svg(models)))
    labels = [
        timeline.label_box(float(t.get("x")), float(t.get("y")), t.get("text-anchor"), t.text)
        for t in drawing.iter(f"{SVG}text")
        if t.get("class") == "label"
    ]
    points = [
        (float(c.get("cx")), float(c.get("cy")))
        for c in drawing.iter(f"{SVG}circle")
        if c.get("r") == str(timeline.POINT_R)
    ]
    leaders = [
        tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
        for line in drawing.iter(f"{SVG}line")
        if line.get("class") == "leader"
    ]
    assert len(leaders) > 20
    r = timeline.POINT_R
    for leader in leaders:
        x1, y1, x2, y2 = leader
        # Each ends on the edge of its own label and starts on the edge of its point.
        assert [box for box in labels if timeline.crosses(leader, box)] == []
        assert [
            (x, y)
            for x, y in points
            if math.hypot(x - x1, y - y1) > r + 0.5
            and timeline.crosses(leader, (x - r, y - r, x + r, y + r))
        ] == []
