"""Placeholder, replaced by the real renderer."""

import html


def render(text, resolve_wikilink=None):
    return f"<p>{html.escape(text)}</p>" if text else ""
