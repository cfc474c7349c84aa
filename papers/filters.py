"""What the paper filters offer (site and admin), cached until the content changes."""

import difflib
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.fragments import kept, prefetch
from core.language import interface_language, sort_key

from .citations import EXPORT_TYPES
from .models import Organization, Paper, Source, TaggedPaper, Topic

FILTER_CHOICES_TTL = 24 * 3600  # seconds; any change to the content starts afresh anyway


FILTER_SOURCES = ["papers.paper", "papers.organization", "taggit.tag", "taggit.taggeditem"]
FILTER_SOURCES += ["papers.paper_organizations", "papers.source", "papers.paper_sources"]


def paper_filter_choices():
    """Return the topics, organisations, sources and years the paper filters offer (the
    site's and the admin's), cached until
    the content changes (each is a scan of the library: too costly for every list view)."""

    def compute():
        return {
            "topics": list(
                Tag.objects.filter(
                    Exists(TaggedPaper.objects.filter(tag=OuterRef("pk")))
                ).select_related("chinese_name")
            ),
            "organizations": list(
                Organization.objects.filter(
                    Exists(Paper.organizations.through.objects.filter(organization=OuterRef("pk")))
                )
            ),
            "sources": list(
                Source.objects.filter(
                    Exists(Paper.sources.through.objects.filter(source=OuterRef("pk")))
                )
            ),
            "years": list(
                Paper.objects.exclude(year=None)
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            ),
        }

    return _kept("choices", compute)


def paper_filter_options():
    """Return the site's filter options as (value, label) pairs, cached as
    ``paper_filter_choices`` and kept once per interface language: topics (slug, name in
    that language, in the order of those names), organisations (slug, name in that
    language, where it has one), years.
    Unpickling the records themselves costs a paper list ~0.3 ms more."""

    def compute():
        choices = paper_filter_choices()
        return {
            "topics": topic_options(choices["topics"]),
            "organizations": [
                (org.slug, org.shown_name) for org in _shown_organizations(choices["organizations"])
            ],
            "years": [(year, year) for year in choices["years"]],
        }

    return _kept("options", compute)


def topic_options(tags):
    """Return the topic filter's (slug, label) options of the tags (read with their
    Chinese names): each by its name in the interface's language, in the order of those
    names."""
    return [(topic.slug, topic.shown_name) for _tag, topic in shown_topics(tags)]


def shown_topics(tags):
    """(tag, Topic) of each of the tags, in the order of their names in the interface's
    language (core.language.sort_key: the Chinese ones by their pinyin)."""
    return sorted(((tag, Topic.of(tag)) for tag in tags), key=lambda t: sort_key(t[1].shown_name))


def _shown_organizations(organizations):
    """The organisations in the order of their names in the interface's language
    (core.language.sort_key: the Chinese ones by their pinyin)."""
    return sorted(organizations, key=lambda org: sort_key(org.shown_name))


def admin_filter_lookups(request):
    """Return the admin's paper filter lookups as (value, label) pairs, cached as
    ``paper_filter_choices``: topics, organisations and sources by id, labelled as the
    admin names them; years. Read from the cache once per request: each of the change
    list's four filters asks for them."""

    def compute():
        choices = paper_filter_choices()
        return {
            # Topics and organisations by their names in the interface's language, as the
            # site's filters name them (the records' own str() is their English name).
            "topics": [
                (str(tag.pk), topic.shown_name) for tag, topic in shown_topics(choices["topics"])
            ],
            "organizations": [
                (str(org.pk), org.shown_name)
                for org in _shown_organizations(choices["organizations"])
            ],
            "sources": [(str(source.pk), str(source)) for source in choices["sources"]],
            "years": [(str(year), str(year)) for year in choices["years"]],
        }

    if not hasattr(request, "paper_filter_lookups"):
        read_together("admin-lookups", "count")  # the change list's count, unless filtered
        request.paper_filter_lookups = _kept("admin-lookups", compute)
    return request.paper_filter_lookups


def paper_count():
    """Return the number of papers (the unfiltered count of the admin's change list and
    the site's paper list), cached as ``paper_filter_choices``: a COUNT of the whole
    table on every view of a list reads every row (11 ms of PostgreSQL's time at 100k
    papers)."""
    return _kept("count", Paper.objects.count)


# The kept filter values labelled in the interface's language: one of each per language.
BY_LANGUAGE = {"options", "admin-lookups"}


def _located(name):
    """(name, vary values, models) of a kept filter value (core.fragments.kept)."""
    values = [interface_language()] if name in BY_LANGUAGE else []
    return f"paper-filter-{name}", values, FILTER_SOURCES


def _kept(name, compute):
    """compute()'s value, kept until a paper, organisation, topic or source changes, not
    on every save of the site; with the page cache off too (each is a scan of the
    library). The entry and its stamps come in one round trip to the cache, or none
    after read_together()."""
    return kept(*_located(name), compute, always=True, timeout=FILTER_CHOICES_TTL)


def read_together(*names):
    """Read the kept values of these names ("count", "options", "admin-lookups") and
    their stamps, the same for all, in one round trip for the request being served: a
    list that shows its count and its filters reads both at once. Reading the stamps,
    then each value by a key made of their tokens, had cost a list four round trips
    (0.5 ms of the paper list's cold view)."""
    prefetch([_located(name) for name in names], always=True)


class Choices(NamedTuple):
    """One of a list's parameters, as unknown_choices reads it: its choices as (value,
    label); what the list says of a value that names none of them, with %(value)s; the
    label of the link to the list without it ("" for none); and whether such a value is
    ignored, the list shown as if it were not given (an order, a setting: the message
    says what is shown instead), rather than a filter that then finds nothing."""

    options: list
    message: str
    without_label: str = ""
    ignored: bool = False


# The ``format`` of a list that exports its papers (papers.citations.EXPORT_TYPES): a
# format it has not is ignored, and the list is shown as a page.
EXPORT_FORMAT = Choices(
    [(key, export.label) for key, export in EXPORT_TYPES.items()],
    _("No export format is called “%(value)s”: the list is shown as a page instead."),
    ignored=True,
)


@dataclass
class UnknownChoice:
    """A list's parameter given a value that names none of its choices (an old link's
    topic or order, say): what the list says about it, the list without that parameter,
    and the choices whose names are most alike, each as (query string, label)."""

    message: str
    without: str  # the query string of the list without this parameter
    without_label: str
    alike: list
    ignored: bool = False  # the value was ignored (Choices.ignored), not a filter finding nothing


class UnknownChoices(list):
    """The UnknownChoice of each parameter of a list's query string that names no choice."""

    @property
    def emptied(self):
        """Whether one of them is a filter that found nothing: the notice says why the list
        is empty (an ignored order or setting leaves the list as it is)."""
        return any(not unknown.ignored for unknown in self)


ALIKE = 3  # at most this many choices offered instead of an unknown one
# How alike (difflib's ratio) a choice's value or label must be: "survey" and "surveys"
# are (0.92), "nope" and "openai" are not (0.6).
ALIKE_CUTOFF = 0.7


def unknown_choices(params, filters):
    """Return an UnknownChoice for each parameter whose value in ``params`` (the query
    string) names none of its choices, its links to the first page without any such
    value. ``filters``: {name: Choices}. The choices named alike are offered; when none
    is, those of an ignored parameter with no more than ALIKE choices (reading filters,
    open or closed weights) are all offered, a short list to pick from."""
    named = {
        name: value
        for name, spec in filters.items()
        if (value := params.get(name) or "")
        and not any(str(choice) == value for choice, _label in spec.options)
    }
    # Each notice's links leave out every unknown value, not only its own: "Surveys" in
    # place of ?topic=survey&org=gogle led to another empty list, of org=gogle.
    without = params.copy()
    for name in [*named, "page"]:
        without.pop(name, None)
    unknown = UnknownChoices()
    for name, value in named.items():
        spec = filters[name]
        offered = alike(value, spec.options)
        if not offered and spec.ignored and len(spec.options) <= ALIKE:
            offered = list(spec.options)
        unknown.append(
            UnknownChoice(
                spec.message % {"value": value},
                without.urlencode(),
                spec.without_label,
                [(_with(without, name, choice), label) for choice, label in offered],
                spec.ignored,
            )
        )
    return unknown


def alike(value, choices):
    """Return the (value, label) choices whose value or label is most like ``value``
    (case aside), the likest first."""
    by_text = {}
    for choice, label in choices:
        for text in (str(choice).lower(), str(label).lower()):
            by_text.setdefault(text, (choice, label))
    found = difflib.get_close_matches(value.lower(), by_text, n=ALIKE * 2, cutoff=ALIKE_CUTOFF)
    return list(dict.fromkeys(by_text[text] for text in found))[:ALIKE]


def _with(params, name, value):
    params = params.copy()
    params[name] = value
    return params.urlencode()
