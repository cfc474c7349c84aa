"""How a typed list of topics becomes names (settings.TAGGIT_TAGS_FROM_STRING).

Topics are typed "separated by commas"; in Chinese that comma is the full-width ，or
the enumeration comma 、, which django-taggit does not split on ("大模型，对齐" was one
topic). Outside double quotes they are read as commas, and the rest as taggit reads it
(a quoted name keeps its commas). A name of punctuation only is dropped. Written back
for editing (settings.TAGGIT_STRING_FROM_TAGS), a name with a Chinese comma is quoted
as one with a comma is: "大模型，对齐", kept by the API as one topic, was split into two
by the next edit on the site.
"""

from taggit.utils import _parse_tags

CHINESE_COMMAS = str.maketrans({"，": ",", "、": ","})
# A name holding one of these is quoted for editing: taggit quotes the first two.
QUOTED = frozenset(", ，、")


def parse_topics(text):
    """Return the sorted, unique topic names in ``text``, as taggit's parser does, with
    Chinese commas separating as ASCII ones do."""
    parts = (text or "").split('"')
    parts[::2] = [part.translate(CHINESE_COMMAS) for part in parts[::2]]  # outside quotes
    # A name of signs only (";;", "——") names nothing: a slip of the keyboard.
    return [name for name in _parse_tags('"'.join(parts)) if any(c.isalnum() for c in name)]


def topics_text(tags):
    """The topics as the edit form shows them, read back as the same topics by
    ``parse_topics``: taggit's, a name with a Chinese comma quoted too."""
    names = (tag.name for tag in tags)
    return ", ".join(sorted(f'"{name}"' if QUOTED.intersection(name) else name for name in names))
