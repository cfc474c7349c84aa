"""The control characters a text may not hold (core/controls.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.xmlutils import SimplerXMLGenerator

from core.controls import check_controls


@pytest.mark.parametrize("code", [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
def test_what_xml_has_no_place_for_is_refused(code):
    text = f"before{chr(code)}after"
    with pytest.raises(ValueError, match="Control characters"):  # Django's feed writer
        SimplerXMLGenerator().characters(text)
    with pytest.raises(ValidationError) as refused:
        check_controls(text)
    assert f"U+{code:04X}, line 1" in refused.value.messages[0]


def test_tabs_line_ends_and_other_signs_are_text():
    check_controls("a\tb\nc\r\nd \x7f é 中文 \u200b")
    check_controls(["Prompting", "RL"])


def test_nul_is_left_to_djangos_own_check_and_its_message():
    check_controls("a\x00b")


def test_a_list_of_topics_is_read_name_by_name():
    with pytest.raises(ValidationError, match=r"U\+001B"):
        check_controls(["Prompting", "R\x1bL"])
