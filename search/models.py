"""The search index: one row per searchable record, kept current by signals."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PAPER = "papers", _("Papers")
    MODEL = "models", _("Models")
    DATASET = "datasets", _("Datasets")
    GLOSSARY = "glossary", _("Glossary")
    NOTE = "notes", _("Notes")
    MEETING = "meetings", _("Meetings")
    COMMENT = "comments", _("Comments")


# What every member may read: spelling suggestions come only from these kinds' words, and
# are weighed by how many of their documents hold them. The words of a private note must
# not be offered to someone else as "did you mean".
SHARED_KINDS = (Kind.PAPER, Kind.MODEL, Kind.DATASET, Kind.GLOSSARY)


class SearchDocument(models.Model):
    """What search matches for one record: its title-like text and its body as plain text.

    ``head`` holds every title-like field (both languages, arXiv ID, abbreviation);
    a match there ranks above a match in ``body``. ``cjk_bigrams`` lists the text's
    two- and three-character Chinese sequences, so that Chinese words are found by
    index (one of two or three characters by the index alone), and the
    arXiv identifiers it contains, so that one inside a link is found too.
    The column keeps its first name; the database's own indexes over these columns
    (PostgreSQL GIN, SQLite FTS5) are created in the migrations (search.backends).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=400)
    # A note's or a meeting's English title where its title is its Chinese one: the
    # English interface shows it as the hit's title, and the Chinese one beside it
    # (search.query.shown_titles); the Chinese interface, the other way round.
    title_en = models.CharField(_("English title"), max_length=400, blank=True)
    subtitle = models.CharField(_("subtitle"), max_length=400, blank=True)
    # The subtitle as the English interface shows it, where it differs: a meeting's
    # group or a note's source named in English, where ``subtitle`` names it in Chinese
    # (search.index.subtitles, shown_titles).
    subtitle_en = models.CharField(_("English subtitle"), max_length=400, blank=True)
    url = models.CharField(_("URL"), max_length=300)
    head = models.TextField(_("title text"))
    body = models.TextField(_("body text"), blank=True)
    # Which of the body's parts (search.text.paragraphs) is the record's English text,
    # where it has a Chinese one first (search.index.texts): the English interface's
    # snippet shows that part where it has a match or where no part has one (a hit
    # matched by its title alone); the Chinese interface's, the first part.
    english_part = models.PositiveSmallIntegerField(_("English part of the body"), default=0)
    cjk_bigrams = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Breaks ties between equally good matches.")
    )
    # Who may see a note or meeting is decided by Note/Meeting.objects.visible_to();
    # these copies are for display and for the admin. A comment carries those of what
    # it is about (a paper's discussion: its group's, as a meeting's).
    visibility = models.CharField(_("visibility"), max_length=10, blank=True)
    group_id = models.PositiveBigIntegerField(null=True, blank=True)
    author_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="unique_search_document"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="search_doc_kind_object")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    def get_absolute_url(self):
        return self.url


class SearchWord(models.Model):
    """A word of the index, for "did you mean" suggestions on a misspelt query."""

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word
