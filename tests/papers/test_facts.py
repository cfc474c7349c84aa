"""A model's facts: labels in both languages, values as the reader reads them."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from papers.facts import LABELS, fact, label, model_facts
from tests.factories import LanguageModelFactory, SourceFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_fact_keys():
    """Every name used in the demo models' facts, the names inside a value included."""
    keys = set()

    def walk(value):
        if isinstance(value, dict):
            pair = set(value) <= {"zh", "en"}  # a Chinese/English pair, not names
            for key, inner in value.items():
                if not pair:
                    keys.add(key)
                walk(inner)

    for record in yaml.safe_load((FIXTURES / "20_models.yaml").read_text(encoding="utf-8")):
        walk(record["fields"].get("facts") or {})
    return keys


def test_every_fact_name_of_the_demo_data_has_a_label_in_both_languages():
    names = {key for key in fixture_fact_keys() if re.fullmatch(r"[a-z0-9_]+", key)}
    assert {"training_cost_7b", "max_context_from_alpaca", "batch_size"} <= names
    assert sorted(names - set(LABELS)) == []
    with translation.override("en"):
        english = {key: str(LABELS[key]) for key in names}
    with translation.override("zh-hans"):
        chinese = {key: str(LABELS[key]) for key in names}
    assert [key for key in names if chinese[key] == english[key]] == []


def test_unknown_names_read_as_words_never_as_the_raw_key():
    assert label("tokens_per_second_13b") == "Tokens per second 13B"
    assert label("Plus-7B") == "Plus-7B"  # a name as the source writes it
    assert label("中英翻译数据") == "中英翻译数据"


def test_values_keep_their_shape_and_language():
    assert fact("compress_rate", 1.312, "en").text == "1.312"
    assert fact("n_parameters", 7000559616, "en").text == "7,000,559,616"
    assert fact("sparse_attention", True, "en").text == "yes"
    prose = fact("training_data", "about 70K user-shared conversations", "zh")
    assert (prose.text, prose.lang) == ("about 70K user-shared conversations", "en")
    stage = fact("stage1", {"batch_size": 1024, "lr": "2e-4"}, "en")
    assert [(p.label, p.text) for p in stage.parts] == [
        ("Batch size", "1,024"),
        ("Learning rate", "2e-4"),
    ]
    pair = {"zh": "传统CLM", "en": "conventional causal language modelling"}
    assert (fact("training_objective", pair, "zh").text, fact("x", pair, "zh").lang) == (
        "传统CLM",
        "zh-Hans",
    )
    assert fact("training_objective", pair, "en").text == pair["en"]
    assert fact("training_objective", {"zh": "只有中文"}, "en").text == "只有中文"
    orgs = fact("organizations", ["EleutherAI", "University of Barcelona"], "zh")
    assert (orgs.items, orgs.lang) == (["EleutherAI", "University of Barcelona"], "en")


@pytest.mark.django_db
def test_a_model_without_facts_has_none_and_no_heading(member_client):
    model = LanguageModelFactory(name="GPT-4", parameters_b=None)
    assert model_facts(model, "en") == []
    response = member_client.get(model.get_absolute_url())
    assertNotContains(response, "<h2>Facts</h2>")
    assertContains(response, "<h2>Lineage</h2>")


@pytest.mark.django_db
def test_the_model_page_labels_every_fact_in_the_interface_language(client, member):
    model = LanguageModelFactory(
        hidden_size=4096,
        facts={
            "training_cost_7b": "82K GPU-hours",
            "max_context_from_alpaca": "512 → 2048",
            "compress_rate": 1.312,
            "tokens_per_second": 42,
            "training_objective": {"zh": "传统CLM", "en": "causal language modelling"},
        },
    )
    client.force_login(member)
    english = client.get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    for shown in [
        "<h2>Facts</h2>",
        "<dt>Training cost (7B)</dt>",
        "<dt>Context length (Alpaca → Vicuna)</dt>",
        "<dt>Tokenizer compression rate</dt>",
        "<dt>Tokens per second</dt>",
        "<dt>Hidden size (d_model)</dt>",
        '<dd lang="en">82K GPU-hours</dd>',
        '<dd lang="en">causal language modelling</dd>',
    ]:
        assertContains(english, shown, html=False)
    chinese = client.get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    for shown in [
        "<h2>基本信息</h2>",
        "<dt>训练成本（7B）</dt>",
        "<dt>上下文长度（Alpaca → Vicuna）</dt>",
        "<dt>分词器压缩率</dt>",
        '<dd lang="en">82K GPU-hours</dd>',  # English prose stays, marked as English
        '<dd lang="zh-Hans">传统CLM</dd>',  # the Chinese side of a pair
    ]:
        assertContains(chinese, shown, html=False)
    for response in (english, chinese):
        for key in [*model.facts, "d_model<"]:
            assertNotContains(response, f">{key}")


@pytest.mark.django_db
def test_provenance_names_sources_in_the_readers_language(client, member):
    source = SourceFactory(title_en="Group meeting 1 write-up", title_zh="1 组会分享")
    model = LanguageModelFactory(remarks="Only in the meeting write-up's table.")
    model.sources.add(source)
    client.force_login(member)
    english = client.get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(english, '<span lang="en">Group meeting 1 write-up</span>')
    assertNotContains(english, "1 组会分享")
    assertContains(english, "<summary>Notes on the sources</summary>")
    chinese = client.get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, '<span lang="zh-Hans">1 组会分享</span>')
    # The remarks are English: shown as they are, marked, and said to be English only.
    assertContains(chinese, '<p lang="en">Only in the meeting write-up&#x27;s table.</p>')
    assertContains(chinese, "仅英文")
