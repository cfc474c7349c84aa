"""Topics typed in a form, read as the library's topics (settings.TAGGIT_TAGS_FROM_STRING).

The text is split into names as core.topics.parse_topics splits it. A name that is the
Chinese name of a topic (``TopicName``) is that topic: the Chinese interface shows the
topic Surveys as 综述, and a member who typed 综述 made a second topic, 综述, which the
site then showed alike (found walking the site). A name that is a topic's own name
stays that topic, whatever other topic is called so in Chinese.
"""

from django.db.models import Q
from taggit.models import Tag

from core.topics import parse_topics

from .models import TopicName


def topic_names(text):
    """Return the sorted, unique names of the topics typed in ``text``, each Chinese
    name of a topic replaced by the topic's name."""
    return as_topics(parse_topics(text))


def as_topics(names):
    """Return the sorted, unique ``names``, each Chinese name of a topic replaced by the
    topic's name (a list given as it is: the API's)."""
    chinese = dict(TopicName.objects.filter(name_zh__in=names).values_list("name_zh", "tag__name"))
    if chinese:
        # Topics are named in any case (TAGGIT_CASE_INSENSITIVE): one named so keeps it.
        named = Q()
        for zh in chinese:
            named |= Q(name__iexact=zh)
        own = {name.casefold() for name in Tag.objects.filter(named).values_list("name", flat=True)}
        chinese = {zh: name for zh, name in chinese.items() if zh.casefold() not in own}
    return sorted({chinese.get(name, name) for name in names})
