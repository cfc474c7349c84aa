"""Cache whole rendered reading pages per session, dropped on any change to the content.

Reading pages are read far more often than anything changes, and rendering them
(templates, Markdown already stored as HTML) dominates their cost. A page is kept
under a key of the content *generation*, the date, the session, the interface language, the
reader's bilingual choice and the full path; saving or deleting any record of the
content apps moves the generation on, so no page is ever served from before a change.
Records that show only on some members' pages (``affects_pages = False``, such as a
reading status) move those members' own generations on instead (``bump_members``).

The generation and the pages live in the default cache: with several workers or
machines it must be a shared one (the file cache by default, memcached or Redis on a
cluster: see CACHES in config/settings.py). Pages that carry one-off messages, and
responses other than 200, are never stored. ``PAGECACHE_ENABLED = False`` (the
environment's DJANGO_PAGECACHE=0) renders every page afresh: the benchmark's cold run.
"""

import hashlib
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache as cache_for_process
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language

from .timezones import zone_key

GENERATION_KEY = "pagecache:generation"
CONTENT_APPS = {"papers", "notes", "taggit", "auth"}
PAGE_TIMEOUT = 24 * 3600
# Folders of the project that hold no code or templates pages are made from.
NOT_CODE = {"var", "staticfiles", "docs", "fixtures", "tests", "test-artifacts"}


def generation():
    """Return the current content generation: a random token, never reused, so that a
    generation lost from the cache (evicted, culled, a restarted server) can never bring
    back pages stored under an earlier one."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY) or uuid.uuid4().hex
    return value


def bump_generation(**kwargs):
    """Move the content generation on, so that every cached page is stale."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


# Finer generations for the fragments every member shares (core/fragments.py): one per
# model ("papers.paper") and one per record ("papers.paper:12"), so that saving a note
# makes only what shows notes, or that note, stale.
STAMP_PREFIX = "pagecache:stamp:"
M2M_OBJECTS = 50  # records of the other side of an m2m change stamped one by one, at most


def stamp_key(label, pk=None):
    return f"{STAMP_PREFIX}{label}" if pk is None else f"{STAMP_PREFIX}{label}:{pk}"


def stamps(keys):
    """Return the current token of each stamp key (model or record), in one cache round
    trip; a token missing from the cache is made afresh (never an earlier one)."""
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        for key, token in missing.items():
            cache.add(key, token, timeout=None)
        found.update(cache.get_many(list(missing)))
    return [found.get(key) or missing[key] for key in keys]


def bump_stamps(keys):
    """Move these stamps on: deleted, each is made afresh (a new random token) when next
    read, as stamps() does for one evicted. Cheaper than writing new tokens: the file
    cache lists its whole folder before each write, to cull it."""
    cache.delete_many(keys)


def changed_stamps(sender, instance, kwargs):
    """Return the stamp keys a save, delete or m2m change of this instance moves on: its
    model's and its own, and for an m2m change the through model's and the other side's
    (model, and each record named when few). A record shown as part of another model's
    record of the same primary key (``stamped_as``: a topic's Chinese name, of its Tag)
    moves that model's and that record's stamps on too: what declares the other model
    shows it."""
    keys = {stamp_key(sender._meta.label_lower)}
    if instance is not None and getattr(instance, "pk", None) is not None:
        label = instance._meta.label_lower
        keys |= {stamp_key(label), stamp_key(label, instance.pk)}
        if part_of := getattr(sender, "stamped_as", None):
            keys |= {stamp_key(part_of), stamp_key(part_of, instance.pk)}
    other = kwargs.get("model")
    if other is not None:
        keys.add(stamp_key(other._meta.label_lower))
        pk_set = kwargs.get("pk_set") or ()
        if len(pk_set) <= M2M_OBJECTS:
            keys |= {stamp_key(other._meta.label_lower, pk) for pk in pk_set}
    return sorted(keys)


def member_key(user_id):
    return f"pagecache:member:{user_id}"


def member_generation(user_id):
    """Return the member's own generation: moved on by a change that shows only on some
    members' pages (a reading status), so that theirs are made afresh and no one else's."""
    key = member_key(user_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        value = cache.get(key) or uuid.uuid4().hex
    return value


def bump_members(user_ids):
    """Make the cached pages of these members (only) stale, now and after the commit."""
    ids = sorted(set(user_ids))

    def bump():
        cache.set_many({member_key(pk): uuid.uuid4().hex for pk in ids}, timeout=None)

    if ids:
        bump()
        transaction.on_commit(bump)


# The stamp keys changed so far inside changes_batched(), or None outside it.
_batched_keys = ContextVar("pagecache_batched_keys", default=None)


@contextmanager
def changes_batched():
    """Move the generation and the stamps on once, when the block ends, for every change
    made inside it, not once per record: for loads of many records (the demo data, a
    restore). The demo data's 1 145 records moved them on 4 010 times, each a write of
    the file cache that first lists its folder: 2 min 40 s of a 2 min 42 s load."""
    keys = set()
    token = _batched_keys.set(keys)
    try:
        yield
    finally:
        _batched_keys.reset(token)
        if keys:
            _move_on(sorted(keys), generation=True)


def _move_on(keys, generation):
    def bump():
        if generation:
            bump_generation()
        bump_stamps(keys)

    # Now, and again after the commit: a page rendered meanwhile from the old data is
    # stored under a generation that is never read again.
    bump()
    transaction.on_commit(bump)


def _content_change(sender, **kwargs):
    if sender._meta.app_label not in CONTENT_APPS:
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login changes nothing that pages show
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: the change is made by the post_ signal that follows
    # Shown only on some members' pages (affects_pages = False): no page generation moves
    # on (the members concerned are refreshed by bump_members), only the model's stamp,
    # which data kept for an audience declares (core.fragments.kept: the group's progress).
    affects_pages = getattr(sender, "affects_pages", True)
    if affects_pages:
        keys = changed_stamps(sender, kwargs.get("instance"), kwargs)
    else:
        keys = [stamp_key(sender._meta.label_lower)]
    batched = _batched_keys.get()
    if batched is not None:
        batched.update(keys)
        return
    _move_on(keys, generation=affects_pages)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_change, dispatch_uid=f"pagecache-{signal}")


CONTENT_TTL = 30 * 24 * 3600  # seconds; a key names its content, so it never goes stale


def by_content(kind, texts, build, timeout=CONTENT_TTL):
    """Return build(), kept in the shared cache under a digest of the texts it is made
    from (and the code version): for work that depends on nothing else, such as slides
    or the sections of a text, every reader gets it without it being made again, and a
    change to a text makes a new key."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
    return cache.get_or_set(f"{kind}:{code_version()}:{digest}", build, timeout)


@cache_for_process
def code_version():
    """Return a digest of the code and files pages are made from (Python modules,
    templates, translations, style sheets and scripts): a deploy that changes any of
    them starts afresh, on every worker and machine alike, without clearing the cache."""
    digest, root = hashlib.sha256(), Path(settings.BASE_DIR)
    folders = [
        folder
        for folder in sorted(root.iterdir())
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in NOT_CODE
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".css", ".js") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request, vary=None):
    """The key of the session's page; ``vary(request)``: a text the page changes with
    besides (cached_page)."""
    from core.context_processors import reading

    parts = [
        code_version(),
        generation(),
        # Pages that sort meetings into next and past change with the date.
        timezone.localdate().isoformat(),
        zone_key(),  # a member's own zone shows times in it
        vary(request) if vary else "",
        request.session.session_key,
        str(request.user.pk),
        member_generation(request.user.pk),
        get_language() or "",
        reading(request)["reading"],
        request.get_full_path(),
    ]
    # Hashed: any path and query string make a short key every cache backend accepts.
    return "pagecache:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _conditional(request, response, etag):
    """Return the page with its ETag (a private page, revalidated on every view), or 304
    Not Modified when the browser already holds it."""
    if response.cookies:
        return response  # a page that sets the CSRF cookie is sent whole
    # Every cache.get() gives a fresh copy, and a new page was stored before: changing
    # this one changes nothing kept.
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=etag, response=response)


def cached_page(view, vary=None):
    """Serve a GET page from the per-session cache, or render and store it. ``vary``:
    a function of the request that gives a text the page also changes with (the day in
    the member's own time zone, for a page that says "today" or "in 2 days")."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not settings.PAGECACHE_ENABLED
            or not getattr(settings, "PAGECACHE_SESSION_PAGES", True)
            or request.method != "GET"
            or not request.user.is_authenticated
            or not request.session.session_key  # no session, no key of its own
            or len(get_messages(request))  # one-off messages must be shown, not cached
        ):
            return view(request, *args, **kwargs)
        key = page_key(request, vary)
        # The key names the session, the content generation, the code and the path: as
        # an ETag it lets a browser that holds this very page have a 304 instead.
        etag = f'"{key.rsplit(":", 1)[1][:32]}"'
        cached = cache.get(key)
        if cached is not None:
            return _conditional(request, cached, etag)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # No page that sets a cookie is kept, but for the CSRF cookie: the admin's views
        # set it again whenever a form carries a token, and it is this session's own
        # secret, the one the page's token is made from.
        if response.status_code == 200 and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}:
            cache.set(key, response, PAGE_TIMEOUT)
            return _conditional(request, response, etag)
        return response

    wrapper.page_cached = True  # for the benchmark's report
    return wrapper


class CachedChangelist:
    """ModelAdmin mixin: serve the change list through the page cache.

    Organisers page, filter and search through the long lists (papers, models, notes)
    far more often than they change anything; the keys and rules are the reading
    pages' (per session and user, dropped on any change to the content, never with a
    one-off message such as "… was changed successfully"). Forms and actions (POST)
    are never cached.
    """

    def changelist_view(self, request, extra_context=None):
        return cached_page(super().changelist_view)(request, extra_context)
