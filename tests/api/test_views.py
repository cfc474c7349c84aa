"""The API tokens page: make, name, scope and revoke; the secret shown once."""

import pytest
from django.urls import reverse

from api.models import ApiToken, digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_page_needs_a_login(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_make_a_token_shows_its_secret_once(member_client, member):
    response = member_client.post(reverse("api:tokens"), {"name": "Zotero", "scope": "read"})
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (member, "Zotero", "read")
    assert token.secret_hash == digest(secret)
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = member_client.get(reverse("api:tokens")).content.decode()
    assert secret not in again
    assert token.prefix in again and "Zotero" in again


def test_the_token_made_on_the_page_reads_the_api(member_client, client):
    response = member_client.post(reverse("api:tokens"), {"name": "bot", "scope": "write"})
    secret = response.context["secret"]
    client.logout()
    from django.test import Client

    answer = Client().get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200


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


def test_my_notes_links_to_the_tokens_page(member_client):
    page = member_client.get(reverse("notes:my_notes")).content.decode()
    assert reverse("api:tokens") in page
