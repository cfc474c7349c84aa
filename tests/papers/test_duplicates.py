"""A record that another already is gets a message, not a second copy (a browser walk
saved a second "LLaMA", "Penn Treebank" and "Mixture of Experts" after changing only
their slugs): core.models.refuse_duplicate, in each model's clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from notes.models import GlossaryTerm
from papers.models import Dataset, LanguageModel, Paper
from tests.factories import (
    DatasetFactory,
    GlossaryTermFactory,
    LanguageModelFactory,
    PaperFactory,
    UserFactory,
)
from tests.notes.test_forms import admin_post_data

pytestmark = pytest.mark.django_db


def refused(record, field):
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return field in error.value.message_dict


def test_a_second_model_or_dataset_of_one_name_is_refused_whatever_its_case():
    LanguageModelFactory(name="LLaMA", slug="llama")
    DatasetFactory(name="Penn Treebank", slug="ptb")
    assert refused(LanguageModel(name="llama", slug="llama-again", parameters_b=7), "name")
    assert refused(Dataset(name="PENN TREEBANK ", slug="ptb-2", kind="benchmark"), "name")
    LanguageModel(name="LLaMA 2", slug="llama-2", parameters_b=7).full_clean()


def test_a_second_glossary_term_is_refused_in_either_language():
    GlossaryTermFactory(title_en="Mixture of Experts", title_zh="混合专家")
    again = GlossaryTerm(slug="moe-2", title_en="", title_zh="混合专家", body_zh="定义")
    assert refused(again, "title_zh")


def test_a_paper_of_a_stored_title_needs_an_identifier_to_tell_it_apart():
    PaperFactory(title_en="Llama 2: Open Foundation and Fine-Tuned Chat Models", slug="llama-2")
    twin = Paper(title_en="Llama 2: Open Foundation and Fine-Tuned Chat Models", slug="l2")
    assert refused(twin, "title_en")
    twin.arxiv_id = "2307.09288"
    twin.full_clean()


def test_the_admin_says_which_record_it_is_with_a_link(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    first = LanguageModelFactory(name="LLaMA", slug="llama")
    other = LanguageModelFactory(name="Vicuna", slug="vicuna")
    url = reverse("admin:papers_languagemodel_change", args=[other.pk])
    data = admin_post_data(client.get(url))
    response = client.post(url, {**data, "name": "llama"})
    assertContains(response, "A model of this name is already in the library:")
    assertContains(response, f'<a href="{first.get_absolute_url()}">LLaMA</a>')
    other.refresh_from_db()
    assert other.name == "Vicuna"


def test_the_chinese_message_runs_on_from_its_colon_to_the_link():
    first = LanguageModelFactory(name="LLaMA", slug="llama")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        LanguageModel(name="llama", slug="llama-again", parameters_b=7).full_clean()
    said = error.value.message_dict["name"][0]
    assert f'库中已有同名的模型：<a href="{first.get_absolute_url()}">' in said


def test_a_papers_title_is_compared_as_the_importers_compare_it_through_its_indexed_key():
    """Punctuation and case apart, the same title; read through title_key's index (the
    case-insensitive match on the title scanned all 100 000 papers: 130 ms a save)."""
    PaperFactory(title_en="GPT-4 Technical Report", slug="gpt-4")
    twin = Paper(title_en="GPT-4: technical report.", slug="gpt-4-again")
    with CaptureQueriesContext(connection) as queries:
        assert refused(twin, "title_en")
    assert any('"title_key" =' in q["sql"] for q in queries.captured_queries)
    assert not any("UPPER(" in q["sql"] or " LIKE " in q["sql"] for q in queries.captured_queries)


def test_the_chinese_arxiv_id_message_runs_on_from_its_colon_to_the_link():
    held = PaperFactory(arxiv_id="2303.18223", slug="survey")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        Paper(title_en="Another", slug="another", arxiv_id="2303.18223").full_clean()
    said = error.value.message_dict["arxiv_id"][0]
    assert f'库中已有这个 arXiv 编号的论文：<a href="{held.get_absolute_url()}">' in said
