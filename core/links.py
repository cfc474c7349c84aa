"""Names for the link models Django makes for each many-to-many field (a model's papers,
its sources): the admin's delete page and history list them. Django names them at
import, in the language active then ("Languagemodel-paper关系" on an English page), by
class name, and each row "LanguageModel_papers object (20)"."""

from django.apps import apps
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext


def _name(from_model, to_model, plural=False):
    names = {"from": from_model._meta.verbose_name, "to": to_model._meta.verbose_name}
    if plural:
        return gettext("%(from)s-%(to)s relationships") % names
    return gettext("%(from)s-%(to)s relationship") % names


lazy_name = lazy(_name, str)


def _linked(link):
    """A link row by the two records it links: "LLaMA — Attention Is All You Need"."""
    ends = [f for f in link._meta.fields if f.is_relation]
    return " — ".join(str(getattr(link, f.name)) for f in ends)


def name_link_models():
    """Give every automatic many-to-many link model names in the reader's language and
    rows named by what they link (a link model with a __str__ of its own keeps it)."""
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.auto_created:
            continue
        from_model, to_model = (f.remote_field.model for f in opts.fields if f.is_relation)
        opts.verbose_name = lazy_name(from_model, to_model)
        opts.verbose_name_plural = lazy_name(from_model, to_model, plural=True)
        if model.__str__ is models.Model.__str__:
            model.__str__ = _linked
