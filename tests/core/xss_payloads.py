"""The hostile-input corpus in xss_payloads.txt, and a checker for rendered HTML."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from core.markdown import TAGS

CORPUS = Path(__file__).with_name("xss_payloads.txt")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "background", "poster"}
# How a browser reads a URL: C0 controls and spaces trimmed, tabs and newlines dropped.
TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def load_payloads():
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.replace("⏎", "\n") for line in lines if line and not line.startswith(";;")]


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name} on <{tag}>")
            if name in {"style", "srcdoc", "formaction", "xlink:href"}:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                url = TAB_OR_NEWLINE.sub("", html.unescape(value)).strip(
                    "".join(map(chr, range(33)))
                )
                url = url.lower()
                if url.startswith(UNSAFE_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def problems_in(rendered):
    """Return what in the HTML could run script: unknown tags, handlers, unsafe URLs."""
    checker = _Checker()
    checker.feed(rendered)
    checker.close()
    return checker.problems
