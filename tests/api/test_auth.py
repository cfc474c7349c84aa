"""Who may call the API: tokens (hashed, scoped, revocable) and the session."""

import pytest
from django.contrib.auth.models import AnonymousUser

from api.models import ApiToken, digest
from tests.factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db

# The 401's words, whatever the reason (it said "Unauthorized", in English alone).
UNAUTHORIZED = {"detail": "Log in, or send a valid API token."}


def test_token_is_stored_as_its_digest_only(user):
    token, secret = ApiToken.issue(user, "bot", ApiToken.Scope.READ)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("rg_") and len(secret) > 40
    assert stored.secret_hash == digest(secret)
    assert secret not in {stored.prefix, stored.secret_hash, stored.name}
    assert stored.prefix == secret[:11]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer rg_nosuchtoken",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer " + "x" * 5000,
        "Bearer \u4e2d\u6587",
    ],
)
def test_bad_tokens_get_401_without_a_hint(client, user, header):
    response = client.get("/api/v1/papers", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_inactive_tokens_answer_like_unknown_ones(client, user):
    token, secret = ApiToken.issue(user, "bot", ApiToken.Scope.READ)
    assert client.get("/api/v1/papers", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.revoke()
    revoked = client.get("/api/v1/papers", HTTP_AUTHORIZATION=f"Bearer {secret}")
    other = UserFactory(is_active=False)
    _token, inactive_secret = ApiToken.issue(other, "bot", ApiToken.Scope.READ)
    inactive = client.get("/api/v1/papers", HTTP_AUTHORIZATION=f"Bearer {inactive_secret}")
    unknown = client.get("/api/v1/papers", HTTP_AUTHORIZATION="Bearer rg_unknown")
    assert revoked.status_code == inactive.status_code == unknown.status_code == 401
    assert revoked.content == inactive.content == unknown.content


def test_no_credentials_get_401_not_the_login_page(client, db):
    response = client.get("/api/v1/notes")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_a_bad_token_is_refused_even_beside_a_session(client, user):
    client.force_login(user)
    response = client.get("/api/v1/papers", HTTP_AUTHORIZATION="Bearer rg_wrong")
    assert response.status_code == 401


def test_the_session_reads_and_writes_need_csrf(user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/papers").status_code == 200
    body = {"title_en": "From the browser", "visibility": "private"}
    refused = browser.post("/api/v1/notes", body, content_type="application/json")
    assert refused.status_code == 403
    browser.get("/api/tokens/")  # sets the CSRF cookie, as any page does
    csrf = browser.cookies["csrftoken"].value
    made = browser.post(
        "/api/v1/notes", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert made.status_code == 201
    assert made.json()["title_en"] == "From the browser"


def test_read_only_token_cannot_write(api_as, user):
    note = NoteFactory(author=user, visibility="private")
    reader = api_as(user, ApiToken.Scope.READ)
    assert reader.get(f"/notes/{note.slug}").status_code == 200
    created = reader.post("/notes", {"title_en": "x", "visibility": "private"})
    edited = reader.patch(f"/notes/{note.slug}", {"title_en": "y", "revision": note.revision})
    deleted = reader.delete(f"/notes/{note.slug}")
    assert [created.status_code, edited.status_code, deleted.status_code] == [403, 403, 403]
    assert created.json() == {"detail": "This token may only read."}
    note.refresh_from_db()
    assert note.title_en != "y"


def test_token_acts_as_its_member_and_stamps_last_use(api_as, user):
    note = NoteFactory(author=user, visibility="private")
    response = api_as(user).get("/notes?mine=true")
    assert [n["slug"] for n in response.json()["items"]] == [note.slug]
    assert ApiToken.objects.get().last_used is not None


def test_openapi_document_needs_a_member_and_docs_need_a_login(client, user, token_for):
    for headers in [{}, {"HTTP_AUTHORIZATION": "Bearer rg_nosuchtoken"}]:
        refused = client.get("/api/v1/openapi.json", **headers)
        assert (refused.status_code, refused.json()) == (401, UNAUTHORIZED)
    assert client.get("/api/v1/openapi.json", **token_for(user)).status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    client.force_login(user)
    assert client.get("/api/v1/docs").status_code == 200


def test_anonymous_user_is_never_authenticated(rf):
    from api.auth import SessionAuth

    request = rf.get("/api/v1/papers")
    request.user = AnonymousUser()
    assert SessionAuth().authenticate(request, None) is None


def test_unknown_addresses_answer_json_404(client, token_for, user):
    response = client.get("/api/v1/no/such/thing", **token_for(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert client.get("/api/v1/no/such/thing").status_code == 404


def test_a_caller_the_api_does_not_know_in_chinese(client, user):
    """Awaits "Log in, or send a valid API token." in the catalogue."""
    chinese = {"detail": "请登录，或发送有效的 API 令牌。"}
    for path, headers in [
        ("/api/v1/notes", {}),
        ("/api/v1/papers", {"HTTP_AUTHORIZATION": "Bearer rg_nosuchtoken"}),
        ("/api/v1/openapi.json", {}),
    ]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)
        assert (response.status_code, response.json()) == (401, chinese), path
