"""Fragments of pages kept once for every member, and the per-member slots inside them.

The per-session page cache (core/pagecache.py) serves one member re-reading a page; a
page's first view by each of the other members is rendered afresh. Most of a page is
the same for everyone who may read it (a paper's metadata and summary, the model
table, the family trees, a rendered write-up), so templates wrap those regions in
``{% shared "name" vary… models="app.model …" %}…{% endshared %}`` (template tag
library ``shared``). The fragment is kept in the shared cache under:

- the code version, the interface language and the reader's bilingual choice;
- the name and the *vary* values (a model instance among them stands for its own stamp:
  the record's token, moved on by every save, delete or m2m change of that record);
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

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .pagecache import CONTENT_TTL, code_version, stamp_key, stamps

SLOT = re.compile(r"<!--slot:([\w-]+):([^>]*?)-->")
CSRF_FIELD = "csrfmiddlewaretoken"


@dataclass(frozen=True)
class Ref:
    """A record named by its model and primary key, without reading it: a vary value
    that stands for the record's stamp, like the instance itself."""

    label: str
    pk: int


def lazy_query(make):
    """Return a stand-in for the queryset make() returns, made (and read, once) only when
    a template uses it: inside a shared fragment found in the cache it never is."""
    return SimpleLazyObject(make)


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
    """Return the cache key of a shared fragment (see the module's docstring)."""
    parts = [code_version(), get_language() or "", reading, name]
    keys = []
    for value in values:
        for text, key in _identities(value):
            parts.append(text)
            if key:
                keys.append(key)
    keys += [stamp_key(label.lower()) for label in models]
    parts += stamps(keys) if keys else []
    return "fragment:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


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
    key = fragment_key(name, values, models, reading)
    html = cache.get(key)
    if html is None:
        html = render()
        if CSRF_FIELD not in html:
            cache.set(key, str(html), CONTENT_TTL)
    return mark_safe(html)  # noqa: S308  (rendered by the template engine, escaped there)
