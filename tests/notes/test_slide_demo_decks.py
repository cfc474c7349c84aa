"""Every demo deck (the meeting's write-up and the notes with both texts, in one
language each and side by side): no slide ends with a label while its section goes on
on the next slide, no side-by-side slide has one column empty mid-section, and the
language switch keeps the heading."""

import re
from functools import cache

import pytest
import yaml
from django.conf import settings

from core.markdown import render
from notes.slides import build_side_by_side, build_slides, link_languages, parse
from notes.slides.build import PAIRED_WIDTH_EM
from notes.slides.fit import BODY_WIDTH_EM, _is_lead
from notes.slides.tree import text_of

FIXTURES = [
    "31_meeting.yaml",
    "40_notes_obsidian.yaml",
    "41_notes_all_about_llm.yaml",
    "42_notes_reading_list.yaml",
]


@cache
def texts(fixture):
    """[(name, zh html, en html)] of the records with both texts."""
    path = settings.BASE_DIR / "fixtures" / fixture
    found = []
    for record in yaml.safe_load(path.read_text(encoding="utf-8")):
        fields = record["fields"]
        if record["model"] in ("notes.meeting", "notes.note") and fields.get("body_zh"):
            if fields.get("body_en"):
                name = fields.get("slug") or f"meeting {fields.get('number')}"
                found.append((name, render(fields["body_zh"]), render(fields["body_en"])))
    return found


def blocks_of(body):
    return [node for node in parse(body) if node.tag is not None and node.tag != "aside"]


def labels_left_behind(slides, column, width):
    """Slides whose section goes on and that end with a label of what the next begins."""
    found = []
    for number, (slide, after) in enumerate(zip(slides, slides[1:], strict=False), start=1):
        blocks, following = blocks_of(getattr(slide, column)), blocks_of(getattr(after, column))
        if slide.part < slide.parts and blocks and following:
            if _is_lead(blocks[-1], following[0], width):
                found.append((number, text_of(blocks[-1]).strip()[:40]))
    return found


@pytest.mark.parametrize("fixture", FIXTURES)
def test_no_demo_deck_leaves_a_label_at_the_foot_of_a_slide(fixture):
    for name, zh, en in texts(fixture):
        for lang, html in (("zh", zh), ("en", en)):
            slides = build_slides(html, lang=lang)
            assert not labels_left_behind(slides, "body", BODY_WIDTH_EM), (name, lang)
        slides = build_side_by_side(zh, en)
        for column in ("body", "body_en"):
            assert not labels_left_behind(slides, column, PAIRED_WIDTH_EM), (name, column)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_no_demo_deck_has_a_column_empty_mid_section(fixture):
    for name, zh, en in texts(fixture):
        for number, slide in enumerate(build_side_by_side(zh, en), start=1):
            if slide.paired and slide.part < slide.parts:
                zh_blocks, en_blocks = blocks_of(slide.body), blocks_of(slide.body_en)
                assert bool(zh_blocks) == bool(en_blocks), (name, number)


NUMBER = re.compile(r"\s*(\d+(?:\.\d+)*)")


def heading_number(slide):
    found = NUMBER.match(text_of(parse(slide.title)[0]) if slide.title else "")
    return found.group(1) if found else None


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_demo_slide_switches_to_the_same_heading_in_the_other_language(fixture):
    """From a slide under a numbered heading ("1.1.2 研究热度统计"), the language switch
    lands under the heading of that number in the other deck (1.1.2 Research popularity
    statistics) wherever that deck has a slide of its own for it."""
    for name, zh, en in texts(fixture):
        decks = {"zh": build_slides(zh, lang="zh"), "en": build_slides(en, lang="en")}
        link_languages(decks, zh, en)
        for lang, other in (("zh", "en"), ("en", "zh")):
            numbers = {s.anchor: heading_number(s) for s in decks[other]}
            for slide in decks[lang]:
                number = heading_number(slide)
                if number in numbers.values():
                    target = numbers[slide.elsewhere[other]]
                    assert target == number, (name, lang, text_of(parse(slide.title)[0]))
