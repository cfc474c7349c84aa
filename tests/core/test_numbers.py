"""Whole numbers from requests are read one way (core.numbers): ASCII digits, no longer
than a database column holds. A longer id in an address or a form, or a digit that
str.isdigit() takes but int() does not ("²"), is a page not found or an ignored value,
never a 500 (SQLite raised OverflowError for an id of 23 digits)."""

import pytest
from django.urls import reverse

from core.numbers import whole
from notes.feeds import token_for
from tests.factories import MeetingFactory, PaperFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 23


@pytest.mark.parametrize(
    ("value", "read"),
    [("12", 12), ("0", 0), ("9" * 18, int("9" * 18)), ("9" * 19, None), ("", None)]
    + [("²", None), ("１", None), ("-3", None), ("1.5", None), (" 7", None), (None, None)],
)
def test_whole(value, read):
    assert whole(value) == read


def test_a_longer_digit_count_can_be_asked_for():
    assert whole("1" * 30, digits=40) == int("1" * 30)


@pytest.mark.parametrize(
    "path",
    [
        "/groups/{group}/meetings/" + HUGE + "/",
        "/groups/{group}/meetings/" + HUGE + "/present/",
        "/groups/{group}/meetings/" + HUGE + "/calendar.ics",
        "/calendars/" + HUGE + "-x/meetings.ics",
        "/feeds/" + HUGE + "-x/notes/",
        "/api/tokens/" + HUGE + "/revoke/",
    ],
)
def test_an_id_too_long_for_a_column_is_a_page_not_found(member_client, group, path):
    MeetingFactory(group=group)
    response = member_client.get(path.format(group=group.slug))
    assert response.status_code == 404


def test_a_token_naming_a_member_by_another_digit_is_a_page_not_found(client, member):
    token = token_for(member)
    pk, _sep, signature = token.partition("-")
    assert pk.isdigit()
    response = client.get(reverse("notes:notes_feed", args=[f"{pk}²-{signature}"]))
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["²", "１", HUGE, "-" + HUGE])
def test_a_page_number_of_odd_digits_shows_a_page(member_client, page):
    PaperFactory.create_batch(3)
    response = member_client.get(reverse("reading:paper_list"), {"page": page})
    assert response.status_code == 200


def test_a_status_set_ignores_progress_ids_that_are_no_ids(member_client, group):
    paper = PaperFactory()
    response = member_client.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": "reading", "progress": ["²", HUGE, str(group.pk)], "list": HUGE},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert list(response.json()["progress"]) == [str(group.pk)]
