"""Admin side of the stale-save check: the hidden revision field on notes and meetings.

The check itself is notes.forms.WritingForm, the same for the site's forms.
"""

from django.contrib.admin.utils import flatten_fieldsets

from notes.forms import WritingForm


class RevisionCheck:
    """Use WritingForm (stale saves refused, text checked) and render its hidden revision
    field; works for a ModelAdmin and for an inline."""

    form = WritingForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        first = (name, {**options, "fields": [*options["fields"], "revision"]})
        return [first, *rest]

    def _without_revision(self, request, obj, kwargs):
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The model field is not editable; the form declares its own hidden one.
        kwargs["fields"] = [name for name in fields if name != "revision"]
        return kwargs

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **self._without_revision(request, obj, kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self._without_revision(request, obj, kwargs))
