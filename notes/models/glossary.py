"""The glossary and the reading lists."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Language, NaturalKeyManager, TimeStamped
from papers.models import Paper, Source

from .groups import ReadingGroup
from .writing import MentionSource


class GlossaryTerm(MentionSource, TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    term = models.CharField(_("term"), max_length=200)
    term_zh = models.CharField(_("Chinese term"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_zh_html = models.TextField(editable=False, blank=True)
    definition_en_html = models.TextField(editable=False, blank=True)
    translation = models.CharField(_("translated side"), max_length=2, choices=Language, blank=True)
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="glossary_terms", verbose_name=_("related papers")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    mention_field = "glossary_term"
    markdown_fields = {"definition_zh": "definition_zh_html", "definition_en": "definition_en_html"}

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return f"{self.term} ({self.term_zh})" if self.term_zh else self.term

    def get_absolute_url(self):
        return reverse("notes:glossary") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class ReadingList(TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
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
        ordering = ["title"]
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notes:readinglist_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="items", verbose_name=_("reading list")
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="reading_list_items", verbose_name=_("paper")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    section = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("A heading the list groups it under.")
    )
    comment_zh = models.TextField(_("comment (Chinese)"), blank=True)
    comment_en = models.TextField(_("comment (English)"), blank=True)

    class ListPaperManager(models.Manager):
        def get_by_natural_key(self, list_slug, paper_slug):
            return self.get(reading_list__slug=list_slug, paper__slug=paper_slug)

    objects = ListPaperManager()

    class Meta:
        ordering = ["reading_list", "position"]
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
