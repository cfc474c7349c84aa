"""Bad requests and a lost database get a clear page, not a trace (core/middleware.py)."""

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def boom(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_down_in_a_view_gives_the_503_page(member_client, monkeypatch):
    monkeypatch.setattr("reading.views.PaperListView.get_queryset", boom)
    response = member_client.get(reverse("reading:paper_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/search/?q=ab%00cd", "/papers/?q=a%00b", "/papers/?topic=a%00", "/notes/new/?paper=a%00"],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 400
    assert response.content.decode() == "The address contains a NUL character."
