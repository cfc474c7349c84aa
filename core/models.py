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

    Subclasses list their pairs in ``markdown_fields`` as source → HTML field. After
    rendering, ``wikilink_targets`` holds the records the text links to, as
    (model label, pk) pairs, for subclasses that keep track of mentions.
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
        self.record_mentions()

    def render_markdown(self, resolve_wikilink=None):
        """Render every Markdown field; resolve_wikilink, if given, is a wikilinks.Index."""
        from core import wikilinks
        from core.markdown import render_document

        resolver = resolve_wikilink or wikilinks.Index.for_texts(
            getattr(self, source) for source in self.markdown_fields
        )
        targets = []
        for source, target in self.markdown_fields.items():
            rendered = render_document(getattr(self, source), resolve_wikilink=resolver)
            setattr(self, target, rendered.html)
            targets.extend(rendered.wikilinks)
        self.wikilink_targets = {found for name in targets if (found := resolver.locate(name))}

    def record_mentions(self):
        """Store what the text links to; a no-op unless a subclass keeps mentions."""
