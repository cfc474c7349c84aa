"""The CSRF token of a request: its secret masked once per request, the mask read from
the system's random source at once.

Django's ``get_token()`` masks the secret afresh at every call, drawing the mask's 32
characters one at a time from ``secrets`` (32 reads of the system's random source, some
60 µs), and a page calls it once for each part that writes a form: the page itself, a
member's own reading-status controls, the CSRF field of a page kept for an audience.
Here each request masks its secret once, with the mask's characters taken from one read:
a page rendered for a request gets a mask of its own, which is what masking is for
(BREACH). (A page kept for one session, core.pagecache, is sent again with the token it
was made with, as before.) Tokens are Django's: the CSRF middleware unmasks and checks
them as its own.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.middleware.csrf import get_token as django_get_token
from django.utils.functional import SimpleLazyObject

INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes below this are taken, modulo the number of characters: each character is
# then as likely as any other (bytes from here to 255 would favour the first few).
UNBIASED = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def token(request):
    """The masked CSRF token for this request's forms, as ``get_token()`` makes it: the
    same for every form of one response, a new one once the secret changes (a login
    rotates it)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # no secret yet (a first visit): Django makes it, and its cookie
        masked = django_get_token(request)
    else:
        # As get_token(), at every call: a response with a form sends the cookie again,
        # to renew its expiry (the admin's views answer this before the page is done).
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        kept = getattr(request, "_masked_csrf_token", None)
        if kept is not None and kept[0] == secret:
            return kept[1]
        masked = mask(secret)
    request._masked_csrf_token = (request.META["CSRF_COOKIE"], masked)
    return masked


def mask(secret):
    """The secret masked as Django masks it (``_mask_cipher_secret``): a random mask, then
    each of the secret's characters shifted by the mask's character at its place."""
    shifts = []
    while len(shifts) < CSRF_SECRET_LENGTH:
        shifts.extend(byte % len(INDEX) for byte in secrets.token_bytes(40) if byte < UNBIASED)
    shifts = shifts[:CSRF_SECRET_LENGTH]
    chars, n = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        chars[(INDEX[char] + shift) % n] for char, shift in zip(secret, shifts, strict=True)
    )
    return "".join(chars[shift] for shift in shifts) + cipher


def csrf(request):
    """Context processor: ``csrf_token`` for ``{% csrf_token %}``, from ``token()``. It
    replaces the one Django adds to every RequestContext (processors listed in the
    settings come after Django's own), and is as lazy: a page with no form asks nothing."""
    return {"csrf_token": SimpleLazyObject(lambda: token(request))}
