"""The glossary and the reading lists."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.addresses import address
from core.models import (
    Bilingual,
    BilingualDescription,
    BilingualTitle,
    NaturalKeyManager,
    Revised,
    TextField,
    TimeStamped,
    as_read,
    refuse_duplicate,
)
from papers.models import Paper, Source

from .groups import ReadingGroup
from .writing import Writing


class GlossaryTerm(Writing):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = Bilingual(models.CharField, _("term"), prefer=("en", "zh"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    body = Bilingual(TextField, _("definition"), markdown=True, blank=True)
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="glossary_terms", verbose_name=_("related papers")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    mention_field = "glossary_term"

    objects = NaturalKeyManager()

    class Meta:
        ordering = [as_read("title_en"), "title_zh"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        if self.title_en and self.title_zh:
            return f"{self.title_en} ({self.title_zh})"
        return self.title

    def clean(self):
        super().clean()
        if not (self.title_en or self.title_zh):
            raise ValidationError(_("Give the term in English or Chinese."))
        for field in ("title_en", "title_zh"):
            refuse_duplicate(self, field, _("This term is already in the glossary:"))

    def get_absolute_url(self):
        return address("notes:glossary") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class ReadingList(BilingualTitle, BilingualDescription, Revised, TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    group = models.ForeignKey(
        ReadingGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reading_lists",
        verbose_name=_("group"),
    )
    papers = models.ManyToManyField(
        Paper, through="ReadingListItem", related_name="reading_lists", verbose_name=_("papers")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = [as_read("title_en"), "title_zh"]
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")

    def clean(self):
        super().clean()
        if not (self.title_en.strip() or self.title_zh.strip()):
            # Untitled, its page had no heading and its deck one slide.
            raise ValidationError(
                {"title_en": _("Give the list a title, in English or Chinese or both.")}
            )

    def get_absolute_url(self):
        return address("notes:readinglist_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="items", verbose_name=_("reading list")
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="reading_list_items", verbose_name=_("paper")
    )
    # Left empty, after the list's last paper (save): a paper added in the admin took 0,
    # above every other.
    position = models.PositiveIntegerField(
        _("position"),
        blank=True,
        help_text=_("Its place in the list; left empty, after the last paper."),
    )
    section = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("A heading the list groups it under.")
    )
    comment = Bilingual(TextField, _("comment"), blank=True)

    class ListPaperManager(models.Manager):
        def get_by_natural_key(self, list_slug, paper_slug):
            return self.get(reading_list__slug=list_slug, paper__slug=paper_slug)

    objects = ListPaperManager()

    class Meta:
        ordering = ["reading_list", "position", "id"]
        verbose_name = _("reading-list item")
        verbose_name_plural = _("reading-list items")
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "paper"], name="unique_list_paper")
        ]

    def __str__(self):
        return f"{self.reading_list} · {self.position}. {self.paper}"

    def natural_key(self):
        return (self.reading_list.slug, self.paper.slug)

    natural_key.dependencies = ["notes.readinglist", "papers.paper"]


@receiver(pre_save, sender=ReadingListItem, dispatch_uid="reading-list-item-last-place")
def _last_place(sender, instance, using=None, **kwargs):
    """A paper with no position goes after the list's last, on loads from fixtures (raw,
    which skip save()) too: a hand-written fixture without positions did not load."""
    if instance.position is None:
        items = ReadingListItem.objects.using(using)
        last = items.filter(reading_list_id=instance.reading_list_id).aggregate(
            last=models.Max("position")
        )["last"]
        instance.position = (last or 0) + 1
