"""{% address %}: {% url %} for the site's own templates, reversed once per shape.

    {% load addresses %}
    <a href="{% address 'notes:meeting_detail' meeting.group.slug meeting.number %}">
    {% address 'reading:model_family_read' as read_url %}

It gives the address {% url %} gives for the values a record holds (slugs, ids, numbers,
the actions of a URL pattern's ``<slug:…>``), without walking the URL patterns on every
page: see core.addresses. Escaped as {% url %} is, where the template escapes.
"""

from django import template

from core import addresses

register = template.Library()


@register.simple_tag
def address(name, *args, **kwargs):
    return addresses.address(name, *args, **kwargs)
