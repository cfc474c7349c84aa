"""One-off messages (django.contrib.messages) where the member will see them.

Most stand at the top of the page (base.html). The message of an action taken in a part
further down a page stands in that part instead, where the member who acted is taken
back to (a meeting page's plan, its proposed papers): the view adds it with
``extra_tags=at("proposals")`` and the part's template shows it with
``{% messages_at "proposals" %}``.

    {% load notices %}
    {% for message in messages|at_top %}…{% endfor %}
"""

from django import template
from django.utils.translation import gettext as _

from core.escaping import esc, joined, safe

register = template.Library()

PLACE = "at:"


def at(place):
    """The extra tag of a message to be shown at ``place`` (a part of a page) instead of
    the top."""
    return f"{PLACE}{place}"


def _places(message):
    return [tag for tag in (message.extra_tags or "").split() if tag.startswith(PLACE)]


@register.filter
def at_top(messages):
    """The messages that stand at the top of the page: those placed nowhere else."""
    return [message for message in messages if not _places(message)]


def placed(messages, place):
    """The messages to be shown at ``place``."""
    return [message for message in messages if at(place) in _places(message)]


@register.simple_tag(takes_context=True)
def messages_at(context, *place):
    """The messages placed at ``place``, each a paragraph, for the part of the page there:
    ``{% messages_at "plan" %}``; a place of several parts is their text joined
    (``{% messages_at "comment-" comment.pk %}``)."""
    messages = context.get("messages")
    if not messages:
        return ""
    return joined(
        f'<p class="message {esc(message.level_tag)}" role="status">{esc(message)}</p>'
        for message in placed(messages, "".join(str(part) for part in place))
    )


@register.simple_tag
def error_summary(form):
    """Above a form sent back with a field's error, what says so at once: "Not saved"
    and a link to each field wrong, in an alert the page's script moves the focus to
    (static/js/site.js). The errors themselves stand beside their fields; on a phone the
    first was often below the screen's foot, and a screen reader heard nothing."""
    wrong = [field for field in form.visible_fields() if field.errors]
    if not wrong or form.non_field_errors():
        return ""
    links = joined(
        f'<li><a href="#{esc(field.id_for_label)}">{esc(field.label)}</a></li>' for field in wrong
    )
    said = esc(_("Not saved: what is wrong is said beside each of these fields."))
    return safe(
        f'<div class="error error-summary" role="alert" tabindex="-1">'
        f"<p>{said}</p><ul>{links}</ul></div>"
    )
