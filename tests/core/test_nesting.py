"""How deeply Markdown nests, read before rendering (core/nesting.py).

A run of 2,000 asterisks on each side of a word went past Python's recursion limit in
Python-Markdown, and lists three hundred levels deep took seconds to render: such texts
are found by one pass over their lines, fast, while what people write passes.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.nesting import (
    MAX_BLOCK_DEPTH,
    MAX_EMPHASIS_DEPTH,
    MAX_NESTING_TOTAL,
    TooDeep,
    check_nesting,
    too_deep,
)

# What the probe sent (4,001 and 99.5 K characters).
DEEP_EMPHASIS = "*" * 2000 + "x" + "*" * 2000
DEEP_LIST = "".join("- " * i + "x\n" for i in range(1, 315))
DEEP_QUOTED_LIST = "".join("> - " + "- " * i + "x\n" for i in range(1, 300))
# 32 deep on each line, 100,000 characters (BODY_LIMIT): no line too deep, and seconds
# to render; the same as a staircase, and in quotes.
NESTED_ITEMS = (("- " * 32 + "x\n") * 1516)[:100_000]
NESTED_STAIRS = ("".join("- " * i + "x\n" for i in range(1, 33)) * 92)[:100_000]
QUOTED_ITEMS = (("> - " * 16 + "x\n") * 1516)[:100_000]
FLAT_LIST = "- x\n" * 25_000  # the most items a note holds: it renders, in a second
TEN_LEVELS = "".join("    " * level + f"- level {level + 1}\n" for level in range(10))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEEP_EMPHASIS, TooDeep("emphasis", 1)),
        ("_" * 2000 + "x" + "_" * 2000, TooDeep("emphasis", 1)),
        ("*a " * 1000 + "x" + " b*" * 1000, TooDeep("emphasis", 1)),  # no run, each level
        ("intro\n\n" + "*a\n" * 100 + "b*\n" * 100, TooDeep("emphasis", 35)),  # over lines
        ("x\n" + "- *a\n" * 100 + "b*", TooDeep("emphasis", 34)),  # "- " in a paragraph
        (DEEP_LIST, TooDeep("blocks", MAX_BLOCK_DEPTH + 1)),
        (DEEP_QUOTED_LIST, TooDeep("blocks", MAX_BLOCK_DEPTH - 1)),
        ("> " * 40 + "x", TooDeep("blocks", 1)),
        (">" * 40 + "x", TooDeep("blocks", 1)),
        ("1. " * 40 + "x", TooDeep("blocks", 1)),
        ("".join("    " * level + "- x\n" for level in range(40)), TooDeep("blocks", 33)),
        ("\t" * 40 + "- x", TooDeep("blocks", 1)),
        ("1234567890. " * 60 + "x", TooDeep("blocks", 1)),  # any number of digits
        ("１２. " * 40 + "x", TooDeep("blocks", 1)),  # in any script
        (NESTED_ITEMS, TooDeep("total", 782)),  # 25,024 levels by then
        (NESTED_STAIRS, TooDeep("total", 1523)),
        (QUOTED_ITEMS, TooDeep("total", 782)),
        ("$$\n" + DEEP_EMPHASIS, TooDeep("emphasis", 2)),  # a formula never closed
        ("\\[\n" + DEEP_EMPHASIS + "\n\n\\]", TooDeep("emphasis", 2)),  # nor in its block
        ("\\begin{aligned}\n" + DEEP_EMPHASIS, TooDeep("emphasis", 2)),
        ("\\begin{aligned}\na\n\\end{aligned}\n" + DEEP_EMPHASIS, TooDeep("emphasis", 4)),
        ("\\begin{a}\nb\n\\end{b}\n" + DEEP_EMPHASIS, TooDeep("emphasis", 4)),  # not its end
    ],
    ids=[
        "asterisks", "underscores", "spaced", "lines", "paragraph", "list", "quoted list",
        "quotes", "quotes close up", "ordered", "indented", "tabs", "ten digits",
        "fullwidth digits", "nested items", "nested stairs", "quoted items", "open $$",
        "open \\[", "open begin", "closed aligned", "other end",
    ],
)  # fmt: skip
def test_too_deep_finds_the_line_where_the_text_nests_too_deeply(text, expected):
    assert too_deep(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        TEN_LEVELS,
        "> " * 10 + "- " * 10 + "x",
        "**bold *italic***, ***both***, __bold _italic___ and *a **b** c*",
        "*" * MAX_EMPHASIS_DEPTH + "x" + "*" * MAX_EMPHASIS_DEPTH,
        "- " * MAX_BLOCK_DEPTH + "x",
        "* * *\n\n" + "* " * 60 + "\n\n" + "-" * 80 + "\n\n" + "_" * 80,  # rules
        "```python\n" + "def f(*args, **kwargs):\n    return g(**kwargs)\n" * 40 + "```",
        "~~~\n" + "__init__ *p **q\n" * 40 + "~~~",
        "Code: " + "`*args` and `**kwargs`, " * 40,
        "\\begin{aligned}\n" + "a_*^* &= b_{**} \\\\\n" * 40 + "\\end{aligned}\n\nAfter *it*.",
        "$$\n" + "\\mathbf{h}_t = W_h \\mathbf{h}_{t-1} + (x)_i + {a}_*\n" * 40 + "$$",
        "Inline " + "$\\mathbf{W}_q$, $(x)_i$, " * 40,
        "Escaped " + "\\* \\_ " * 100,
        "glob: *.py " * 3 + "\n\n" + "snake_case_name " * 100,
        "中文_强调_中文 " * 100,
        "a * b * c = d " * 100,
        "> [!note] A callout\n> - a list in it\n>     - nested\n>         - deeper",
        "Rating: *****\n\n" + "5 * 3 = 15\n" * 50,
        "   \n" + " " * 10_000 + "\n\t\t\t\n",  # blank lines however long
        FLAT_LIST,
        "".join("    " * (line % 6) + f"- point {line}\n" for line in range(600)),  # an outline
        "",
    ],
)
def test_what_people_write_passes(text):
    assert too_deep(text) is None
    check_nesting(text)  # no ValidationError


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (DEEP_LIST, TooDeep("blocks", 33)),
        (DEEP_QUOTED_LIST, TooDeep("blocks", 31)),
        (("*a " * 100_000)[:100_000], TooDeep("emphasis", 1)),
        (("x\n" * 50_000)[:100_000], None),
        (("- *a\n" * 25_000)[:100_000], None),
        (("`a*b` and $c_d$ \\* x\n" * 5000)[:100_000], None),
        ("> " * 50_000, TooDeep("blocks", 1)),
        (" " * 100_000, None),
        ("".join("`" * k + "a" for k in range(1, 447)), None),
        (("$a " * 50_000)[:100_000], None),
        (NESTED_ITEMS, TooDeep("total", 782)),
        (("\\begin{a}\n" * 10_000)[:100_000], None),  # formulas that never close
        ("".join(f"\\begin{{{chr(97 + n % 26) * (n // 26 + 1)}}}\n" for n in range(5000)), None),
    ],
    ids=[
        "deep list", "quoted list", "spaced", "lines", "items", "code", "quotes", "spaces",
        "backticks", "dollars", "nested items", "open formulas", "open environments",
    ],
)  # fmt: skip
def test_the_longest_texts_are_read_in_one_pass(text, found):
    """The texts of BODY_LIMIT that cost a scan the most (its speed is shown by
    scripts/bench_nesting.py, not asserted here: no test fails on a timing)."""
    assert too_deep(text) == found


def test_check_nesting_says_why_and_where_in_the_active_language():
    with pytest.raises(ValidationError) as refused:
        check_nesting("intro\n\n" + DEEP_LIST)
    assert refused.value.code == "too_deep"
    message = refused.value.messages[0]
    assert message == (
        "This text nests lists or block quotes too deeply to be shown (more than 32 "
        "levels, at line 35): flatten that part and save again."
    )
    with translation.override("zh-hans"):
        assert too_deep(DEEP_EMPHASIS).text() == (
            "这段文字的强调标记（* 或 _）嵌套太深，无法显示（超过 32 层，见第 1 行）："
            "请删掉一些星号或下划线后再保存。"
        )
        assert too_deep(DEEP_LIST).text().startswith("这段文字的列表或引用嵌套太深")
        assert too_deep(NESTED_ITEMS).text() == (
            "这段文字嵌套的列表项或引用太多，无法显示（到第 782 行，各层合计已超过 25,000 层）："
            "请把一些列表改平，或把文字拆开，然后再保存。"
        )


def test_the_levels_of_list_items_add_up_to_a_limit():
    """Rendering a list costs about as much for each level of each item: the levels add
    up to MAX_NESTING_TOTAL at most, as many as a flat list of BODY_LIMIT has."""
    assert MAX_NESTING_TOTAL == 25_000
    assert too_deep("- " * 32 + "x\n" + "- x\n" * (MAX_NESTING_TOTAL - 32)) is None
    over = too_deep("- " * 32 + "x\n" + "- x\n" * (MAX_NESTING_TOTAL - 31))
    assert over == TooDeep("total", MAX_NESTING_TOTAL - 30)
    assert over.text() == (
        "This text has too many nested list items or quotes to be shown (their levels add up "
        f"to more than 25,000 by line {MAX_NESTING_TOTAL - 30}): flatten some of its lists, "
        "or split it, and save again."
    )
    # Quotes, indented and lazy lines render fast: only lines that begin items count.
    assert too_deep("> " * 32 + "x\n" + ("> " * 32 + "y\n") * 1600) is None
