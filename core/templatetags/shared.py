"""{% shared %} and {% slot %}: fragments of a page kept once for every member.

    {% load shared %}
    {% shared "paper-head" paper models="papers.organization taggit.tag" %}
      … what every member sees alike …
    {% endshared %}

See core/fragments.py for the key and what must stay outside a fragment.
"""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from core import audiencepage, fragments
from core.escaping import conditional_esc

register = template.Library()
# In the context while a shared fragment renders (includes see it too).
INSIDE = "core.shared:inside"


class SharedNode(template.Node):
    def __init__(self, nodelist, name, vary, models):
        self.nodelist, self.name, self.vary, self.models = nodelist, name, vary, models

    def render(self, context):
        name = self.name.resolve(context)
        # What the fragment varies by names its key alone: not even read with the cache
        # off (a value may be a callable that asks the cache or the database for it).
        values = (
            [value.resolve(context) for value in self.vary] if settings.PAGECACHE_ENABLED else []
        )

        def render():
            with context.push({INSIDE: True}):
                return self.nodelist.render(context)

        # A fragment inside another leaves its slots to the outer one, which is stored
        # with the markers and filled for each request.
        nested = context.get(INSIDE, False)
        html = fragments.shared_fragment(
            name, values, self.models, str(context.get("reading", "")), render
        )
        if nested:
            return html
        filled = mark_safe(fragments.fill_slots(html, context.get("member_slots")))  # noqa: S308
        return audiencepage.shared_region(filled)


@register.tag
def shared(parser, token):
    """{% shared "name" value… models="app.model …" %}…{% endshared %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a fragment name")
    name, vary, models = parser.compile_filter(bits[1]), [], []
    for bit in bits[2:]:
        if bit.startswith("models="):
            models = bit.removeprefix("models=").strip("\"'").split()
        else:
            vary.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, name, vary, models)


class SlotNode(template.Node):
    def __init__(self, nodelist, name, key):
        self.nodelist, self.name, self.key = nodelist, name, key

    def render(self, context):
        if not context.get(INSIDE, False):
            return self.nodelist.render(context)  # outside a shared fragment: as written
        name = conditional_esc(self.name.resolve(context))
        key = conditional_esc(self.key.resolve(context))
        return mark_safe(fragments.slot_marker(name, key))  # noqa: S308


def slotted(context, name, make):
    """Return ``make`` (a function of a key and more) where the context is outside a shared
    fragment, and inside one a function giving the slot ``name`` of the key instead: for
    tags that make many slots' contents in Python (a list's rows), as {% slot %} does."""
    if context.get(INSIDE, False):
        return lambda key, *_args: mark_safe(  # noqa: S308
            fragments.slot_marker(name, conditional_esc(key))
        )
    return make


@register.tag
def slot(parser, token):
    """{% slot "name" key %}what a page without shared fragments shows{% endslot %}: inside
    a shared fragment, a place filled for each request from member_slots[name]
    (core.fragments.fill_slots); elsewhere, its own content."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("{% slot %} takes a name and a key")
    nodelist = parser.parse(("endslot",))
    parser.delete_first_token()
    return SlotNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


@register.simple_tag(takes_context=True)
def member_part(context, name, key=""):
    """{% member_part "name" key %}: the member's own part of a page (their name, …), made
    by its provider (settings.PAGECACHE_MEMBER_PARTS) and marked to be left out of a page
    kept for everyone who reads alike (core.audiencepage)."""
    key = str(key)
    html = audiencepage.provide(context["request"], name, [key]).get(key, "")
    return audiencepage.own_part(name, key, html)
