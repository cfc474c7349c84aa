"""Addresses of records, reversed once per shape: ``address("reading:paper_detail", slug=…)``,
and in templates ``{% address "reading:paper_detail" paper.slug %}`` (core.templatetags.addresses).

A list page shows a link per row (the paper list 25 papers and their topics, the model
list 100 models and their base models), and Django's ``reverse()`` walks the URL
patterns each time (~16 µs). ``address()`` reverses each (name, argument names) once per
URL configuration and script prefix, with a placeholder for each argument, and then
only puts the quoted values in: the same address as ``reverse()`` gives for the values
a record holds (slugs and ids, which the patterns' converters accept). It does not test
a value against its converter: where reverse() would raise NoReverseMatch, it gives an
address that leads nowhere.
"""

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from core.escaping import esc

# Stands for an argument while the shape is reversed: digits, so that every converter
# (int, slug, str, path) accepts it; numbered per argument.
PLACEHOLDER = "9081726354453627"
# What reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = "!$&'()*+,;=/~:@"


@functools.lru_cache(maxsize=256)
def _shape(name, keys, urlconf, script_prefix):
    """Return the address's pieces between its arguments: [text, key, text, key, …, text].
    A key is an argument's name, or its position (0, 1, …) where the arguments are given in
    order, as ``{% url %}`` takes them."""
    marks = {f"{PLACEHOLDER}{i}": key for i, key in enumerate(keys)}
    if all(isinstance(key, int) for key in keys):
        url = reverse(name, urlconf=urlconf, args=list(marks))
    else:
        url = reverse(name, urlconf=urlconf, kwargs={key: mark for mark, key in marks.items()})
    found = sorted((url.index(mark), mark) for mark in marks)  # in the order they appear
    pieces, start = [], 0
    for at, mark in found:
        pieces.extend((url[start:at], marks[mark]))
        start = at + len(mark)
    pieces.append(url[start:])
    return tuple(pieces)


def address_shape(name, *keys):
    """Return the pieces of the address around its arguments: (text, key, text, …, text),
    for code that joins many addresses of one shape itself."""
    return _shape(name, keys, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def addresser(name, key):
    """Return a function of one value that gives ``address(name, key=value)``: for code
    that makes many addresses of one shape (a table's rows)."""
    start, _key, end = address_shape(name, key)
    return lambda value: f"{start}{quote(str(value), safe=SAFE)}{end}"


# A value that quoting and HTML escaping both leave as it is (a slug, an id).
PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")


def hrefs(name, key):
    """Return a function of one value that gives ``address(name, key=value)`` escaped for
    an HTML attribute: for code that writes many links of one shape (a family tree's
    nodes). A plain value (a slug, an id) is put in as it is, without quoting and escaping
    it (a third of each link's cost)."""
    start, _key, end = address_shape(name, key)
    start, end, address_of = esc(start), esc(end), addresser(name, key)
    return lambda value: (
        f"{start}{value}{end}" if PLAIN.fullmatch(value := str(value)) else esc(address_of(value))
    )


def address(name, *args, **kwargs):
    """Return the path of the URL pattern ``name`` with these arguments, as reverse() does:
    by name, or in order (not both, as reverse())."""
    if args and kwargs:
        raise ValueError("Don't mix positional and keyword arguments to address().")
    values = dict(enumerate(args)) if args else kwargs
    pieces = address_shape(name, *values)
    if not values:
        return pieces[0]
    parts = [pieces[0]]
    for i in range(1, len(pieces), 2):
        parts.append(quote(str(values[pieces[i]]), safe=SAFE))
        parts.append(pieces[i + 1])
    return "".join(parts)
