"""Where records come from (sources) and who publishes them (organisations); tag links."""

import functools
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItemBase

from core.addresses import address
from core.compiled import MARKS, compiled_rows
from core.language import in_interface_language, shown_name, sort_key
from core.models import Bilingual, NaturalKeyManager, Revised, TextField, as_read


class Source(models.Model):
    """Where a record came from: one of the group's documents, or a member."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Source document")
        MEMBER = "member", _("Entered by a member")
        IMPORT = "import", _("Import")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    # Pages name a document in the reader's language; ``title`` reads the English one first.
    title = Bilingual(models.CharField, _("title"), prefer=("en", "zh"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DOCUMENT)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description = TextField(_("description"), blank=True)

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        """The title in the interface's language, as the site's pages show it: the admin
        in Chinese listed "Obsidian note “Large language model”" where the pages say
        "Obsidian 笔记《大语言模型》"."""
        return in_interface_language(self, "title")

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not (self.title_en or self.title_zh):
            raise ValidationError({"title_en": _("Give the source's title.")})


class Organization(Revised):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = [as_read("name")]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    @property
    def shown_name(self):
        """Its name as a list shows it: the Chinese one in the Chinese interface, where
        it has one (谷歌, 清华大学)."""
        return shown_name(self.name, self.name_zh)

    def get_absolute_url(self):
        return address("reading:organization_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


class TaggedNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, object_slug, tag_name):
        return self.get(content_object__slug=object_slug, tag__name=tag_name)


# The topics field's help (taggit's own says "A comma-separated list of tags.").
TOPICS_HELP = _("Topics, separated by commas; a name not yet in use makes a new topic.")


class TaggedItem(TaggedItemBase):
    """Base for per-model tag links that fixtures can name without primary keys."""

    objects = TaggedNaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)


class TopicNameManager(models.Manager):
    def get_by_natural_key(self, tag_name):
        return self.get(tag__name=tag_name)

    def rename(self, tag, name_zh):
        """Give the topic this Chinese name, or none when it is blank; write only a
        change (each moves on what shows topics and indexes their records again)."""
        name_zh = name_zh.strip()
        current = self.filter(tag=tag).first()
        if not name_zh:
            if current is not None:
                current.delete()
        elif current is None or current.name_zh != name_zh:
            self.update_or_create(tag=tag, defaults={"name_zh": name_zh})


class TopicName(models.Model):
    """A topic's Chinese name, shown instead of its name when the interface speaks
    Chinese. taggit's Tag has one name and no room for another: this record, keyed by
    its tag, holds it (read with the topic, ``chinese_name``, in a LEFT JOIN), and is
    edited on the topic's admin page."""

    tag = models.OneToOneField(
        Tag,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="chinese_name",
        verbose_name=_("topic"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)

    # Shown as part of its topic (core.pagecache): a change makes stale what shows topics.
    stamped_as = "taggit.tag"

    objects = TopicNameManager()

    class Meta:
        verbose_name = _("topic's Chinese name")
        verbose_name_plural = _("topics' Chinese names")

    def __str__(self):
        return self.name_zh

    def natural_key(self):
        return (self.tag.name,)

    natural_key.dependencies = ["taggit.tag"]


class Topic(NamedTuple):
    """A topic as pages show it: its slug (the paper list's filter), its name and its
    Chinese name ("" when it has none)."""

    slug: str
    name: str
    name_zh: str = ""

    @property
    def shown_name(self):
        """Its name in the interface's language (core.language.shown_name)."""
        return shown_name(self.name, self.name_zh)

    @classmethod
    def of(cls, tag):
        """The Topic of a Tag, its Chinese name read with it (``chinese_name`` selected
        or prefetched; else read now)."""
        chinese = getattr(tag, "chinese_name", None)  # None when it has none
        return cls(tag.slug, tag.name, chinese.name_zh if chinese else "")


def in_name_order(topics):
    """The topics in the order of the names they are shown by (core.language.sort_key:
    in the Chinese interface, by pinyin), whatever order the database read them in."""
    return sorted(topics, key=lambda topic: sort_key(topic.shown_name))


def topics_prefetch(model):
    """Return a Prefetch of the model's topic links with their tags and Chinese names (as
    ``topic_links``), for ``Topical.topics``: taggit's own prefetch of ``tags`` builds a
    queryset for every record, a tenth of a list page's time, and takes no select_related."""
    through = model.tags.through
    links = through._meta.get_field("content_object").remote_field.get_accessor_name()
    return Prefetch(
        links,
        through.objects.select_related("tag__chinese_name").order_by("tag__name"),
        to_attr="topic_links",
    )


def topic_names(model, pks):
    """Return (pk, topic name, its Chinese name or None) for each topic of the model's
    records of the pks: for a page of records (up to len(MARKS)) by SQL compiled once per
    number of records."""
    if len(pks) > len(MARKS):
        return list(_topic_name_rows(model)(*pks))
    return _compiled_topic_name_rows(model)(*pks)


def _topic_name_rows(model):
    through = model.tags.through
    return lambda *pks: through.objects.filter(content_object__in=pks).values_list(
        "content_object", "tag__name", "tag__chinese_name__name_zh"
    )


@functools.cache
def _compiled_topic_name_rows(model):
    return compiled_rows(_topic_name_rows(model))


class Topical:
    """A record with topics (``tags``)."""

    @property
    def topics(self):
        """The record's topics (Topic) in the order of their shown names, from
        topics_prefetch when the query made it."""
        links = getattr(self, "topic_links", None)
        if links is None:
            tags = self.tags.select_related("chinese_name")
        else:
            tags = [link.tag for link in links]
        return in_name_order(Topic.of(tag) for tag in tags)
