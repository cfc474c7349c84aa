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
