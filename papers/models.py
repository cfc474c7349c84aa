"""The shared knowledge base: papers, language models, datasets and benchmarks."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import NaturalKeyManager, TimeStamped

# New-style identifiers (0704.0001 onwards) with an optional version suffix.
ARXIV_ID_RE = re.compile(r"^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$")  # ASCII digits only
validate_arxiv_id = RegexValidator(
    ARXIV_ID_RE,
    _("Enter an arXiv identifier such as 2303.18223 (four digits, a dot, four or five digits)."),
    code="invalid_arxiv_id",
)


class Source(models.Model):
    """Where a record came from: one of the group's documents, or a member."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Source document")
        MEMBER = "member", _("Entered by a member")
        IMPORT = "import", _("Import")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DOCUMENT)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class Organization(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    def get_absolute_url(self):
        return reverse("papers:organization_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class TaggedNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, object_slug, tag_name):
        return self.get(content_object__slug=object_slug, tag__name=tag_name)


class TaggedItem(TaggedItemBase):
    """Base for per-model tag links that fixtures can name without primary keys."""

    objects = TaggedNaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)


class TaggedPaper(TaggedItem):
    content_object = models.ForeignKey("Paper", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_paper_tag")
        ]


@dataclass(frozen=True)
class RelatedRecord:
    name: str
    url: str
    extra: str = ""


def _meetings_of(paper, user):
    """Meetings the user may see that presented the paper or discussed it."""
    from notes.models import Meeting

    discussed = Meeting.papers.through.objects.filter(paper=paper).values("meeting")
    return Meeting.objects.visible_to(user).filter(
        models.Q(paper=paper) | models.Q(pk__in=discussed)
    )


class PaperQuerySet(models.QuerySet):
    def for_list(self, user):
        """Return papers with what a list row shows: organisations, topics, and how many
        notes the user may read and meetings of theirs presented or discussed them
        (subqueries, so that a page of 25 rows costs the same at any size of the library)."""
        from notes.models import Note

        def count_of(queryset):
            counted = (
                queryset.order_by()
                .annotate(one=models.Value(1))
                .values("one")
                .annotate(n=models.Count("pk"))
            )
            return models.functions.Coalesce(
                models.Subquery(counted.values("n")[:1]), 0, output_field=models.IntegerField()
            )

        return self.prefetch_related("organizations", "tags").annotate(
            note_count=count_of(Note.objects.visible_to(user).filter(paper=models.OuterRef("pk"))),
            meeting_count=count_of(_meetings_of(models.OuterRef("pk"), user)),
        )

    def with_notes_visible_to(self, user):
        from notes.models import Note

        return self.filter(
            models.Exists(Note.objects.visible_to(user).filter(paper=models.OuterRef("pk")))
        )

    def presented_to(self, user):
        """Return papers presented or discussed at a meeting of the user's groups."""
        return self.filter(models.Exists(_meetings_of(models.OuterRef("pk"), user)))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Paper(TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=400)
    title_zh = models.CharField(_("Chinese title"), max_length=400, blank=True)
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
    abstract_en = models.TextField(_("summary (English)"), blank=True)
    abstract_zh = models.TextField(_("summary (Chinese)"), blank=True)
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
        ordering = ["-year", "-month", "title"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        indexes = [
            # The paper list's (and, with -id, the admin's) default order: a page of 25
            # is read from the index instead of sorting the whole library.
            models.Index(fields=["-year", "-month", "title", "-id"], name="paper_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="paper_month_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("papers:paper_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        # An empty identifier is stored as NULL so that uniqueness ignores it.
        self.arxiv_id = (self.arxiv_id or "").strip() or None
        super().save(*args, **kwargs)

    def meetings_seen_by(self, user):
        """Return the meetings the user may see that presented or discussed the paper."""
        return _meetings_of(self, user)

    def related_records(self):
        """Return the models, datasets and glossary terms linked to the paper, fetched
        in one query, as {"model": [...], "dataset": [...], "term": [...]} of entries
        with name, url and a short extra (organisation, kind, Chinese term)."""
        from notes.models import GlossaryTerm

        def rows(queryset, kind, label, extra):
            return (
                queryset.order_by()
                .annotate(
                    rel=models.Value(kind),
                    label=models.F(label),
                    link=models.F("slug"),
                    extra=models.functions.Coalesce(
                        extra, models.Value(""), output_field=models.CharField()
                    ),
                )
                .values_list("rel", "label", "link", "extra")
            )

        union = rows(
            LanguageModel.objects.filter(papers=self),
            "model",
            "name",
            models.F("organization__name"),
        ).union(
            rows(Dataset.objects.filter(papers=self), "dataset", "name", models.F("kind")),
            rows(GlossaryTerm.objects.filter(papers=self), "term", "term", models.F("term_zh")),
            all=True,
        )
        urls = {
            "model": lambda slug: reverse("papers:model_detail", kwargs={"slug": slug}),
            "dataset": lambda slug: reverse("papers:dataset_detail", kwargs={"slug": slug}),
            "term": lambda slug: reverse("notes:glossary") + f"#{slug}",
        }
        found = {kind: [] for kind in urls}
        for kind, name, slug, extra in sorted(union, key=lambda row: row[1].casefold()):
            if kind == "dataset":
                extra = Dataset.Kind(extra).label
            found[kind].append(RelatedRecord(name, urls[kind](slug), extra))
        return found

    @property
    def arxiv_abs_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self):
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""


class TaggedDataset(TaggedItem):
    content_object = models.ForeignKey("Dataset", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_dataset_tag")
        ]


class Dataset(TimeStamped):
    class Kind(models.TextChoices):
        PRETRAINING = "pretraining", _("Pre-training corpus")
        INSTRUCTION = "instruction", _("Instruction data")
        BENCHMARK = "benchmark", _("Benchmark")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.BENCHMARK)
    size = models.CharField(
        _("size"), max_length=120, blank=True, help_text=_("As the sources give it: 800GB, 52K …")
    )
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
        verbose_name=_("organization"),
    )
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="datasets", verbose_name=_("papers")
    )
    remarks = models.TextField(_("curation remarks"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(through=TaggedDataset, blank=True, verbose_name=_("topics"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("papers:dataset_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class Ability(models.Model):
    """An ability in the survey's evaluation taxonomy: level → ability → task."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        ADVANCED = "advanced", _("Advanced")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("ability")
        verbose_name_plural = _("abilities")

    def __str__(self):
        return f"{self.get_level_display()} · {self.name}"

    def get_absolute_url(self):
        return reverse("papers:taxonomy") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class EvaluationTask(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ability = models.ForeignKey(
        Ability, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("ability")
    )
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    benchmarks = models.ManyToManyField(
        Dataset, blank=True, related_name="evaluation_tasks", verbose_name=_("benchmarks")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["ability__position", "position", "name"]
        verbose_name = _("evaluation task")
        verbose_name_plural = _("evaluation tasks")
        constraints = [
            models.UniqueConstraint(fields=["ability", "name"], name="unique_task_per_ability")
        ]

    def __str__(self):
        return f"{self.ability.name} · {self.name}"

    def get_absolute_url(self):
        return reverse("papers:taxonomy") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class TaggedModel(TaggedItem):
    content_object = models.ForeignKey("LanguageModel", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_model_tag")
        ]


class LanguageModelQuerySet(models.QuerySet):
    def for_list(self):
        """Return models with their organisation and base model joined."""
        return self.select_related("organization", "base_model")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class LanguageModel(TimeStamped):
    class Relation(models.TextChoices):
        CONTINUED_PRETRAINING = "continued_pretraining", _("continued pre-training")
        INSTRUCTION_TUNING = "instruction_tuning", _("instruction tuning")
        FULL_FINETUNING = "full_finetuning", _("full fine-tuning")
        RLHF = "rlhf", _("RLHF")
        LORA = "lora", _("LoRA")
        ADAPTER = "adapter", _("adapter")
        QUANTISATION = "quantisation", _("quantisation")
        DISTILLATION = "distillation", _("distillation")
        SCALING = "scaling", _("scaled-up successor")
        SUCCESSOR = "successor", _("successor")
        OTHER = "other", _("other")

    class CommercialUse(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        ON_REQUEST = "on_request", _("allowed with permission")
        NOT_ALLOWED = "not_allowed", _("not allowed")
        UNKNOWN = "", _("unknown")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=120)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="models",
        verbose_name=_("organization"),
    )
    released = models.DateField(
        _("release month"),
        null=True,
        blank=True,
        help_text=_("Month precision: the first day of the release month."),
    )
    parameters_b = models.DecimalField(
        _("parameters (billions)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("The largest size, in billions; used for sorting and plots."),
    )
    parameter_sizes = models.CharField(
        _("sizes"),
        max_length=200,
        blank=True,
        help_text=_("Every released size as the sources give them, e.g. 7B, 13B, 33B, 65B."),
    )
    open_weights = models.BooleanField(
        _("open weights"), null=True, blank=True, help_text=_("Empty when the sources do not say.")
    )
    license = models.CharField(_("licence"), max_length=200, blank=True)
    commercial_use = models.CharField(
        _("commercial use"), max_length=20, choices=CommercialUse, blank=True
    )
    architecture = models.CharField(
        _("architecture"), max_length=120, blank=True, help_text=_("e.g. causal decoder")
    )
    layers = models.PositiveIntegerField(_("layers"), null=True, blank=True)
    attention_heads = models.PositiveIntegerField(_("attention heads"), null=True, blank=True)
    hidden_size = models.PositiveIntegerField(_("hidden size (d_model)"), null=True, blank=True)
    vocab_size = models.PositiveIntegerField(_("vocabulary size"), null=True, blank=True)
    context_length = models.PositiveIntegerField(_("context length"), null=True, blank=True)
    training_tokens = models.CharField(_("training tokens"), max_length=120, blank=True)
    tokenizer = models.TextField(
        _("tokenizer"), blank=True, help_text=_("Tokenizer facts: kind, compression rate …")
    )
    hardware = models.TextField(_("hardware"), blank=True)
    facts = models.JSONField(
        _("other facts"),
        default=dict,
        blank=True,
        help_text=_("Further hyperparameters as name → value, as the sources give them."),
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    base_model = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derivatives",
        verbose_name=_("base model"),
    )
    relation = models.CharField(_("relation to base"), max_length=30, choices=Relation, blank=True)
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="language_models", verbose_name=_("papers")
    )
    datasets = models.ManyToManyField(
        Dataset,
        through="ModelDataset",
        blank=True,
        related_name="language_models",
        verbose_name=_("datasets"),
    )
    remarks = models.TextField(_("curation remarks"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(through=TaggedModel, blank=True, verbose_name=_("topics"))

    objects = LanguageModelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["released", "name"]
        verbose_name = _("language model")
        verbose_name_plural = _("language models")
        constraints = [
            models.CheckConstraint(
                condition=~Q(base_model=models.F("pk")), name="model_not_own_base"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("papers:model_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def ancestors(self):
        """Return the chain of base models, nearest first."""
        chain, seen, node = [], {self.pk}, self.base_model
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.base_model
        return chain

    def clean(self):
        super().clean()
        if self.base_model_id is None:
            if self.relation:
                raise ValidationError(
                    {"relation": _("A relation needs a base model to relate to.")}
                )
            return
        if self.pk is not None and self.base_model_id == self.pk:
            raise ValidationError({"base_model": _("A model cannot be its own base model.")})
        if self.pk is not None and any(m.pk == self.pk for m in self.base_model.ancestors()):
            raise ValidationError(
                {
                    "base_model": _("%(base)s descends from %(model)s: that would make a cycle.")
                    % {"base": self.base_model, "model": self}
                }
            )


class ModelDataset(models.Model):
    """A dataset a model was trained or evaluated on."""

    class Role(models.TextChoices):
        PRETRAINING = "pretraining", _("pre-training")
        FINETUNING = "finetuning", _("fine-tuning")
        EVALUATION = "evaluation", _("evaluation")

    model = models.ForeignKey(LanguageModel, on_delete=models.CASCADE, verbose_name=_("model"))
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, verbose_name=_("dataset"))
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class NaturalKeys(models.Manager):
        def get_by_natural_key(self, model_slug, dataset_slug, role):
            return self.get(model__slug=model_slug, dataset__slug=dataset_slug, role=role)

    objects = NaturalKeys()

    class Meta:
        ordering = ["model", "role", "dataset"]
        verbose_name = _("model dataset")
        verbose_name_plural = _("model datasets")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "dataset", "role"], name="unique_model_dataset_role"
            )
        ]

    def __str__(self):
        return f"{self.model} · {self.get_role_display()} · {self.dataset}"

    def natural_key(self):
        return (self.model.slug, self.dataset.slug, self.role)
