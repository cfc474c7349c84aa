"""A list's filter that names nothing the library has (a topic, an organisation or a
model that none is called): a client error, 400 with the parameter, its value and the
values named alike, rather than an empty list with no word of why. A value the library
has, with nothing to list, is an empty list as before."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from papers.filters import alike, paper_filter_options
from papers.models import LanguageModel, Organization

NO_TOPIC = gettext_lazy("No topic is called “%(value)s”.")
NO_ORGANIZATION = gettext_lazy("No organization is called “%(value)s”.")
NO_MODEL = gettext_lazy("No model is called “%(value)s”.")


class UnknownValue(Exception):
    """Answered with 400 and schemas.UnknownValue (api.main)."""

    def __init__(self, parameter, value, message, values):
        super().__init__(message)
        self.parameter, self.value, self.message, self.values = parameter, value, message, values

    def body(self):
        """The answer's body: the API's error (``detail``, the message in the caller's
        language, naming the values alike) with the parameter, value and values alike."""
        detail = self.message
        if self.values:
            detail = _("%(message)s Did you mean %(values)s?") % {
                "message": detail,
                "values": get_text_list(self.values, _("or")),
            }
        return {
            "detail": detail,
            "parameter": self.parameter,
            "value": self.value,
            "alike": self.values,
        }


def check_paper_filters(filters):
    """The paper list's topic and org: one of the site filter's options (kept until the
    library changes: no query) or a topic or organisation no paper has (its list empty)."""
    if not (filters.topic or filters.org):
        return
    options = paper_filter_options()
    _check("topic", filters.topic, Tag, NO_TOPIC, options["topics"])
    _check("org", filters.org, Organization, NO_ORGANIZATION, options["organizations"])


def check_model_filters(filters):
    """The model list's organization and family (its root model's slug)."""
    _check("organization", filters.organization, Organization, NO_ORGANIZATION)
    _check("family", filters.family, LanguageModel, NO_MODEL)


def check_note_filters(filters):
    """The note list's tag (a topic) and model."""
    _check("tag", filters.tag, Tag, NO_TOPIC)
    _check("model", filters.model, LanguageModel, NO_MODEL)


def _check(parameter, value, model, message, offered=None):
    """Raise UnknownValue when ``value`` is given and no record of ``model`` has it as its
    slug: neither one of the ``offered`` (slug, label) options nor, asked then, any other.
    The values alike (papers.filters.alike, as the site's lists offer them) are of the
    options offered, else of every record's slug and name (read only then)."""
    if not value or any(slug == value for slug, _label in offered or ()):
        return
    if model.objects.filter(slug=value).exists():
        return
    choices = offered if offered is not None else model.objects.values_list("slug", "name")
    values = [str(slug) for slug, _label in alike(value, choices)]
    raise UnknownValue(parameter, value, message % {"value": value}, values)
