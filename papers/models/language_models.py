"""Language models, their lineage (base model and relation) and their datasets."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.addresses import address
from core.models import (
    BilingualDescription,
    MonthDateField,
    Revised,
    TextField,
    TimeStamped,
    as_read,
    refuse_duplicate,
    unknown_last,
)

from .datasets import Dataset
from .papers import Paper
from .sources import TOPICS_HELP, Organization, Source, TaggedItem


def family_roots(bases):
    """Given {pk: base pk or None}, return {pk: root pk}: the top of each chain of base
    models (a base missing from ``bases`` counts as none). A cycle, which clean() refuses
    but a bulk update can make, is rooted at its smallest pk, as is whatever hangs off it."""
    roots = {}
    for start in bases:
        path, position, node = [], {}, start
        while node not in roots:
            position[node] = len(path)
            path.append(node)
            parent = bases.get(node)
            if parent not in bases:
                root = node
                break
            if parent in position:
                root = min(path[position[parent] :])
                break
            node = parent
        else:
            root = roots[node]
        for pk in path:
            roots[pk] = root
    return roots


class TaggedModel(TaggedItem):
    content_object = models.ForeignKey("LanguageModel", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("model topic")
        verbose_name_plural = _("model topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_model_tag")
        ]


# What a row of the model table shows (papers.tables.model_rows).
MODEL_TABLE_COLUMNS = (
    "slug",
    "name",
    "released",
    "parameters_b",
    "open_weights",
    "relation",
    "organization__name",
    "organization__name_zh",
    "base_model__slug",
    "base_model__name",
)


class LanguageModelQuerySet(models.QuerySet):
    def for_list(self):
        """Return models with their organisation and base model joined."""
        return self.select_related("organization", "base_model")

    def for_table(self):
        """Return the rows of the model table (papers.tables.model_rows): the columns it
        shows, as named tuples. A page shows a hundred models, and making each one's
        instance, its organisation's and its base's costs ten times as much as reading
        the values."""
        return self.values_list(*MODEL_TABLE_COLUMNS, named=True)

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


# The root of a model's family: its family root, or the model itself when it is one.
FAMILY = Coalesce("family_root", "id")


# Sent with the primary keys (``pks``) of the models whose family root
# LanguageModel.update_family_roots() moved: it writes them by update(), which sends no
# signal of its own (the API's change log listens).
family_moved = Signal()


class LanguageModel(BilingualDescription, Revised, TimeStamped):
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
    released = MonthDateField(
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
        validators=[
            MinValueValidator(
                Decimal("0.001"), _("Give the size in billions, at least 0.001: 0.125 for 125M.")
            )
        ],
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
    # A model has at least one of each: empty where the sources do not say.
    layers = models.PositiveIntegerField(
        _("layers"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    attention_heads = models.PositiveIntegerField(
        _("attention heads"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    hidden_size = models.PositiveIntegerField(
        _("hidden size (d_model)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    vocab_size = models.PositiveIntegerField(
        _("vocabulary size"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    context_length = models.PositiveIntegerField(
        _("context length"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    training_tokens = models.CharField(_("training tokens"), max_length=120, blank=True)
    tokenizer = TextField(
        _("tokenizer"), blank=True, help_text=_("Tokenizer facts: kind, compression rate …")
    )
    hardware = TextField(_("hardware"), blank=True)
    facts = models.JSONField(
        _("other facts"),
        default=dict,
        blank=True,
        help_text=_(
            "Further hyperparameters, as the sources give them: a JSON object of names and "
            'values, such as {"activation": "SwiGLU", "context length": 4096}.'
        ),
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
    # The model at the top of this one's chain of base models, so that a family is read
    # in one query; empty for a model that is its own root. Derived from base_model:
    # save() keeps it (for the model and everything below it), so does the raw-save hook
    # of loaddata, and recompute_family_roots() puts it right after a bulk load. Not in
    # fixtures or backups. A cycle of base models is rooted at its smallest primary key.
    family_root = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        serialize=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("family root"),
    )
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
    remarks = TextField(_("curation remarks"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(
        through=TaggedModel, blank=True, verbose_name=_("topics"), help_text=TOPICS_HELP
    )

    objects = LanguageModelQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["family_root"])

    class Meta:
        ordering = [unknown_last("released"), as_read("name")]
        verbose_name = _("language model")
        verbose_name_plural = _("language models")
        constraints = [
            models.CheckConstraint(
                condition=~Q(base_model=models.F("pk")), name="model_not_own_base"
            ),
        ]
        indexes = [
            # A family's members, its root among them, by one index (papers.families):
            # "id IN roots OR family_root IN roots" read every model (0.6-0.9 ms of a
            # model page and of the family trees at 2000 models).
            models.Index(FAMILY, name="model_family"),
        ]

    def get_relation_display(self):
        """The relation's label, as Django's own get_relation_display() gives it, which
        hashes every choice's (lazy) label on each call (~30 µs): a family tree shows a
        relation on every edge, the model list one per row."""
        return self.relation_label(self.relation)

    @classmethod
    def relation_label(cls, relation):
        """The label of a relation's value (get_relation_display() of a model with it)."""
        try:
            return str(cls.Relation(relation).label)
        except ValueError:  # blank, or not a choice: the value itself, as Django's does
            return relation

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("reading:model_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        # Whether this save moves the model to another base, judged against the row as
        # the database holds it now, not as this instance was read: an instance read
        # before another save re-rooted its family would otherwise write its old root
        # back over the new one. A new row with no primary key has nothing derived from it.
        # The row stays locked until the roots below are written: another save of the
        # model waits, and then reads the base this one wrote.
        fresh = self._state.adding and self.pk is None
        with transaction.atomic():
            stored = [] if fresh else self._stored_base()
            moved = not stored or stored[0] != self.base_model_id
            if not moved:
                # Not the root read with this instance: a model above it may have moved.
                self.family_root_id = self._root_through_base()
            super().save(*args, **kwargs)
            if moved and not (fresh and self.base_model_id is None):
                self.update_family_roots()

    def _stored_base(self):
        """[the base model's id as the database holds it], or [] for no such row; the row
        locked (PostgreSQL) until the save's transaction ends."""
        row = type(self)._base_manager.select_for_update().filter(pk=self.pk)
        return list(row.values_list("base_model", flat=True))

    def _root_through_base(self):
        if self.base_model_id is None:
            return None
        base = type(self)._base_manager.filter(pk=self.base_model_id)
        root = base.values_list("family_root", flat=True).first() or self.base_model_id
        return None if root == self.pk else root

    def update_family_roots(self):
        """Give this model and every model derived from it, however far down, the root of
        this model's chain of base models, as the database holds them now."""
        manager = type(self)._base_manager
        chain, node = [], self.pk
        while node is not None and node not in chain:
            chain.append(node)
            node = manager.filter(pk=node).values_list("base_model", flat=True).first()
        root = chain[-1] if node is None else min(chain[chain.index(node) :])
        below, frontier = {self.pk}, [self.pk]
        while frontier:
            kids = manager.filter(base_model__in=frontier).values_list("pk", flat=True)
            frontier = [pk for pk in kids if pk not in below]
            below.update(frontier)
        held = dict(manager.filter(pk__in=below).values_list("pk", "family_root"))
        manager.filter(pk__in=below - {root}).update(family_root=root)
        if root in below:
            manager.filter(pk=root).update(family_root=None)
        self.family_root_id = None if root == self.pk else root
        # The models below this one that changed family (this one is saved, or recorded
        # by what called this): update() tells nobody.
        moved = [
            pk
            for pk, was in held.items()
            if pk != self.pk and was != (None if pk == root else root)
        ]
        if moved:
            family_moved.send(sender=type(self), pks=moved)

    @classmethod
    def recompute_family_roots(cls):
        """Recompute every model's family root from the base models: after bulk_create,
        bulk_update, a loaddata without the raw-save hook, or anything else that went
        round save(). Return how many models changed."""
        rows = list(cls._base_manager.values_list("pk", "base_model", "family_root"))
        roots = family_roots({pk: base for pk, base, _root in rows})
        wanted = {pk: None if root == pk else root for pk, root in roots.items()}
        changed = [
            cls(pk=pk, family_root_id=wanted[pk])
            for pk, _base, stored in rows
            if stored != wanted[pk]
        ]
        cls._base_manager.bulk_update(changed, ["family_root"], batch_size=500)
        return len(changed)

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
        refuse_duplicate(self, "name", _("A model of this name is already in the library:"))
        # Valid JSON that is not an object (a list, a string) would break the model's page.
        if not isinstance(self.facts, dict):
            raise ValidationError(
                {"facts": _('Enter the facts as a JSON object: {"name": "value", …}.')}
            )
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


@receiver(post_save, sender=LanguageModel)
def _root_loaded_model(sender, instance, raw, **kwargs):
    """loaddata saves without calling save(): give a loaded model (and what derives
    from it) its family root."""
    if raw:
        instance.update_family_roots()


@receiver(pre_delete, sender=LanguageModel)
def _remember_derivatives(sender, instance, **kwargs):
    """Deleting a model leaves its derivatives without a base (SET_NULL): note them."""
    instance._derivative_pks = list(
        sender._base_manager.filter(base_model=instance.pk).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=LanguageModel)
def _root_new_families(sender, instance, **kwargs):
    """Each derivative of a deleted model now heads a family of its own."""
    for derivative in sender._base_manager.filter(pk__in=getattr(instance, "_derivative_pks", [])):
        derivative.update_family_roots()


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
