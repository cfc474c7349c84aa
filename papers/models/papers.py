"""Papers: the arXiv identifier rule, the list and detail read rules."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.models import Bilingual, BilingualTitle, TimeStamped

from .sources import Organization, Source, TaggedItem

# New-style identifiers (0704.0001 onwards) with an optional version suffix.
ARXIV_ID_RE = re.compile(r"^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$")  # ASCII digits only
validate_arxiv_id = RegexValidator(
    ARXIV_ID_RE,
    _("Enter an arXiv identifier such as 2303.18223 (four digits, a dot, four or five digits)."),
    code="invalid_arxiv_id",
)


class TaggedPaper(TaggedItem):
    content_object = models.ForeignKey("Paper", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_paper_tag")
        ]


class PaperQuerySet(models.QuerySet):
    def for_list(self):
        """Return papers with what a list row shows of the knowledge base: organisations
        and topics. (reading.queries.paper_rows adds the reader's notes and meetings.)"""
        return self.prefetch_related("organizations", "tags")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Paper(BilingualTitle, TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    authors = models.TextField(_("authors"), blank=True, help_text=_("As the paper lists them."))
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="papers", verbose_name=_("organizations")
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    arxiv_id = models.CharField(
        _("arXiv ID"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_arxiv_id],
        error_messages={"unique": _("A paper with this arXiv ID is already in the library.")},
        help_text=_("For example 2303.18223."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    pdf_url = models.URLField(_("PDF"), max_length=500, blank=True)
    code_url = models.URLField(_("code repository"), max_length=500, blank=True)
    summary = Bilingual(models.TextField, _("summary"), blank=True)
    remarks = models.TextField(
        _("curation remarks"),
        blank=True,
        help_text=_("Where the sources disagree, and what the record's values rest on."),
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(through=TaggedPaper, blank=True, verbose_name=_("topics"))

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-month", "title_en"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        indexes = [
            # The paper list's (and, with -id, the admin's) default order: a page of 25
            # is read from the index instead of sorting the whole library.
            models.Index(fields=["-year", "-month", "title_en", "-id"], name="paper_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="paper_month_in_range",
            ),
        ]

    def get_absolute_url(self):
        return reverse("reading:paper_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not (self.title_en or self.title_zh):
            raise ValidationError({"title_en": _("Give the paper's title.")})

    def save(self, *args, **kwargs):
        # An empty identifier is stored as NULL so that uniqueness ignores it.
        self.arxiv_id = (self.arxiv_id or "").strip() or None
        super().save(*args, **kwargs)

    @property
    def arxiv_abs_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self):
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""
