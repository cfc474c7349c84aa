"""Who calls the API: a personal token (``Authorization: Bearer …``) or the browser's
session (with Django's CSRF check on writes). Either way ``request.user`` is the
member, so every read and write goes through the site's own rules for them."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken


class TokenAuth(HttpBearer):
    """A personal API token. A token that is unknown, revoked or of an inactive member
    is refused with 401 and the same words, whatever the reason."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError()
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        found = ApiToken.authenticate(token)
        if found is None:
            raise AuthenticationError()
        request.user = found.user
        request.api_token = found
        return found


class SessionAuth(APIKeyCookie):
    """The browser's login; writes need the CSRF token, as the site's forms do."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        # csrf=True also makes the interactive docs send the CSRF token.
        super().__init__(csrf=True)

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS"} and check_csrf(request):
            raise HttpError(403, str(_("The CSRF token is missing or wrong.")))
        request.api_token = None
        return request.user


def require_write(request):
    """Refuse a write made with a read-only token (403)."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.may_write:
        raise HttpError(403, str(_("This token may only read.")))


AUTH = [TokenAuth(), SessionAuth()]
