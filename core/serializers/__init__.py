"""Django's serialisation formats, able to write history rows that point at deleted records.

Registered over the built-in names in settings.SERIALIZATION_MODULES, so that
``dumpdata --natural-foreign`` and ``manage.py backup`` work after a paper or note
that the history remembers has been deleted.
"""

from django.core.exceptions import ObjectDoesNotExist


class DanglingReferences:
    """Write a reference to a deleted record by its key instead of failing.

    A history row keeps the id of, say, a paper deleted since; that paper has no
    natural key any more, and its number is what the history row stored.
    """

    def handle_fk_field(self, obj, field):
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            self._current[field.name] = getattr(obj, field.attname)
