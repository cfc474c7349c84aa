"""Resolve ``[[wiki links]]`` to the pages of models, papers, datasets and glossary terms.

A target is matched, case-insensitively, against (in this order) a model's name
or slug, a paper's slug, arXiv ID or title, a dataset's name or slug, and a
glossary term (English, Chinese, abbreviation or slug). A prefix picks the kind
when names collide: ``[[dataset:BookCorpus]]``, ``[[paper:…]]``, ``[[model:…]]``,
``[[term:…]]``.
"""

from django.apps import apps
from django.db.models import Q

# kind prefix → (model label, title field, fields matched exactly, fields matched ignoring case)
KINDS = {
    "model": ("papers.LanguageModel", "name", [], ["name", "slug"]),
    "paper": ("papers.Paper", "title", ["arxiv_id"], ["slug", "title"]),
    "dataset": ("papers.Dataset", "name", [], ["name", "slug"]),
    "term": ("notes.GlossaryTerm", "term", ["term_zh"], ["term", "abbreviation", "slug"]),
}


def split_kind(target):
    """Return (kind or None, name) for a target such as 'dataset:BookCorpus'."""
    prefix, sep, rest = target.partition(":")
    if sep and prefix.strip().lower() in KINDS and rest.strip():
        return prefix.strip().lower(), rest.strip()
    return None, target.strip()


def resolve(target):
    """Return (url, title) for a wiki-link target, or None when nothing matches."""
    kind, name = split_kind(target)
    if not name:
        return None
    for key in [kind] if kind else KINDS:
        label, title_field, exact, loose = KINDS[key]
        condition = Q()
        for field in exact:
            condition |= Q(**{field: name})
        for field in loose:
            condition |= Q(**{f"{field}__iexact": name})
        obj = apps.get_model(label).objects.filter(condition).order_by("pk").first()
        if obj is not None:
            return obj.get_absolute_url(), getattr(obj, title_field)
    return None


class Index:
    """Resolve many targets from one in-memory snapshot (for bulk re-rendering)."""

    def __init__(self):
        self.names = {key: {} for key in KINDS}
        for key, (label, title_field, exact, loose) in KINDS.items():
            fields = {title_field, *exact, *loose}
            for obj in apps.get_model(label).objects.order_by("-pk").only(*fields):
                entry = (obj.get_absolute_url(), getattr(obj, title_field))
                for field in exact:
                    if value := getattr(obj, field):
                        self.names[key][value] = entry
                for field in loose:
                    if value := getattr(obj, field):
                        self.names[key][value.lower()] = entry

    def __call__(self, target):
        kind, name = split_kind(target)
        if not name:
            return None
        for key in [kind] if kind else KINDS:
            names = self.names[key]
            found = names.get(name) or names.get(name.lower())
            if found:
                return found
        return None
