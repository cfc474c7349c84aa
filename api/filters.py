"""A list's filter that names nothing the library has (a topic, an organisation, a model
or a paper that none is called; a group or note the caller has none of): a client error,
400 with the parameter, its value and the values named alike, rather than an empty list
with no word of why. A value the library has, with nothing to list, is an empty list as
before."""

from django.db.models import Q
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from notes.models import Note, ReadingGroup, TaggedNote
from papers.filters import alike, paper_filter_options
from papers.models import (
    LanguageModel,
    Organization,
    Paper,
    TaggedDataset,
    TaggedModel,
    TaggedPaper,
)

NO_TOPIC = gettext_lazy("No topic is called “%(value)s”.")
NO_ORGANIZATION = gettext_lazy("No organization is called “%(value)s”.")
NO_MODEL = gettext_lazy("No model is called “%(value)s”.")
NO_PAPER = gettext_lazy("No paper is called “%(value)s”.")
NO_GROUP = gettext_lazy("None of your groups is called “%(value)s”.")
NO_GROUP_WITH_NOTES = gettext_lazy(
    "No group of yours or with notes you may read is called “%(value)s”."
)
NO_NOTE = gettext_lazy("No note you may read is called “%(value)s”.")


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


def check_paper_filters(filters, user):
    """The paper list's topic and org: one of the site filter's options (kept until the
    library changes: no query) or a topic or organisation no paper has (its list empty).
    A topic is one the caller may see used (``topics_seen_by``): one of another group's
    private note alone answered an empty list, one of no record 400, and told that it
    was in use."""
    if not (filters.topic or filters.org):
        return
    options = paper_filter_options()
    _check("topic", filters.topic, topics_seen_by(user), NO_TOPIC, options["topics"])
    _check("org", filters.org, Organization.objects, NO_ORGANIZATION, options["organizations"])


def check_model_filters(filters):
    """The model list's organization and family (its root model's slug)."""
    _check("organization", filters.organization, Organization.objects, NO_ORGANIZATION)
    _check("family", filters.family, LanguageModel.objects, NO_MODEL)


def check_note_filters(filters, user):
    """The note list's tag (a topic) and model. The topics known are those the caller
    may see used (``topics_seen_by``): the answer and the names offered alike are the
    same whether another group's private note has a topic or not."""
    _check("tag", filters.tag, topics_seen_by(user), NO_TOPIC)
    _check("model", filters.model, LanguageModel.objects, NO_MODEL)


def topics_seen_by(user):
    """The topics of the library (its papers', models' and datasets', which every
    member sees) and of the notes the user may read. Every topic was known: the names
    offered for a topic mistyped told any member those of other groups' private notes."""
    used = [
        through.objects.values("tag_id") for through in (TaggedPaper, TaggedModel, TaggedDataset)
    ]
    used.append(
        TaggedNote.objects.filter(content_object__in=Note.objects.visible_to(user)).values("tag_id")
    )
    seen = Q()
    for tag_ids in used:
        seen |= Q(pk__in=tag_ids)
    return Tag.objects.filter(seen)


def check_record_filters(filters, user, notes=False):
    """A list's paper, group and note (those of them it filters by): one the caller may
    read, or 400. A group is looked for among the caller's own and, for a list of notes or
    comments (``notes``), those whose notes they may read (another group's notes for
    everyone); a note among those they may read: the answer is the same whether another
    group or a private note exists or not. The groups alike are offered (there are a
    few), no paper or note (a library has thousands). Return the paper's id (None
    without a paper), for the list to filter by without looking the paper up again."""
    paper = _check("paper", getattr(filters, "paper", None), Paper.objects, NO_PAPER, offered=())
    if group := getattr(filters, "group", None):
        groups, message = ReadingGroup.objects.visible_to(user), NO_GROUP
        if notes:
            groups = ReadingGroup.objects.filter(
                Q(pk__in=groups.values("pk"))
                | Q(pk__in=Note.objects.visible_to(user).values("group_id"))
            )
            message = NO_GROUP_WITH_NOTES
        _check("group", group, groups, message)
    if note := getattr(filters, "note", None):
        _check("note", note, Note.objects.visible_to(user), NO_NOTE, offered=())
    return paper


def _check(parameter, value, records, message, offered=None):
    """Raise UnknownValue when ``value`` is given and none of ``records`` (a queryset or
    manager) has it as its slug: neither one of the ``offered`` (slug, label) options nor,
    asked then, any other. The values alike (papers.filters.alike, as the site's lists
    offer them) are of the options offered (none for ``()``), else of every record's slug
    and name (read only then). Return the record's id when it was read, None when
    ``value`` is empty or one of the options offered."""
    if not value or any(slug == value for slug, _label in offered or ()):
        return None
    found = records.filter(slug=value).order_by().values_list("pk", flat=True)[:1]
    if found:
        return found[0]
    choices = offered if offered is not None else records.values_list("slug", "name")
    values = [str(slug) for slug, _label in alike(value, choices)]
    raise UnknownValue(parameter, value, message % {"value": value}, values)
