"""Fragments of pages kept once for every member, and the per-member slots inside them.

The per-session page cache (core/pagecache.py) serves one member re-reading a page; a
page's first view by each of the other members is rendered afresh. Most of a page is
the same for everyone who may read it (a paper's metadata and summary, the model
table, the family trees, a rendered write-up), so templates wrap those regions in
``{% shared "name" vary… models="app.model …" %}…{% endshared %}`` (template tag
library ``shared``). The fragment is kept in the shared cache under a key of the code
version, the interface language, the time zone, the reader's bilingual choice, the name
and the *vary* values, together with the tokens of the stamps it was made under, and
served only while they are all current (entry and tokens come in one round trip):

- a model instance among the vary values stands for its own stamp: the record's token,
  moved on by every save, delete or m2m change of that record;
- the stamps of the models named in ``models=`` (each moved on by any change to a
  record of that model): what the fragment shows from related records.

A note edit therefore makes stale only the fragments that show that note or declare
``notes.note``, never the whole site. What differs between members stays outside the
fragment and small (their notes, their meetings, the header and its CSRF token); where
it must sit inside a shared fragment (a count of the notes a member may read on each row
of a list) the fragment holds a *slot*, ``{% slot "name" key %}``, filled for each
request from ``member_slots[name](keys)`` in the context: one call for all the keys of a
fragment, returning {key: HTML}. A fragment that would hold a CSRF token is never
stored (a token carries its session's secret).
"""

import contextvars
import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .compiled import read_again
from .pagecache import CONTENT_TTL, code_version, stamp_key, stamps
from .timezones import zone_key

SLOT = re.compile(r"<!--slot:([\w-]+):([^>]*?)-->")
CSRF_FIELD = "csrfmiddlewaretoken"
OWN_MARK = "<!--mine:"


@dataclass(frozen=True)
class Ref:
    """A record named by its model and primary key, without reading it: a vary value
    that stands for the record's stamp, like the instance itself."""

    label: str
    pk: int


# What one request has read already (``remembered``); None outside a request.
_request_memo = contextvars.ContextVar("request_memo", default=None)


@contextmanager
def request_scope():
    """Remember what ``remembered`` reads until the end of the block (one request:
    core.middleware.RequestMemoMiddleware)."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def remembered(key, read):
    """Return read(), read once in the request being served (a page asks for a member's
    audience for each thing it reads: one round trip to the cache is enough); outside a
    request, read each time."""
    memo = _request_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def uncached_reads(*statements):
    """The statements (core.compiled.read_ahead) that a view names before it knows what
    is kept: all of them with the shared caches off, when the page reads everything it
    shows; none with them on, when a fragment or a kept value reads its statements only
    if it is missing from the cache, and then after its stamps (kept_or_made), so that
    rows read ahead before them would be read twice. (Inside a kept value's or a
    fragment's making, statements read right there are named ahead either way.)"""
    return [] if settings.PAGECACHE_ENABLED else list(statements)


def lazy_query(make):
    """Return a stand-in for the queryset make() returns, made (and read, once) only when
    a template uses it: inside a shared fragment found in the cache it never is."""
    return SimpleLazyObject(make)


def lazy_records(pks, make):
    """Return lazy_query(lambda: make(pks)) for records of these primary keys, or no
    records when there are none: building a queryset costs even when it reads nothing
    (~0.8 ms for the paper page's meetings, ~1.6 ms for its mentions)."""
    return lazy_query(lambda: make(pks) if pks else [])


def refs(model, pks):
    """Return Refs of the model's records with these primary keys, in order."""
    return tuple(Ref(model._meta.label_lower, pk) for pk in pks)


def _identities(value):
    """Yield (text for the key, stamp key or None) of one vary value (a list or tuple
    gives one of each item)."""
    if isinstance(value, Model):
        label = value._meta.label_lower
        yield f"{label}:{value.pk}", stamp_key(label, value.pk)
    elif isinstance(value, Ref):
        yield f"{value.label}:{value.pk}", stamp_key(value.label, value.pk)
    elif isinstance(value, list | tuple):
        yield "[", None
        for item in value:
            yield from _identities(item)
        yield "]", None
    else:
        yield repr(value), None


def fragment_key(name, values, models, reading=""):
    """Return the cache key of a shared fragment and the stamp keys it depends on (see
    the module's docstring)."""
    # The active time zone: a member's own (notes.auth.OwnTimeZoneMiddleware) shows
    # times in it.
    parts = [get_language() or "", zone_key(), reading, name]
    return _locate("fragment", parts, values, models)


def fragment_version(name, values, models, reading=""):
    """Return what a shared fragment kept now must have been made under: its key and the
    current tokens of its stamps."""
    key, stamp_keys = fragment_key(name, values, models, reading)
    return key, tuple(stamps(stamp_keys))


def _locate(kind, parts, values, models):
    """Return the cache key (a digest of the code version, the parts and the vary values)
    and the stamp keys (of the records among the values, and of the models) of an entry."""
    texts, keys = [code_version(), *parts], []
    for value in values:
        for text, key in _identities(value):
            texts.append(text)
            if key:
                keys.append(key)
    keys += [stamp_key(label.lower()) for label in models]
    return f"{kind}:" + hashlib.sha256("\n".join(texts).encode()).hexdigest(), keys


def kept_or_made(key, stamp_keys, make, keep=lambda value: True, timeout=CONTENT_TTL):
    """Return the value kept under the key if it was made under the current tokens of its
    stamps, else make() (and keep it with those tokens, if keep(value), for ``timeout``
    seconds). The entry and the tokens come in one round trip to the cache; an entry made
    before a change is never served, since the change moved a token on (before and after
    its commit)."""
    read = _prefetched()
    if all(wanted in read for wanted in (key, *stamp_keys)):
        found = {wanted: read[wanted] for wanted in (key, *stamp_keys)}
    else:
        found = cache.get_many([key, *stamp_keys])
    tokens = [found.get(stamp) for stamp in stamp_keys]
    if None in tokens:  # a stamp evicted or never made: made afresh, never an earlier one
        tokens = stamps(stamp_keys)
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == tokens:
        return entry[1]
    read_again()  # rows read ahead before these tokens: read again after them
    value = make()
    if keep(value):
        cache.set(key, (tokens, value), timeout)
    read.pop(key, None)
    return value


def _prefetched():
    """What ``prefetch`` read in this request ({cache key: entry or None}); {} outside."""
    memo = _request_memo.get()
    return {} if memo is None else memo.setdefault("prefetched", {})


def prefetch(specs, *, always=False, keys=()):
    """Read the entries of several kept values, (name, values, models) each, and their
    stamps in one round trip for the request being served: kept() then finds them read
    (a member's view asks what names their audience and their own statuses: one round
    trip, not two). ``keys``: other cache keys read in the same round trip, for
    kept_or_made() (a kept page and its stamps). ``always`` as for kept()."""
    if not (always or settings.PAGECACHE_ENABLED) or _request_memo.get() is None:
        return
    keys = set(keys)
    for name, values, models in specs:
        key, stamp_keys = _locate("kept", [name], values, models)
        keys |= {key, *stamp_keys}
    found = cache.get_many(sorted(keys))
    _prefetched().update({key: found.get(key) for key in keys})


def kept(name, values, models, compute, *, always=False, timeout=CONTENT_TTL):
    """Return compute()'s value, kept in the shared cache like a fragment: under the name,
    the vary values (a record stands for its stamp) and the stamps of the models it is
    read from. For data rather than HTML: what an *audience* may read on a page (the keys
    of its notes, a discussion's comments; ``notes.audience``), or what a member's pages
    all ask (their groups, their roles), so that the members of one audience, or one
    member across pages, read it once until its sources change. Afresh each time with
    the page cache off (the benchmark's cold run), unless ``always``: for what reads the
    whole library (the number of papers, the filters' choices), which no first view
    after a change of something else should pay for."""
    if not (always or settings.PAGECACHE_ENABLED):
        return compute()
    key, stamp_keys = _locate("kept", [name], values, models)
    return kept_or_made(key, stamp_keys, compute, timeout=timeout)


def slot_marker(name, key):
    return f"<!--slot:{name}:{key}-->"


def fill_slots(html, providers):
    """Replace each slot marker with its provider's HTML for this request (one call per
    slot name, with every key of that name); an unknown slot or key gives nothing."""
    if "<!--slot:" not in html:
        return html
    wanted = {}
    for name, key in SLOT.findall(html):
        wanted.setdefault(name, []).append(key)
    filled = {}
    for name, keys in wanted.items():
        provider = (providers or {}).get(name)
        values = provider(keys) if provider else {}
        filled[name] = {str(k): v for k, v in values.items()}
    return SLOT.sub(lambda m: str(filled[m[1]].get(m[2], "")), html)


def shared_fragment(name, values, models, reading, render):
    """Return the fragment's HTML from the shared cache, or render() and keep it."""
    if not settings.PAGECACHE_ENABLED:
        return render()
    key, stamp_keys = fragment_key(name, values, models, reading)
    html = kept_or_made(
        key,
        stamp_keys,
        lambda: str(render()),
        # Nor one that holds a member's own part (core.audiencepage.own_part).
        keep=lambda html: CSRF_FIELD not in html and OWN_MARK not in html,
    )
    return mark_safe(html)  # noqa: S308  (rendered by the template engine, escaped there)
