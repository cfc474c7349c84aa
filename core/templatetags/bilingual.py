"""Show a record's Chinese/English pairs (``<name>_zh`` / ``<name>_en``) the same way everywhere.

``{% bilingual_title obj %}`` the title in the reader's languages, inline;
``{% bilingual_heading obj %}`` the page heading with the other language below it;
``{% bilingual obj "body" %}`` a text side by side (rendered Markdown where the model
keeps it, else plain text), marking a missing or translated side;
``{% pick obj "description" %}`` one side, the reader's language first.
"""

from django import template
from django.template.defaultfilters import linebreaksbr

from core.models import Bilingual

register = template.Library()


def _sides(obj, name):
    """Return the pair's non-empty sides as [(language code, text)], in the model's order."""
    declared = getattr(type(obj), name, None)
    prefer = declared.prefer if isinstance(declared, Bilingual) else ("zh", "en")
    sides = [(code, text) for code in prefer if (text := getattr(obj, f"{name}_{code}", ""))]
    # The same text on both sides (an English title kept as the Chinese one) shows once.
    return sides[:1] if len(sides) == 2 and sides[0][1] == sides[1][1] else sides


@register.inclusion_tag("includes/_bilingual_title.html")
def bilingual_title(obj, name="title"):
    sides = _sides(obj, name)
    return {"sides": sides, "fallback": "" if sides else getattr(obj, name, "")}


@register.inclusion_tag("includes/_bilingual_heading.html")
def bilingual_heading(obj, name="title"):
    sides = _sides(obj, name) or [("", getattr(obj, name, ""))]
    return {"first": sides[0], "second": sides[1] if len(sides) > 1 else None}


@register.inclusion_tag("includes/_bilingual.html")
def bilingual(obj, name="body"):
    """Both sides of a text; Markdown fields show their rendered HTML."""
    if hasattr(obj, f"{name}_zh_html"):
        zh, en = getattr(obj, f"{name}_zh_html"), getattr(obj, f"{name}_en_html")
    else:
        zh, en = (linebreaksbr(getattr(obj, f"{name}_{code}", "")) for code in ("zh", "en"))
    return {"zh": zh, "en": en, "translation": getattr(obj, "translation", "")}


@register.simple_tag(takes_context=True)
def pick(context, obj, name):
    """Return the side in the reader's language (English when they read English only)."""
    zh, en = getattr(obj, f"{name}_zh", ""), getattr(obj, f"{name}_en", "")
    return (en or zh) if context.get("reading") == "en" else (zh or en)
