"""Building blocks shared by the apps' models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NaturalKeyManager(models.Manager):
    """Look records up by their slug, so fixtures can refer to them by name."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Language(models.TextChoices):
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RenderedMarkdown(models.Model):
    """Render Markdown source fields to sanitised HTML once, when saved.

    Subclasses list their pairs in ``markdown_fields`` as source → HTML field.
    """

    markdown_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render_markdown()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            kwargs["update_fields"] = touched | {
                target for source, target in self.markdown_fields.items() if source in touched
            }
        super().save(*args, **kwargs)

    def render_markdown(self, resolve_wikilink=None):
        from core.markdown import render
        from core.wikilinks import resolve

        for source, target in self.markdown_fields.items():
            html = render(getattr(self, source), resolve_wikilink=resolve_wikilink or resolve)
            setattr(self, target, html)
