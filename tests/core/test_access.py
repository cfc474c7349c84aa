import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(member):
    meeting = MeetingFactory()
    MembershipFactory(group=meeting.group, user=member)
    paper = PaperFactory()
    note = NoteFactory(author=member, paper=paper)
    return [
        "/",
        reverse("reading:paper_list"),
        paper.get_absolute_url(),
        reverse("papers:model_list"),
        reverse("papers:model_family"),
        reverse("papers:model_timeline"),
        LanguageModelFactory().get_absolute_url(),
        reverse("papers:dataset_list"),
        reverse("papers:taxonomy"),
        DatasetFactory().get_absolute_url(),
        meeting.group.get_absolute_url(),
        meeting.get_absolute_url(),
        note.get_absolute_url(),
        reverse("notes:my_notes"),
        reverse("notes:note_create"),
        reverse("notes:glossary"),
        reverse("notes:readinglist_list"),
    ]


def test_every_page_requires_login(client, pages):
    for url in pages:
        response = client.get(url)
        assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


def test_every_page_answers_a_member(member_client, pages):
    for url in pages:
        assert member_client.get(url).status_code == 200, url


def test_login_page_is_public(client):
    response = client.get(reverse("login"))
    assertContains(response, 'name="password"')


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"] or "/admin/login/" in response["Location"]


def test_login_then_home(client, member):
    response = client.post(
        reverse("login"),
        {"username": member.username, "password": "correct horse battery staple"},
    )
    assertRedirects(response, reverse("reading:home"))


def test_logout_is_post_only(member_client):
    assert member_client.get(reverse("logout")).status_code == 405
    assertRedirects(member_client.post(reverse("logout")), reverse("login"))


def test_static_files_need_no_login(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
