import pytest

from api.models import ApiToken


@pytest.fixture
def token_for(db):
    """Make a token for the user; return the headers that send it."""

    def make(user, scope=ApiToken.Scope.WRITE):
        _token, secret = ApiToken.issue(user, "test", scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def api_as(client, token_for):
    """A client bound to a token of the user: api_as(user).get(path) …"""

    class Caller:
        def __init__(self, headers):
            self.headers = headers

        def get(self, path, **extra):
            return client.get(f"/api/v1{path}", **self.headers, **extra)

        def post(self, path, data=None, **extra):
            return client.post(
                f"/api/v1{path}", data, content_type="application/json", **self.headers, **extra
            )

        def patch(self, path, data=None, **extra):
            return client.patch(
                f"/api/v1{path}", data, content_type="application/json", **self.headers, **extra
            )

        def put(self, path, data=None, **extra):
            return client.put(
                f"/api/v1{path}", data, content_type="application/json", **self.headers, **extra
            )

        def delete(self, path, **extra):
            return client.delete(f"/api/v1{path}", **self.headers, **extra)

    def bind(user, scope=ApiToken.Scope.WRITE):
        return Caller(token_for(user, scope))

    return bind
