"""Datasets and benchmarks, and the evaluation taxonomy level → ability → task."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from core.addresses import address
from core.language import names_separator, shown_name
from core.models import (
    BilingualDescription,
    NaturalKeyManager,
    Revised,
    TextField,
    TimeStamped,
    as_read,
    refuse_duplicate,
)

from .papers import Paper
from .sources import TOPICS_HELP, Organization, Source, TaggedItem


class TaggedDataset(TaggedItem):
    content_object = models.ForeignKey("Dataset", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("dataset topic")
        verbose_name_plural = _("dataset topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_dataset_tag")
        ]


# The languages a dataset holds, as the datasets' table writes them, named for the reader.
LANGUAGE_NAMES = {
    "zh": pgettext_lazy("language", "Chinese"),
    "en": pgettext_lazy("language", "English"),
    "multilingual": pgettext_lazy("language", "multilingual"),
}


class Dataset(BilingualDescription, Revised, TimeStamped):
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
    remarks = TextField(_("curation remarks"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(
        through=TaggedDataset, blank=True, verbose_name=_("topics"), help_text=TOPICS_HELP
    )

    objects = NaturalKeyManager()

    class Meta:
        ordering = [as_read("name")]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self):
        return self.name

    @property
    def language_names(self):
        """``languages`` as the reader reads them: "zh, en" is 中文、英文 or Chinese,
        English; a word the table does not know stays as written."""
        parts = [part.strip() for part in self.languages.split(",") if part.strip()]
        names = [str(LANGUAGE_NAMES.get(part.lower(), part)) for part in parts]
        return names_separator().join(names)

    def get_absolute_url(self):
        return address("reading:dataset_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        refuse_duplicate(self, "name", _("A dataset of this name is already in the library:"))


class TaxonomyName:
    """A taxonomy entry's name in the interface language: its Chinese name when it has
    one and the interface is Chinese (the taxonomy page shows both)."""

    @property
    def shown_name(self):
        return shown_name(self.name, self.name_zh)


class Ability(TaxonomyName, BilingualDescription):
    """An ability in the survey's evaluation taxonomy: level → ability → task."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        ADVANCED = "advanced", _("Advanced")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
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
        return address("papers:taxonomy") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class EvaluationTask(TaxonomyName, BilingualDescription):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ability = models.ForeignKey(
        Ability, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("ability")
    )
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
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
        return address("papers:taxonomy") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)
