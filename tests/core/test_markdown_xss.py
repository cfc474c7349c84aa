"""Every payload of the corpus through the Markdown renderer: nothing that can run survives.

The same corpus is rendered on real pages in headless Chromium in
tests/browser/test_security.py.
"""

import pytest

from core.markdown import render

from .xss_payloads import load_payloads, problems_in

PAYLOADS = load_payloads()


def test_corpus_has_at_least_a_hundred_payloads():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_without_script(payload):
    assert problems_in(render(payload)) == []


def test_all_payloads_together_render_without_script():
    assert problems_in(render("\n\n".join(PAYLOADS))) == []


def test_checker_catches_what_it_looks_for():
    rendered = (
        '<script>x</script><img src="x" onerror="y">'
        '<a href=" JaVa&#10;script:alert(1)">a</a><a href="data:text/html,x">b</a>'
    )
    assert problems_in(rendered) == [
        "tag <script>",
        "handler onerror on <img>",
        "href=' JaVa\\nscript:alert(1)' on <a>",
        "href='data:text/html,x' on <a>",
    ]


def test_safe_markdown_survives():
    rendered = render("[arXiv](https://arxiv.org/abs/2303.18223) and $x^2$")
    assert 'href="https://arxiv.org/abs/2303.18223"' in rendered
    assert '<span class="arithmatex">' in rendered
