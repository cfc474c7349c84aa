"""A note's block on the page of its paper, made in Python (``{% note_block note %}``).

Through the template engine a block cost a dozen variable lookups, the visibility's
display (a dict of the choices made on each call) and a date filter; here it is one
string joined from the note's fields, the same inside a shared fragment and outside one.
"""

from django import template
from django.utils import timezone

from core.escaping import esc, safe
from core.templatetags.bilingual import bilingual, pick
from notes.models import Note

register = template.Library()

# A visibility's label (translated when shown), as get_visibility_display() gives it.
VISIBILITY = dict(Note.Visibility.choices)


@register.simple_tag(takes_context=True)
def note_block(context, note):
    """The note's block: its title (in the reader's language) linking to it, who wrote
    it, who may read it, when it was last changed, and its text in the reader's
    languages (``{% bilingual %}``)."""
    byline = note.byline
    wrote = f"<span>{esc(byline)}</span>" if byline else ""
    visibility = VISIBILITY.get(note.visibility, note.visibility)
    day = timezone.localtime(note.updated).date().isoformat()  # as |date:"Y-m-d" writes it
    meta = f"{wrote}<span>{esc(visibility)}</span><span>{day}</span>"
    title = pick(context, note, "title")
    return safe(  # every value escaped; bilingual() is sanitised HTML
        f'\n      <article class="note-block" id="note-{esc(note.slug)}">\n'
        f'        <h3><a href="{esc(note.get_absolute_url())}">{esc(title)}</a></h3>\n'
        f'        <p class="meta">{meta}</p>\n'
        f"        {bilingual(note)}\n"
        f"      </article>"
    )
