import pytest

from tests.browser.conftest import login, screenshot
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
        writeup_zh=(
            "## 规模定律\n\n$$L(N)=\\left(\\frac{N_c}{N}\\right)^{\\alpha_N}$$\n\n行内 $D_c$ 公式。"
        )
    )
    MembershipFactory(group=meeting.group, user=member)
    login(page, member, next_url=meeting.get_absolute_url())
    page.wait_for_selector(".katex-display")
    assert page.locator(".katex-display").count() == 1
    assert page.locator(".katex").count() >= 2
    screenshot(page, "meeting-formulas")


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
