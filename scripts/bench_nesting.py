"""How long core.nesting's check takes on the texts that cost it the most, next to
rendering them (what the check spares the server): prints milliseconds per text.

    .venv/bin/python scripts/bench_nesting.py

The texts are those of tests/core/test_nesting.py, each as long as a note may be
(notes.forms.BODY_LIMIT). Not a test: no test fails on a timing.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from core.markdown import render  # noqa: E402
from core.nesting import too_deep  # noqa: E402

TEXTS = {
    "deep list": "".join("- " * i + "x\n" for i in range(1, 315)),
    "spaced emphasis": ("*a " * 100_000)[:100_000],
    "lines": ("x\n" * 50_000)[:100_000],
    "list items": ("- *a\n" * 25_000)[:100_000],
    "code and formulas": ("`a*b` and $c_d$ \\* x\n" * 5000)[:100_000],
    "quotes": "> " * 50_000,
    "backticks": "".join("`" * k + "a" for k in range(1, 447)),
    # Within the depth limit on each line, as many levels in all as fit:
    "nested items": (("- " * 32 + "x\n") * 1516)[:100_000],
    "nested stairs": ("".join("- " * i + "x\n" for i in range(1, 33)) * 92)[:100_000],
    "quoted items": (("> - " * 16 + "x\n") * 1516)[:100_000],
    "flat list": "- x\n" * 25_000,  # what any list-heavy note may cost
    "ten digits": "".join("1234567890. " * i + "x\n" for i in range(1, 129)),
    "open formulas": ("\\begin{a}\n" * 10_000)[:100_000],
    # The most accepted, under MAX_NESTING_TOTAL:
    "nested items, most": ("- " * 32 + "x\n") * 781,
    "two deep, most": "- - x\n" * 12_500,
    "quoted items, most": ("> - " * 16 + "x\n") * 781,
}


def best_of(runs, work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main():
    print(f"{'text':20s} {'chars':>8s} {'check ms':>9s} {'render ms':>10s}  found")
    for name, text in TEXTS.items():
        check = best_of(5, lambda text=text: too_deep(text))
        found = too_deep(text)
        shown = best_of(1, lambda text=text: render(text)) if found is None else float("nan")
        print(f"{name:20s} {len(text):8d} {check:9.1f} {shown:10.1f}  {found}")


if __name__ == "__main__":
    main()
