"""``{% detached object as rows %}``: what keeps existing when a record is deleted, but
loses its link to it, for the admin's delete page (Django lists only what is deleted
with it: deleting LLaMA said nothing of the eleven models that would lose their base)."""

from django import template
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import pgettext

register = template.Library()

SHOWN = 5  # records named per kind; the rest counted


@register.simple_tag
def detached(obj):
    """Return [(label, count, [names of the first few])] for the records pointing at obj
    through a link that deleting it clears (a foreign key set to NULL, a many-to-many)."""
    if not isinstance(obj, models.Model) or obj.pk is None:
        return []
    rows = []
    for relation in obj._meta.related_objects:
        model = relation.related_model
        # Cascaded links Django lists itself; a history's copies are left as they are.
        if model._meta.auto_created or not (
            relation.many_to_many or relation.on_delete is models.SET_NULL
        ):
            continue
        records = model._default_manager.filter(**{relation.field.name: obj})
        count = records.count()
        if count:
            label = pgettext(
                "records of a kind, then the link they lose", "%(records)s (%(link)s)"
            ) % {
                "records": capfirst(model._meta.verbose_name_plural),
                "link": relation.field.verbose_name,
            }
            names = [str(record) for record in records[:SHOWN]]
            rows.append((label, count, names))
    return rows
