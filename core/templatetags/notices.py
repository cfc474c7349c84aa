"""One-off messages (django.contrib.messages) where the member will see them.

Most stand at the top of the page (base.html). The message of a form further down a page
stands under that form instead, where the member who sent it is taken back to (a failed
proposal at the foot of a meeting page): its view adds it with ``extra_tags=at("propose")``
and the form's template shows ``messages|placed:"propose"``.

    {% load notices %}
    {% for message in messages|at_top %}…{% endfor %}
"""

from django import template

register = template.Library()

PLACE = "at:"


def at(place):
    """The extra tag of a message to be shown at ``place`` (a form) instead of the top."""
    return f"{PLACE}{place}"


def _places(message):
    return [tag for tag in (message.extra_tags or "").split() if tag.startswith(PLACE)]


@register.filter
def at_top(messages):
    """The messages that stand at the top of the page: those placed nowhere else."""
    return [message for message in messages if not _places(message)]


@register.filter
def placed(messages, place):
    """The messages to be shown at ``place``."""
    return [message for message in messages if at(place) in _places(message)]
