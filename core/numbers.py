"""Whole numbers that a request carries (an id in a form field or an address, a page, a
file's size), read one way everywhere.

``str.isdigit()`` alone is not enough: it takes "１" and "²" as digits, which ``int()``
refuses or reads otherwise, and it takes any length, while a database column holds at
most a bigint (SQLite raised OverflowError for a longer id in an address: a 500).
"""

from django.urls import register_converter

# The digits of an id a column holds: every number of 18 digits fits a bigint.
ID_DIGITS = 18


def whole(value, digits=ID_DIGITS):
    """``value`` (a string) as an int when it is written in 1 to ``digits`` ASCII
    digits, else None."""
    if isinstance(value, str) and 0 < len(value) <= digits and value.isascii() and value.isdigit():
        return int(value)
    return None


class IdConverter:
    """``<id:pk>`` in an address: Django's ``<int:…>`` but for at most ID_DIGITS digits,
    so that a longer number is a page not found, not a query the database refuses."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
