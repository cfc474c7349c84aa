"""Authentication backends, the one check of a logged-in member's password, and the
client address that the login lockout and the password-reset limits count."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import authenticate


class LockoutBackend(AxesStandaloneBackend):
    """Refuse logins while django-axes has the account locked out.

    Every login form passes the request. A call without one (the shell, a test
    client's ``login()``) has no address to lock out, so it is left to the next
    backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def confirms_password(request, user, password):
    """Whether ``password`` is the logged-in ``user``'s, checked as a login is: a wrong
    one counts toward the login lockout (django-axes: username and address), and while
    the account is locked out from this address none is right. Asked before a change of
    password or e-mail address: checked with ``check_password``, a laptop left logged in
    at a meeting let anyone guess without end, then move the account's address and take
    it over through a reset."""
    if not password:
        return False
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def client_address(request):
    """The address of the client a request comes from (django-axes asks here:
    AXES_CLIENT_IP_CALLABLE).

    Directly reached, it is REMOTE_ADDR; whatever X-Forwarded-For a client sends is its
    own word and is ignored. Behind PROXY_COUNT proxies (DJANGO_BEHIND_PROXY), the one
    nearest the client overwrites X-Forwarded-For with the address it was reached from and
    each other one adds the address it was reached from: the client's is the PROXY_COUNT-th
    from the end. A header without so many addresses, or with no address there, is a
    proxy set up otherwise: REMOTE_ADDR then, as if none were trusted.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
