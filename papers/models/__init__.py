"""The shared knowledge base: papers, language models, datasets and benchmarks."""

from ..identifiers import ARXIV_ID_RE, validate_arxiv_id
from .datasets import Ability, Dataset, EvaluationTask, TaggedDataset
from .importing import Harvest, ServiceSlot
from .language_models import LanguageModel, LanguageModelQuerySet, ModelDataset, TaggedModel
from .papers import FIRST_YEAR, Paper, PaperQuerySet, TaggedPaper, latest_year
from .sources import (
    TOPICS_HELP,
    Organization,
    Source,
    TaggedItem,
    TaggedNaturalKeyManager,
    Topic,
    Topical,
    TopicName,
    in_name_order,
    topic_names,
    topics_prefetch,
)

__all__ = [
    "FIRST_YEAR",
    "latest_year",
    "TOPICS_HELP",
    "Topic",
    "Topical",
    "TopicName",
    "in_name_order",
    "topic_names",
    "topics_prefetch",
    "ARXIV_ID_RE",
    "Ability",
    "Dataset",
    "EvaluationTask",
    "Harvest",
    "LanguageModel",
    "LanguageModelQuerySet",
    "ModelDataset",
    "Organization",
    "Paper",
    "PaperQuerySet",
    "ServiceSlot",
    "Source",
    "TaggedDataset",
    "TaggedItem",
    "TaggedModel",
    "TaggedNaturalKeyManager",
    "TaggedPaper",
    "validate_arxiv_id",
]
