"""The API tokens page: make, name, scope and revoke; the secret shown once."""

import pytest
from django.urls import reverse

from api.forms import MAX_TOKENS
from api.models import ApiToken, digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_page_needs_a_login(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def make(client, name="Zotero", scope="read"):
    """Post the form; return the secret shown on the page the POST redirects to."""
    response = client.post(reverse("api:tokens"), {"name": name, "scope": scope})
    assert response.status_code == 302
    assert response["Location"] == reverse("api:tokens")
    return client.get(response["Location"]).context["secret"]


def test_making_a_token_redirects_so_a_reload_makes_nothing(member_client, member):
    response = member_client.post(reverse("api:tokens"), {"name": "Zotero", "scope": "read"})
    assert response.status_code == 302
    assert response["Location"] == reverse("api:tokens")
    assert "no-store" in response["Cache-Control"]
    assert "rg_" not in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (member, "Zotero", "read")
    for _ in range(2):  # reloading the page it led to is a GET: nothing new
        assert member_client.get(response["Location"]).status_code == 200
    assert ApiToken.objects.count() == 1


def test_the_page_after_the_redirect_shows_the_secret_once(member_client):
    response = member_client.post(reverse("api:tokens"), {"name": "Zotero", "scope": "write"})
    shown = member_client.get(response["Location"])
    secret = shown.context["secret"]
    token = ApiToken.objects.get()
    assert secret.startswith("rg_") and token.secret_hash == digest(secret)
    assert secret in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    session = member_client.session
    assert secret not in repr(dict(session.items()))  # gone from the session once shown
    again = member_client.get(reverse("api:tokens"))
    assert again.context["secret"] is None
    assert secret not in again.content.decode()
    assert token.prefix in again.content.decode() and "Zotero" in again.content.decode()


def test_a_secret_is_shown_only_to_its_member(client, member):
    client.force_login(member)
    client.post(reverse("api:tokens"), {"name": "Zotero", "scope": "read"})
    other = UserFactory()
    client.force_login(other)  # a new session for another member: nothing carried over
    assert client.get(reverse("api:tokens")).context["secret"] is None


def test_a_secret_is_not_shown_once_its_token_is_revoked(member_client):
    member_client.post(reverse("api:tokens"), {"name": "Zotero", "scope": "read"})
    ApiToken.objects.get().revoke()
    page = member_client.get(reverse("api:tokens"))
    assert page.context["secret"] is None
    assert "rg_" not in repr(dict(member_client.session.items()))


def test_the_token_made_on_the_page_reads_the_api(member_client, client):
    secret = make(member_client, "bot", "write")
    client.logout()
    from django.test import Client

    answer = Client().get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200


@pytest.mark.parametrize("name", ["Zotero 同步", "zotero 同步", "  Zotero 同步 "])
def test_a_second_live_token_of_the_same_name_is_refused(member_client, member, name):
    make(member_client, "Zotero 同步")
    response = member_client.post(reverse("api:tokens"), {"name": name, "scope": "write"})
    assert response.status_code == 200
    assert response.context["form"].has_error("name", "duplicate")
    page = response.content.decode()
    assert "You already have a token of this name" in page
    assert f'value="{name}"' in page  # the input is kept, to edit
    assert response.context["secret"] is None
    assert ApiToken.objects.of(member).count() == 1


def test_a_revoked_tokens_name_may_be_used_again(member_client, member):
    old, _ = ApiToken.issue(member, "Zotero 同步", "read")
    old.revoke()
    assert make(member_client, "Zotero 同步")
    assert ApiToken.objects.of(member).active().get().name == "Zotero 同步"


def test_another_members_token_of_the_same_name_is_no_matter(member_client, member):
    ApiToken.issue(UserFactory(), "Zotero", "read")
    assert make(member_client, "Zotero")
    assert ApiToken.objects.of(member).count() == 1


def test_the_number_of_live_tokens_is_limited(member_client, member):
    for number in range(MAX_TOKENS):
        ApiToken.issue(member, f"tool {number}", "read")
    response = member_client.post(reverse("api:tokens"), {"name": "one more", "scope": "read"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"You have {MAX_TOKENS} tokens; revoke one you no longer use first."
    ]
    assert ApiToken.objects.of(member).count() == MAX_TOKENS
    ApiToken.objects.of(member).first().revoke()
    assert make(member_client, "one more")


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": "", "scope": "read"}, "name"), ({"name": "x", "scope": "admin"}, "scope")],
)
def test_bad_input_is_refused_with_a_message(member_client, data, field):
    response = member_client.post(reverse("api:tokens"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_revoke_only_ones_own_token(member_client, member):
    mine, _ = ApiToken.issue(member, "mine", "read")
    theirs, _ = ApiToken.issue(UserFactory(), "theirs", "read")
    assert member_client.post(reverse("api:token_revoke", args=[theirs.pk])).status_code == 404
    response = member_client.post(reverse("api:token_revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked is not None and theirs.revoked is None
    page = member_client.get(response["Location"]).content.decode()
    assert "The token “mine” is revoked." in page


def test_my_notes_links_to_the_tokens_page(member_client):
    page = member_client.get(reverse("notes:my_notes")).content.decode()
    assert reverse("api:tokens") in page
