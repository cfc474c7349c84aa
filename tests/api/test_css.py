"""static/css/site.css keeps a long token name without spaces (and the message that names
it when it is revoked) from widening the tokens page on a phone: they wrap anywhere."""

import re

from django.conf import settings
from django.urls import reverse

from api.models import ApiToken

SITE_CSS = settings.BASE_DIR / "static" / "css" / "site.css"


def rule(selector):
    """The declarations of the rule for exactly this selector."""
    css = SITE_CSS.read_text()
    found = re.search(rf"(?:^|\}})\s*{re.escape(selector)}\s*\{{([^}}]*)\}}", css, re.M)
    assert found, f"no rule for {selector}"
    return found[1]


def test_a_long_token_name_wraps(member_client, member):
    assert "overflow-wrap: anywhere" in rule(".token-list .token-name")
    # The row's flex item may shrink below its longest word's width.
    assert "min-width: 0" in rule(".token-list .token-row > div:first-child")
    ApiToken.issue(member, "x" * 100, "read")
    page = member_client.get(reverse("api:tokens")).content.decode()
    assert f'<strong class="token-name">{"x" * 100}</strong>' in page


def test_a_message_that_names_it_wraps_too():
    assert "overflow-wrap: anywhere" in rule(".message")
