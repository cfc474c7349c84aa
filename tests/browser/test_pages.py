import pytest

from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import MeetingFactory, MembershipFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_redirects_back_and_shows_home(page, member):
    page.goto("/papers/")
    assert "/accounts/login/" in page.url
    login(page, member, next_url="/papers/")
    assert page.url.endswith("/papers/")
    assert page.locator("h1").first.inner_text().startswith("Papers")


def test_meeting_formulas_are_typeset(page, member):
    meeting = MeetingFactory(
        body_zh=(
            "## 规模定律\n\n$$L(N)=\\left(\\frac{N_c}{N}\\right)^{\\alpha_N}$$\n\n行内 $D_c$ 公式。"
        )
    )
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=meeting.get_absolute_url())
    page.wait_for_selector(".katex-display")
    assert page.locator(".katex-display").count() == 1
    assert page.locator(".katex").count() >= 2
    screenshot(page, "meeting-formulas")


def test_a_broken_formula_shows_its_source_as_an_error_without_delimiters(page, member):
    """Braces that do not match hid the closing delimiter from auto-render: a browser
    walk found the formula's text with its \\( \\) left on the page. And KaTeX's own
    error output sets a style attribute, which the CSP refuses (the page fixture fails
    a test on any console error)."""
    paper = PaperFactory()
    NoteFactory(
        paper=paper,
        author=member,
        body_en="Broken: $\\frac{1}{2$ and fine: $x^2$.\n\n$$\\sum_{i=1$$",
    )
    login(page, member, next_url=paper.get_absolute_url())
    page.wait_for_selector(".arithmatex.katex-error")
    errors = page.locator(".arithmatex.katex-error")
    assert errors.count() == 2
    assert errors.first.inner_text() == "\\frac{1}{2"
    assert "KaTeX parse error" in errors.first.get_attribute("title")
    assert page.locator(".arithmatex .katex").count() >= 1  # x^2
    text = page.locator(".note-body, .markdown").first.inner_text()
    assert "\\(" not in text and "\\[" not in text
    screenshot(page, "broken-formula")


def test_an_abstract_as_arxiv_writes_it_has_its_tex_typeset(page, member):
    """$…$ in an imported abstract is TeX (a browser walk found "the large $N$ limit"
    shown with its dollars); in a note's Markdown it already was."""
    paper = PaperFactory(summary_en="We show that the large $N$ limit of $U(N)$ theories holds.")
    login(page, member, next_url=paper.get_absolute_url())
    page.wait_for_selector(".tex-text .katex")
    assert page.locator(".tex-text .katex").count() == 2
    assert "$" not in page.locator(".tex-text section.side-en").inner_text()


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (390, "zh-hans")])
def test_search_snippets_typeset_their_formulas_inline(page, member, width, language):
    """A browser walk found a snippet's formula shown as its source, cut in the middle,
    or as a display block amid the line; and an abstract's $…$ left as written."""
    NoteFactory(
        title_en="Attention",
        body_zh="",
        body_en=(
            "Weights come from a softmax:\n\n"
            "$$\\text{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n\n"
            "then the loss $\\mathcal{L} = -\\sum_t \\log p(x_t \\mid x_{<t})$ is summed."
        ),
    )
    PaperFactory(summary_en="The softmax of the large $N$ limit of $U(N)$ theories holds.")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, member, next_url="/search/?q=softmax")
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    page.wait_for_selector(".search-snippet .katex")
    snippets = page.locator(".search-snippet")
    assert snippets.count() == 2
    assert page.locator(".search-snippet .katex").count() == 4
    assert page.locator(".search-snippet .katex-display, .search-snippet .katex-error").count() == 0
    assert page.locator(".search-snippet mark").all_inner_texts() == ["softmax", "softmax"]
    for text in snippets.all_inner_texts():
        assert "\\(" not in text and "\\[" not in text and "$" not in text
    # On the line (a long one may wrap at its "="): no taller than two lines of text.
    heights = page.eval_on_selector_all(
        ".search-snippet .katex",
        "els => els.flatMap(el => Array.from(el.getClientRects(), r => r.height))",
    )
    line = page.eval_on_selector(
        ".search-snippet", "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert max(heights) < 2 * line, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"search-formulas-{language}-{width}")


def test_reading_switch_hides_the_other_language(page, member):
    paper = PaperFactory()
    NoteFactory(paper=paper, body_zh="中文正文", body_en="English body")
    login(page, member, next_url=paper.get_absolute_url())
    page.click(".reading-switch button[data-reading=en]")
    assert page.locator(".side-zh").first.is_hidden()
    assert page.locator(".side-en").first.is_visible()
    page.reload()
    assert "reading-en" in page.locator("body").get_attribute("class")
    assert page.locator(".side-zh").first.is_hidden()


def test_family_tree_and_timeline_are_drawn(page, member):
    from tests.factories import LanguageModelFactory

    llama = LanguageModelFactory(name="LLaMA", parameters_b=65)
    LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    LanguageModelFactory(name="GPT-3", parameters_b=175, open_weights=False)
    login(page, member, next_url="/models/family/")
    tree = page.locator("svg.family-tree").first
    assert tree.bounding_box()["width"] > 300
    assert page.locator("svg.family-tree .node").count() == 2
    assert page.locator("svg.family-tree .edge-label").first.text_content() == "instruction tuning"
    screenshot(page, "family-tree")
    page.goto("/models/timeline/")
    assert page.locator("svg.timeline circle").count() == 3  # the legend is outside the SVG
    assert page.locator(".chart-legend circle").count() == 3  # open, closed, unknown
    assert page.locator("svg.timeline .point.closed").count() == 1
    screenshot(page, "timeline")


def test_language_switch_translates_the_interface(page, member):
    login(page, member)
    assert page.locator(".main-nav a").first.inner_text() == "Papers"
    click_and_load(page, ".language-switch button[value=zh-hans]")
    assert page.locator(".main-nav a").first.inner_text() == "论文"
    page.goto("/papers/")
    assert page.locator("h1").first.inner_text().startswith("论文")
    screenshot(page, "papers-zh")
