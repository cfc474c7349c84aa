"""Language models, their lineage (base model and relation) and their datasets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.models import BilingualDescription, TimeStamped, as_read, unknown_last

from .datasets import Dataset
from .papers import Paper
from .sources import Organization, Source, TaggedItem


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


class LanguageModel(BilingualDescription, TimeStamped):
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
        ordering = [unknown_last("released"), as_read("name")]
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
        return reverse("reading:model_detail", kwargs={"slug": self.slug})

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
