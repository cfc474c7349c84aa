"""What a model's page lists under "Facts": the model's own fields, then its free-form
``facts`` (name → value, as the sources give them), each with a label in the reader's
language.

A fact's name is a snake_case key (``training_cost_7b``); ``LABELS`` names every key
the demo data uses, and a key it does not know is shown as words ("Training cost 7B"),
never as the raw key. A value is shown as the sources give it: text (marked with the
language it is written in), a number, yes/no, a list, a table of named parts (``{"lr":
"2e-4", …}``), or a Chinese/English pair ``{"zh": …, "en": …}``, of which the reader's
side is shown.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.language import LANG_ATTRIBUTE, colon, text_language

LABELS = {
    # Size and architecture
    "n_parameters": _("Parameters (exact count)"),
    "model_versions": _("Model versions"),
    "smallest_size": _("Smallest size"),
    "largest_size": _("Largest size"),
    "parameters_vs_gpt3": _("Parameters compared with GPT-3"),
    "members": _("Models in the series"),
    "family": _("Family (as the source tags it)"),
    "organizations": _("Organisations"),
    "activation": _("Activation function"),
    "ffn_hidden_size": _("Feed-forward hidden size"),
    "normalization": _("Normalisation"),
    "position_embedding": _("Position embedding"),
    "extrapolation": _("Length extrapolation"),
    "sparse_attention": _("Sparse attention"),
    "max_context_from_alpaca": _("Context length (Alpaca → Vicuna)"),
    "max_generation_length": _("Maximum generation length"),
    "retrieval_database": _("Retrieval database"),
    # Tokenizer
    "compress_rate": _("Tokenizer compression rate"),
    # Data and training
    "training_data": _("Training data"),
    "pretraining_data": _("Pre-training data"),
    "pretraining_corpus": _("Pre-training corpus"),
    "sft_data": _("Supervised fine-tuning data"),
    "instruction_data": _("Instruction data"),
    "training_pairs": _("Training pairs"),
    "training_objective": _("Training objective"),
    "method": _("Method"),
    "stage1": _("Pre-training, stage 1"),
    "stage2": _("Pre-training, stage 2"),
    "instruction_tuning": _("Instruction tuning"),
    "training_setup": _("Training set-up"),
    "training_framework": _("Training framework"),
    "training_efficiency": _("Training efficiency"),
    "training_throughput": _("Training throughput"),
    "gpu_utilization": _("GPU utilisation"),
    "training_cost_7b": _("Training cost (7B)"),
    "training_cost_13b": _("Training cost (13B)"),
    "finetuning_time": _("Fine-tuning time"),
    "training_code": _("Training code"),
    "training_script": _("Training script"),
    "code_base": _("Code base"),
    # Hyperparameters inside a training stage
    "batch_size": _("Batch size"),
    "lr": _("Learning rate"),
    "steps": _("Steps"),
    "max_length": _("Maximum length"),
    "trainable": _("Trainable parameters"),
    # Evaluation
    "evaluation": _("Evaluation"),
    "evaluation_benchmark": _("Evaluation benchmark"),
    "vicuna_benchmark": _("Vicuna benchmark"),
    "humaneval_solved": _("HumanEval problems solved"),
    # Release
    "released_checkpoint": _("Released checkpoint"),
    "released_as": _("Released as"),
    "weights_format": _("Weights format"),
    "lora_sizes": _("LoRA weight sizes"),
    "lora_models": _("LoRA models"),
    "apis": _("APIs"),
    "quantisation": _("Quantisation"),
}

_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def label(key):
    """Return the label of a fact's name: the known one, else the name as words."""
    if key in LABELS:
        return LABELS[key]
    key = str(key)
    if not _SNAKE.match(key) and "_" not in key:
        return key  # a name as the source writes it: "7B", "Plus-7B", "中英翻译数据"
    words = re.sub(r"[_\s]+", " ", key).strip()
    words = re.sub(r"\b(\d+)b\b", r"\1B", words)  # sizes: 7b → 7B
    return words[:1].upper() + words[1:]


@dataclass
class Fact:
    """One row: a label and a value, which is text, a list of texts, or named parts."""

    label: str
    text: str = ""
    items: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # [Fact, …]
    lang: str = ""  # the ``lang`` attribute of the value, "" to inherit the page's

    @property
    def value(self):
        """The value as one line of text (for tests and plain-text uses)."""
        if self.parts:
            return "; ".join(f"{part.label}{colon()}{part.value}" for part in self.parts)
        return ", ".join(self.items) if self.items else self.text


def _is_pair(value):
    return isinstance(value, dict) and value and set(value) <= {"zh", "en"}


def _scalar(value):
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return "" if value is None else str(value)


def _lang(text):
    return LANG_ATTRIBUTE.get(text_language(text), "")


def fact(name, value, language):
    """Return the Fact for one name and value, in the reader's language ("zh" or "en")."""
    if _is_pair(value):
        value = value.get(language) or value.get("en" if language == "zh" else "zh")
    row = Fact(label=label(name))
    if isinstance(value, dict):
        row.parts = [fact(key, part, language) for key, part in value.items()]
    elif isinstance(value, list | tuple):
        row.items = [_scalar(item) for item in value]
        row.lang = _lang(" ".join(item for item in value if isinstance(item, str)))
    elif isinstance(value, str):
        row.text, row.lang = value, _lang(value)
    else:
        row.text = _scalar(value)
    return row


# The model's own fields a page lists, in order, after its parameters.
FIELDS = [
    ("architecture", _("Architecture")),
    ("layers", _("Layers")),
    ("attention_heads", _("Attention heads")),
    ("hidden_size", _("Hidden size (d_model)")),
    ("vocab_size", _("Vocabulary")),
    ("context_length", _("Context length")),
    ("training_tokens", _("Training tokens")),
    ("tokenizer", _("Tokenizer")),
    ("hardware", _("Hardware")),
    ("license", _("Licence")),
]


def model_facts(model, language):
    """Return the Fact rows of a model's page: its fields that hold something, then its
    free-form facts; empty when it has none."""
    rows = []
    if model.parameter_sizes:
        rows.append(Fact(_("Parameters"), model.parameter_sizes, lang=_lang(model.parameter_sizes)))
    elif model.parameters_b is not None:
        rows.append(Fact(_("Parameters"), f"{Decimal(str(model.parameters_b)).normalize():f}B"))
    for name, title in FIELDS:
        if value := getattr(model, name):
            rows.append(fact(name, value, language))
            rows[-1].label = title
    if model.commercial_use:
        rows.append(Fact(_("Commercial use"), model.get_commercial_use_display()))
    rows.extend(fact(name, value, language) for name, value in (model.facts or {}).items())
    return rows
