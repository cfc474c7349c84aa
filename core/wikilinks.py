"""Resolve ``[[wiki links]]`` to the pages of papers, models, datasets and terms."""


def resolve(target):
    """Return (url, title) for a wiki-link target, or None when nothing matches."""
    from django.apps import apps
    from django.db.models import Q

    name = target.strip()
    if not name:
        return None
    lookups = [
        ("papers.LanguageModel", Q(name__iexact=name) | Q(slug__iexact=name), "name"),
        ("papers.Paper", Q(slug__iexact=name) | Q(arxiv_id=name) | Q(title__iexact=name), "title"),
        ("papers.Dataset", Q(name__iexact=name) | Q(slug__iexact=name), "name"),
        (
            "notes.GlossaryTerm",
            Q(term__iexact=name)
            | Q(term_zh=name)
            | Q(abbreviation__iexact=name)
            | Q(slug__iexact=name),
            "term",
        ),
    ]
    for label, condition, title_field in lookups:
        obj = apps.get_model(label).objects.filter(condition).first()
        if obj is not None:
            return obj.get_absolute_url(), getattr(obj, title_field)
    return None
