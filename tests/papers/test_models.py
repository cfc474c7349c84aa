from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Value

from papers.models import LanguageModel, Paper
from tests.factories import LanguageModelFactory, PaperFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "arxiv_id",
    ["2303.18223", "2106.09685", "1706.03762v7", "2303.08774", "0704.0001", "1412.6980"],
)
def test_paper_arxiv_id_accepts_well_formed_ids(arxiv_id):
    paper = PaperFactory.build(arxiv_id=arxiv_id)
    paper.full_clean()


@pytest.mark.parametrize(
    "arxiv_id",
    [
        "2303.182",
        "2303-18223",
        "hello",
        "23031.8223",
        "2303.18223v",
        "https://example.org/2303.18223",
        "9999.99999",  # no 99th month
        "1234.5678",  # nor a 34th
        "2300.12345",  # nor a 0th
        "0704.00001",  # 2007 to 2014: four digits after the dot
        "2303.1822",  # since 2015: five
    ],
)
def test_paper_arxiv_id_rejects_malformed_ids(arxiv_id):
    paper = PaperFactory.build(arxiv_id=arxiv_id)
    with pytest.raises(ValidationError) as excinfo:
        paper.full_clean()
    assert "arxiv_id" in excinfo.value.message_dict


def test_paper_arxiv_id_is_unique():
    PaperFactory(arxiv_id="2303.18223")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(arxiv_id="2303.18223")


def test_paper_arxiv_id_unique_check_gives_a_message():
    PaperFactory(arxiv_id="2303.18223")
    duplicate = PaperFactory.build(arxiv_id="2303.18223")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    first = Paper.objects.get(arxiv_id="2303.18223")
    assert excinfo.value.message_dict["arxiv_id"] == [
        "A paper with this arXiv ID is already in the library: "
        f'<a href="/papers/{first.slug}/">{first.title}</a>'
    ]


@pytest.mark.parametrize(
    ("pasted", "stored"),
    [
        ("https://arxiv.org/abs/2201.11903", "2201.11903"),
        ("https://arxiv.org/pdf/2201.11903v2.pdf", "2201.11903"),
        ("http://export.arxiv.org/abs/2201.11903v1", "2201.11903"),
        ("arXiv:2303.18223", "2303.18223"),
        ("2303.18223v15", "2303.18223"),
        (" 2303.18223 ", "2303.18223"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math/0309136"),  # as arXiv's API has it
        ("math.GT/0309136", "math/0309136"),
    ],
)
def test_paper_arxiv_id_cleans_pasted_references(pasted, stored):
    paper = PaperFactory.build(arxiv_id=pasted)
    paper.full_clean()
    paper.save()
    paper.refresh_from_db()
    assert paper.arxiv_id == stored


def test_paper_without_arxiv_id_stores_null_so_many_may_lack_one():
    first = PaperFactory(arxiv_id="")
    second = PaperFactory(arxiv_id=None)
    assert Paper.objects.filter(pk__in=[first.pk, second.pk], arxiv_id=None).count() == 2


def test_paper_arxiv_links():
    paper = PaperFactory.build(arxiv_id="2303.18223")
    assert paper.arxiv_abs_url == "https://arxiv.org/abs/2303.18223"
    assert paper.arxiv_pdf_url == "https://arxiv.org/pdf/2303.18223"


def test_paper_month_outside_calendar_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(month=13)


def test_model_cannot_be_its_own_base():
    model = LanguageModelFactory()
    model.base_model = model
    with pytest.raises(ValidationError) as excinfo:
        model.full_clean()
    assert excinfo.value.message_dict["base_model"] == ["A model cannot be its own base model."]


def test_model_own_base_is_refused_by_the_database_too():
    model = LanguageModelFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LanguageModel.objects.filter(pk=model.pk).update(base_model=model)


def test_model_cannot_descend_from_its_descendant():
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    llama.base_model = alpaca
    with pytest.raises(ValidationError) as excinfo:
        llama.full_clean()
    assert "cycle" in excinfo.value.message_dict["base_model"][0]


def test_model_cannot_be_its_own_base_or_ancestor():
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    llama.base_model, llama.relation = llama, "other"
    with pytest.raises(ValidationError) as own:
        llama.full_clean()
    assert own.value.message_dict["base_model"] == ["A model cannot be its own base model."]
    llama.base_model = alpaca
    with pytest.raises(ValidationError) as cycle:
        llama.full_clean()
    assert cycle.value.message_dict["base_model"] == [
        "Alpaca descends from LLaMA: that would make a cycle."
    ]
    assert LanguageModel.objects.get(pk=llama.pk).base_model is None


@pytest.mark.parametrize("facts", [["7B", "13B"], "7B", 7])
def test_model_facts_must_be_a_json_object(facts):
    """The admin's JSON field takes any JSON; the model's page reads name → value pairs."""
    model = LanguageModelFactory.build(facts=facts)
    with pytest.raises(ValidationError) as excinfo:
        model.full_clean()
    assert excinfo.value.message_dict["facts"] == [
        'Enter the facts as a JSON object: {"name": "value", …}.'
    ]


def test_model_facts_may_be_empty_or_an_object():
    LanguageModelFactory.build(facts={}).full_clean()
    LanguageModelFactory.build(facts={"compress_rate": 1.3}).full_clean()


def test_model_ancestors_nearest_first():
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    lora = LanguageModelFactory(name="Alpaca-LoRA", base_model=alpaca, relation="lora")
    assert lora.ancestors() == [alpaca, llama]


def test_model_relation_needs_a_base():
    model = LanguageModelFactory.build(relation="lora")
    with pytest.raises(ValidationError) as excinfo:
        model.full_clean()
    assert "relation" in excinfo.value.message_dict


def test_paper_tags_through_taggit():
    paper = PaperFactory()
    paper.tags.add("Tool learning", "Surveys")
    assert sorted(paper.tags.names()) == ["Surveys", "Tool learning"]
    assert list(Paper.objects.filter(tags__name="Surveys")) == [paper]


def test_old_style_ids_stored_with_a_subject_class_lose_it(capsys):
    """papers.0021: math.GT/0309136 and math/0309136 were two IDs of one paper. One
    whose bare ID another paper has keeps its own, and the migration says so."""
    migration = import_module("papers.migrations.0021_arxiv_ids_without_subject_class")
    math = PaperFactory(slug="knots")
    physics = PaperFactory(slug="oceans")
    matter = PaperFactory(slug="electrons")
    twin = PaperFactory(slug="knots-again")
    held = PaperFactory(slug="held", arxiv_id="hep-th/9711200")
    clashing = PaperFactory(slug="clashing")
    new_style = PaperFactory(arxiv_id="2303.18223")
    stored = {
        math: "math.GT/0309136",
        physics: "physics.ao-ph/0101001",
        matter: "cond-mat.str-el/0101001",
        twin: "math.AG/0309136",  # the same paper as math's, under another class
        clashing: "hep-th.XX/9711200",
    }
    for paper, arxiv_id in stored.items():  # as stored before (the field now drops it)
        Paper.objects.filter(pk=paper.pk).update(arxiv_id=Value(arxiv_id))
    migration.forwards(django_apps, SimpleNamespace(connection=connection))
    after = dict(Paper.objects.values_list("slug", "arxiv_id"))
    assert after == {
        "knots": "math/0309136",
        "oceans": "physics/0101001",
        "electrons": "cond-mat/0101001",
        "knots-again": "math.AG/0309136",
        "held": "hep-th/9711200",
        "clashing": "hep-th.XX/9711200",
        new_style.slug: "2303.18223",
    }
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"    Paper {twin.pk} (knots-again) keeps the arXiv ID math.AG/0309136: paper "
        f"{math.pk} (knots) has math/0309136, the same paper; merge the two by hand.",
        f"    Paper {clashing.pk} (clashing) keeps the arXiv ID hep-th.XX/9711200: paper "
        f"{held.pk} (held) has hep-th/9711200, the same paper; merge the two by hand.",
    ]
