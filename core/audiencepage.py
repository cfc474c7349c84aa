"""Whole pages kept once for every member who reads alike, the member's own parts filled in.

Members of the same groups with the same roles, who wrote no note that is not public,
see the same page but for a few parts of their own: their name in the header, the CSRF
token of its forms, their reading-status controls. A page served through
``audience_page`` is rendered once for all of them and kept *hollow*:

- each part of the member's own is written through ``own_part(name, key, html)``, which,
  while a page is being rendered to keep, wraps it in ``<!--mine:name:key-->…<!--/mine-->``;
  the kept page holds a hole in its place, and every other member's view fills it from
  the provider ``settings.PAGECACHE_MEMBER_PARTS[name](request, keys)``, one call per
  name for all its keys, returning {key: HTML} (the member who rendered the page gets
  their parts as rendered);
- the value of every CSRF field is taken out and the request's own token put in.

The key names the code version, the date, the interface language, the reader's
bilingual choice, the full path and what the member may read and do
(``settings.PAGECACHE_READER(user)``: their audience and roles, kept per member); the
entry is served only while the content generation (and the stamps of the ``models`` a
view names, such as the reading statuses behind a group's progress) are what it was
made under. A page is never kept when, its own parts taken out, it still names the
member who rendered it outside its shared fragments (their username, name or e-mail:
what every member sees alike, such as a group's progress, may name anyone) or holds
their session key or CSRF secret; and a kept page is never served to a member it names
outside them: a page that names a member (as the author of a comment) may hold what
only they may do. Query strings that make a page the member's
own (``unless``, such as "papers I have read") and views that are not listed are served
by the per-session cache (core.pagecache.cached_page) instead.
"""

import contextvars
import hashlib
import re
from dataclasses import dataclass
from functools import cache as cache_for_process
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import csrf, pagecache
from .fragments import kept_or_made, prefetch
from .language import full_name
from .pagecache import GENERATION_KEY, _conditional, cached_page, stamp_key
from .timezones import zone_key

OWN = re.compile(r"<!--mine:([\w-]+):([\w-]*)-->(.*?)<!--/mine-->", re.DOTALL)
HOLE = re.compile(r"<!--mine:([\w-]+):([\w-]*)-->")
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = "<!--csrf-->"
SHARED_START, SHARED_END = "<!--shared-->", "<!--/shared-->"
SHARED = re.compile(f"{SHARED_START}.*?{SHARED_END}", re.DOTALL)
# Headers of the view's own response that a kept page keeps (the rest are the
# middleware's, made again for each request).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options")


def _kept_attribute(name):
    """What a view's decorators leave on its response for the middleware (django-csp's
    policy changes, the clickjacking exemption): kept with the page."""
    return name.startswith("_csp") or name == "xframe_options_exempt"


# True while a page is rendered to be kept: own_part() marks what is the member's own.
_keeping = contextvars.ContextVar("audience_page_keeping", default=False)


def own_part(name, key, html):
    """Return the member's own part of a page (their control of a paper, their name): as
    it is, or marked to be taken out of a page kept for everyone who reads alike. The
    provider PAGECACHE_MEMBER_PARTS[name] must make the same HTML from the request and
    the key."""
    if not _keeping.get():
        return html
    return mark_safe(f"<!--mine:{name}:{key}-->{html}<!--/mine-->")  # noqa: S308


def shared_region(html):
    """Return a shared fragment's HTML (core.fragments), marked while a page is rendered
    to keep: the same for every member, it may name anyone (a group's members and their
    progress) without making the page anyone's own."""
    if not _keeping.get():
        return html
    return mark_safe(f"{SHARED_START}{html}{SHARED_END}")  # noqa: S308


def member_name(request, keys):
    """The member's own part "name": their username (the header's "Log out" title)."""
    return {key: escape(request.user.get_username()) for key in keys}


@cache_for_process
def _providers():
    return {name: import_string(path) for name, path in settings.PAGECACHE_MEMBER_PARTS.items()}


def provide(request, name, keys):
    """Return {key: HTML} of the member's own part ``name`` for these keys (as it is,
    never marked: the caller marks it)."""
    token = _keeping.set(False)
    try:
        return _providers()[name](request, keys)
    finally:
        _keeping.reset(token)


@dataclass(frozen=True)
class HollowPage:
    """A rendered page without the member's own parts: what is kept."""

    pieces: tuple  # the page's bytes and its holes, (name, key) each, alternately
    headers: tuple
    attributes: tuple  # (name, value) set on the response for the middleware
    digest: str
    outside: str  # what is outside the shared fragments: where naming a member matters
    csrf: bool  # whether it holds CSRF fields
    charset: str

    @property
    def holes(self):
        return self.pieces[1::2]


def _eligible(request, unless):
    return (
        settings.PAGECACHE_ENABLED
        and getattr(settings, "PAGECACHE_AUDIENCE_PAGES", True)
        and request.method == "GET"
        and request.user.is_authenticated
        and not any(param in request.GET for param in unless)
        and not len(get_messages(request))  # one-off messages are shown, never kept
    )


def page_key(request):
    from core.context_processors import reading

    reader = import_string(settings.PAGECACHE_READER)(request.user)
    parts = [
        pagecache.code_version(),
        timezone.localdate().isoformat(),  # next and past meetings change with the date
        zone_key(),  # a member's own zone shows times in it
        reader,
        get_language() or "",
        reading(request)["reading"],
        request.get_full_path(),
    ]
    return "pagecache:audience:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _names_of(user):
    """How pages may name the member: username, full name (as the site writes it, and as
    Django does), e-mail."""
    names = (user.get_username(), full_name(user), user.get_full_name(), user.email)
    return list(dict.fromkeys(text for text in names if text))


def _secrets(request):
    """The session key and the CSRF secret of the request: never in a page kept."""
    return [text for text in (request.session.session_key, request.META.get("CSRF_COOKIE")) if text]


def _names(html, texts):
    """Whether the page holds any of the texts as a word of its own: not inside another
    word, nor a path or slug (a username "bench" is not named by /papers/bench-paper-1/)."""
    for text in texts:
        for form in {text, escape(text)}:
            if form in html and re.search(rf"(?<![\w/.-]){re.escape(form)}(?![\w/-]|\.\w)", html):
                return True
    return False


def _hollow(request, response):
    """Return the page the view rendered without the member's own parts (HollowPage), or
    None when it is not one to keep for others."""
    if (
        response.status_code != 200
        or getattr(response, "streaming", False)
        or not response.get("Content-Type", "").startswith("text/html")
        or not set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    ):
        return None
    html = response.content.decode(response.charset)
    names = {name for name, _key, _html in OWN.findall(html)}
    if not names <= set(settings.PAGECACHE_MEMBER_PARTS):
        return None
    html = CSRF_VALUE.sub(rf"\g<1>{CSRF_HOLE}\g<2>", OWN.sub(r"<!--mine:\1:\2-->", html))
    outside = SHARED.sub("", html)
    if (
        "<!--/mine-->" in html
        or _names(html, _secrets(request))
        or _names(outside, _names_of(request.user))
    ):
        return None
    html = html.replace(SHARED_START, "").replace(SHARED_END, "")
    headers = tuple((name, response[name]) for name in KEPT_HEADERS if name in response)
    attributes = tuple((k, v) for k, v in vars(response).items() if _kept_attribute(k))
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    # Split once, here: each view joins the bytes with its own parts, no search (bytes:
    # kept and read back without decoding, sent as they are).
    split = HOLE.split(html)  # text, name, key, text, name, key, …, text
    charset = response.charset
    pieces = [split[0].encode(charset)]
    for i in range(1, len(split), 3):
        pieces += [(split[i], split[i + 1]), split[i + 2].encode(charset)]
    return HollowPage(
        tuple(pieces),
        headers,
        attributes,
        digest,
        HOLE.sub("", outside),
        CSRF_HOLE in html,
        charset,
    )


def _unmarked(response):
    """The member's own page as the view rendered it, the marks taken out."""
    if hasattr(response, "content") and not getattr(response, "streaming", False):
        content = response.content.decode(response.charset)
        if "<!--mine:" in content or SHARED_START in content:
            content = OWN.sub(r"\3", content)
            response.content = content.replace(SHARED_START, "").replace(SHARED_END, "")
    return response


def _own_digest(parts):
    """The member's own parts, (name, key, HTML) each, as text for the page's ETag; their
    CSRF tokens are masked afresh each time, so not what tells pages apart."""
    return CSRF_VALUE.sub("", "\n".join(f"{name}:{key}:{html}" for name, key, html in parts))


def _as_rendered(response):
    """The page as the view rendered it for this member (marks taken out), and its own
    parts for the ETag."""
    parts = OWN.findall(response.content.decode(response.charset))
    return _unmarked(response), _own_digest(parts)


def _filled(request, page):
    """Return the kept page with this member's own parts and CSRF token (HttpResponse),
    and a digest of those parts for its ETag."""
    holes, wanted = page.holes, {}
    for name, key in holes:
        wanted.setdefault(name, []).append(key)
    parts = {name: provide(request, name, keys) for name, keys in wanted.items()}
    charset = page.charset
    content = b"".join(
        piece if i % 2 == 0 else str(parts[piece[0]].get(piece[1], "")).encode(charset)
        for i, piece in enumerate(page.pieces)
    )
    if page.csrf:
        content = content.replace(CSRF_HOLE.encode(), csrf.token(request).encode())
    response = HttpResponse(content, headers=dict(page.headers))
    for name, value in page.attributes:
        setattr(response, name, value)
    return response, _own_digest((name, key, parts[name].get(key, "")) for name, key in holes)


def audience_page(view, *, models=(), unless=(), also=None):
    """Serve a GET page from the page kept for the member's audience (see the module), or
    render and keep it. ``models``: labels of models whose every change makes the page
    stale (those that do not move the content generation on, such as reading statuses
    behind a group's progress); ``unless``: query parameters that make the page the
    member's own (served by the per-session cache instead); ``also(request, *args,
    **kwargs)``: the kept values (core.fragments.prefetch's specs) that the member's own
    parts read whether the page is kept or not, read in the same round trip as the
    page."""
    per_session = cached_page(view)
    stamp_keys = [GENERATION_KEY, *(stamp_key(label) for label in models)]

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _eligible(request, unless):
            return per_session(request, *args, **kwargs)
        key = page_key(request)
        if also is not None:
            prefetch(also(request, *args, **kwargs), keys=[key, *stamp_keys])
        rendered = []

        def render():
            token = _keeping.set(True)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
            finally:
                _keeping.reset(token)
            rendered.append(response)
            return _hollow(request, response)

        page = kept_or_made(key, stamp_keys, render, keep=lambda page: page is not None)
        if page is None:
            return _unmarked(rendered[0])
        if rendered:  # the member who rendered it: their own parts as rendered
            response, own = _as_rendered(rendered[0])
        elif page.outside and _names(page.outside, _names_of(request.user)):
            # A page that names this member may hold what only they may do: their own.
            return per_session(request, *args, **kwargs)
        else:
            response, own = _filled(request, page)
        digest = hashlib.sha256(
            "\n".join([page.digest, own, request.session.session_key or ""]).encode()
        ).hexdigest()
        return _conditional(request, response, f'"{digest[:32]}"')

    wrapper.page_cached = True  # for the benchmark's report
    return wrapper
