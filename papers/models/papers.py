"""Papers of the knowledge base, stored under their arXiv identifier when they have one."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.addresses import address
from core.language import colon
from core.models import (
    Bilingual,
    BilingualTitle,
    Literal,
    Revised,
    TextField,
    TimeStamped,
    as_read,
    linked_message,
    message_and_link,
    refuse_duplicate,
)

from .. import citations
from ..identifiers import (
    ArxivIdField,
    DoiField,
    normalize_arxiv_id,
    normalize_doi,
    title_key,
    validate_arxiv_id,
    validate_arxiv_month,
    validate_doi,
)
from .sources import TOPICS_HELP, Organization, Source, TaggedItem, Topical, topics_prefetch

FIRST_YEAR = 1900  # of a paper: the API's year filter asks the same range


def latest_year():
    """The latest year a paper may have: next year."""
    return timezone.now().year + 1


def validate_year(year):
    """A paper's year is no later than next year (a preprint may be dated ahead of its
    publication): 99999 is a slip of the keyboard, which SQLite would store."""
    latest = latest_year()
    if year is not None and year > latest:
        raise ValidationError(
            _("Enter a year no later than %(latest)s."),
            code="max_value",
            params={"latest": latest},
        )


# Newest first, undated papers last: an expression that an index serves on SQLite and
# PostgreSQL alike (SQLite's indexes cannot say NULLS LAST).
NEWEST_FIRST = [
    Coalesce("year", Literal(0)).desc(),
    Coalesce("month", Literal(0)).desc(),
    as_read("title_en"),
]


class TaggedPaper(TaggedItem):
    content_object = models.ForeignKey("Paper", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("paper topic")
        verbose_name_plural = _("paper topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_paper_tag")
        ]


class PaperQuerySet(models.QuerySet):
    def for_list(self):
        """Return papers with what a list row shows of the knowledge base: organisations
        and topics (``Paper.topics``). (reading.queries.paper_rows adds the reader's notes
        and meetings.)"""
        return self.prefetch_related("organizations", topics_prefetch(Paper))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Paper(Topical, BilingualTitle, Revised, TimeStamped):
    class Provenance(models.TextChoices):
        ADMIN = "admin", _("Entered in the admin")
        ARXIV = "arxiv", _("arXiv")
        DOI = "doi", _("DOI")
        BIBTEX = "bibtex", _("BibTeX")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    authors = TextField(_("authors"), blank=True, help_text=_("As the paper lists them."))
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="papers", verbose_name=_("organizations")
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR), validate_year]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    arxiv_id = ArxivIdField(
        _("arXiv ID"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_arxiv_id, validate_arxiv_month],
        error_messages={"unique": _("A paper with this arXiv ID is already in the library.")},
        help_text=_("For example 2303.18223, or paste the arXiv link."),
    )
    arxiv_version = models.PositiveSmallIntegerField(
        _("arXiv version"), null=True, blank=True, help_text=_("The latest version seen.")
    )
    doi = DoiField(
        _("DOI"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_doi],
        error_messages={"unique": _("A paper with this DOI is already in the library.")},
        help_text=_("For example 10.18653/v1/2023.acl-long.1; stored in lower case."),
    )
    primary_category = models.CharField(_("primary category"), max_length=40, blank=True)
    categories = models.CharField(
        _("categories"), max_length=300, blank=True, help_text=_("arXiv categories, space apart.")
    )
    comment = TextField(
        pgettext_lazy("arXiv", "comment"), blank=True, help_text=_("The authors' arXiv comment.")
    )
    journal_ref = models.CharField(_("journal reference"), max_length=400, blank=True)
    affiliations = models.JSONField(
        _("affiliations"),
        default=list,
        blank=True,
        help_text=_("One list of affiliations per author, in the authors' order."),
    )
    title_key = models.CharField(
        _("title key"), max_length=200, blank=True, db_index=True, editable=False
    )
    provenance = models.CharField(
        _("added from"), max_length=20, choices=Provenance, default=Provenance.ADMIN
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="added_papers",
        verbose_name=_("added by"),
    )
    citation_key = models.CharField(
        _("citation key"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("As BibTeX cites it, e.g. zhaoSurveyLargeLanguage2023; made when empty."),
        # What BibTeX ends or splits a key at, or reads as TeX.
        validators=[
            RegexValidator(
                r"^[^\s,{}()%#~\\\"'=]+$",
                _("A citation key has no spaces and none of , { } ( ) %% # ~ \\ \" ' =."),
            )
        ],
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    pdf_url = models.URLField(_("PDF"), max_length=500, blank=True)
    code_url = models.URLField(_("code repository"), max_length=500, blank=True)
    summary = Bilingual(TextField, _("summary"), blank=True)
    remarks = TextField(
        _("curation remarks"),
        blank=True,
        help_text=_("Where the sources disagree, and what the record's values rest on."),
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(
        through=TaggedPaper, blank=True, verbose_name=_("topics"), help_text=TOPICS_HELP
    )

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = NEWEST_FIRST
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        indexes = [
            # The paper list's (and, with -id, the admin's) default order: a page of 25
            # is read from the index instead of sorting the whole library.
            models.Index(*NEWEST_FIRST, F("id").desc(), name="paper_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="paper_month_in_range",
            ),
        ]

    def get_absolute_url(self):
        return address("reading:paper_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not (self.title_en or self.title_zh):
            raise ValidationError({"title_en": self._title_needed()})
        key = title_key(self.title_en or self.title_zh)
        if key and not (self.arxiv_id or self.doi):
            # Two papers may share a title; an identifier tells them apart. Titles are
            # compared as the importers compare them, through the indexed title_key.
            refuse_duplicate(
                self,
                "title_en",
                _(
                    "A paper of this title is already in the library (if this is another "
                    "one, give its arXiv ID or DOI):"
                ),
                rows=Paper.objects.filter(title_key=key),
            )

    def _title_needed(self):
        """Ask for the title; when an identifier is given, point to "Add papers", which
        fetches the title and the rest of the record from it (the link carries it)."""
        identifier = self.arxiv_id or self.doi
        if not identifier:
            return _("Give the paper's title.")
        return message_and_link(
            _(
                "Give the paper's title, or let “Add papers” fetch it, with the authors, "
                "the abstract and the rest, from arXiv or doi.org:"
            ),
            f"{address('papers:add')}?{urlencode({'entries': identifier})}",
            _("Add papers") + colon() + identifier,
        )

    def unique_error_message(self, model_class, unique_check):
        """Name and link the paper that already has this arXiv ID."""
        if tuple(unique_check) == ("arxiv_id",):
            existing = Paper.objects.exclude(pk=self.pk).filter(arxiv_id=self.arxiv_id).first()
            if existing is not None:
                return ValidationError(
                    linked_message(
                        _("A paper with this arXiv ID is already in the library:"), existing
                    ),
                    code="unique",
                )
        return super().unique_error_message(model_class, unique_check)

    def save(self, *args, **kwargs):
        # An empty identifier is stored as NULL so that uniqueness ignores it.
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id) or None
        self.doi = normalize_doi(self.doi) or None
        if not self.citation_key:
            taken = Paper.objects.exclude(pk=self.pk).filter(
                citation_key__startswith=citations.base_key(self)
            )
            self.citation_key = citations.unique_key(
                self, set(taken.values_list("citation_key", flat=True))
            )
        super().save(*args, **kwargs)

    @classmethod
    def assign_missing_citation_keys(cls):
        """Give every paper without a citation key one (after bulk or raw loads); return
        how many were given."""
        taken = set(cls.objects.exclude(citation_key=None).values_list("citation_key", flat=True))
        missing = list(cls.objects.filter(citation_key=None).order_by("pk"))
        for paper in missing:
            paper.citation_key = citations.unique_key(paper, taken)
            taken.add(paper.citation_key)
        cls.objects.bulk_update(missing, ["citation_key"], batch_size=1000)
        return len(missing)

    @property
    def organization_names(self):
        """The organisations' names (prefetched, or one query), as a list row shows them
        (papers.tables.paper_facts)."""
        return [organization.shown_name for organization in self.organizations.all()]

    @property
    def author_list(self):
        """The authors, one name each, in order."""
        return citations.split_authors(self.authors)

    @property
    def authors_shown(self):
        """The author line as a page shows it, a group's braces left out ("{Meta AI,
        FAIR}, Hugo Touvron": one name, as an import stores it)."""
        return citations.shown_authors(self.authors)

    @property
    def category_list(self):
        return self.categories.split()

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_abs_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self):
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""


@receiver(pre_save, sender=Paper, dispatch_uid="paper-title-key")
def _set_title_key(sender, instance, **kwargs):
    """Keep the duplicate check's title key, on loads from fixtures (raw) too."""
    instance.title_key = title_key(instance.title_en or instance.title_zh)
