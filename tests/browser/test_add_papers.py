"""Adding papers as a member does it: paste, preview, confirm; at a laptop's and a
phone's width, in English and Chinese, against recorded arXiv and doi.org answers."""

import pytest

from papers.models import Paper
from tests.browser.conftest import click_and_load, login, screenshot
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("width", "language"), [(1280, "en"), (390, "zh-hans"), (1280, "zh-hans"), (390, "en")]
)
def test_paste_preview_confirm(page, member, recorded_services, width, language):
    existing = PaperFactory(arxiv_id="1706.03762", title_en="Attention Is All You Need")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, member, next_url="/papers/")
    if language != "en":
        click_and_load(page, ".language-switch button[value=zh-hans]")
    click_and_load(page, "a.paper-list-actions")
    # Each label above its field: "or upload a .bib file" touched its file input.
    for name in ("entries", "bibfile"):
        label = page.locator(f"label[for=id_{name}]").bounding_box()
        field = page.locator(f"[name={name}]").bounding_box()
        assert field["y"] >= label["y"] + label["height"], name
    page.fill("textarea[name=entries]", "2303.18223v15\n1706.03762\nhep-th/9711200\nnonsense")
    click_and_load(page, "button[name=preview]")
    rows = page.locator(".import-table tbody tr")
    assert rows.count() == 4
    assert rows.nth(0).locator(".badge.status-new").is_visible()
    assert rows.nth(1).locator(f"a[href='{existing.get_absolute_url()}']").is_visible()
    assert rows.nth(3).locator(".error").is_visible()
    assert page.locator("textarea[name=entries]").input_value().startswith("2303.18223v15")
    # Nothing sticks out of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"add-papers-preview-{language}-{width}")
    rows.nth(2).locator("input[name=chosen]").uncheck()
    click_and_load(page, "button[name=confirm]")
    assert page.locator(".message.success").is_visible()
    assert list(Paper.objects.exclude(pk=existing.pk).values_list("arxiv_id", flat=True)) == [
        "2303.18223"
    ]
    click_and_load(page, ".import-added a")
    assert page.locator("h1").inner_text().startswith("A Survey of Large Language Models")
    screenshot(page, f"add-papers-done-{language}-{width}")
