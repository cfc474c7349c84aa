"""static/css/admin.css keeps every choice column of the admin's change lists from
breaking its labels inside a word (已安排 as 已安 / 排): the rule names each of them."""

import re

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist


def choice_columns():
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_list_display(None):
            if not isinstance(name, str):
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if getattr(field, "choices", None):
                yield name


def test_every_choice_column_keeps_its_words_whole():
    css = (settings.BASE_DIR / "static" / "css" / "admin.css").read_text()
    rule = re.search(r"((?:#result_list \.field-[\w-]+,?\s*)+)\{\s*word-break: keep-all;", css)
    assert rule, "no keep-all rule for the choice columns"
    named = set(re.findall(r"\.field-([\w-]+)", rule[1]))
    columns = set(choice_columns())
    assert columns, "no change list shows a field with choices"
    assert columns <= named, sorted(columns - named)


def small_first_selectors():
    """The selectors that must keep a name of SMALL_FIRST as written: the change-list
    column of each field whose heading begins with one, and the add button of each model
    whose name does."""
    from django.contrib.admin.utils import label_for_field

    from core.adminsite import SMALL_FIRST

    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_list_display(None):
            if str(label_for_field(name, model, model_admin)).startswith(SMALL_FIRST):
                yield f"#result_list thead th.column-{name}"
        if str(model._meta.verbose_name).startswith(SMALL_FIRST):
            yield f".model-{model._meta.model_name}.change-list .object-tools a.addlink"


def test_every_heading_and_button_of_arxiv_keeps_its_small_a():
    """Django's admin writes column headings and buttons in capitals: "ARXIV ID"."""
    css = (settings.BASE_DIR / "static" / "css" / "admin.css").read_text()
    rule = re.search(r"([^{}]*)\{\s*text-transform: none;\s*\}", css)
    assert rule, "no rule keeps the names' case"
    named = {selector.strip() for selector in rule[1].split("*/")[-1].split(",")}
    wanted = set(small_first_selectors())
    assert "#result_list thead th.column-arxiv_id" in wanted
    assert wanted <= named, sorted(wanted - named)
