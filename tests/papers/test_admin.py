"""The admin of the knowledge base: papers and language models (papers/admin.py)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from papers.models import LanguageModel, Paper
from tests.factories import LanguageModelFactory, PaperFactory

pytestmark = pytest.mark.django_db

# The paper admin carries the notes about the paper as an inline (notes/admin/).
PAPER_INLINES = {"notes-TOTAL_FORMS": 0, "notes-INITIAL_FORMS": 0}


def add_paper(client, **fields):
    data = {"title_en": "A paper", "slug": "a-paper", **PAPER_INLINES, **fields}
    return client.post(reverse("admin:papers_paper_add"), data)


@pytest.mark.parametrize(
    "arxiv_id", ["abc", "2303.1", "23031.18223", "2303.18223v", "１２３４.５６７８"]
)
def test_invalid_arxiv_id_is_refused(staff_client, arxiv_id):
    response = add_paper(staff_client, arxiv_id=arxiv_id)
    assertContains(response, "Enter an arXiv identifier such as 2303.18223")
    assert Paper.objects.count() == 0


def test_duplicate_paper_is_refused(staff_client):
    PaperFactory(arxiv_id="2303.18223", slug="survey")
    response = add_paper(staff_client, arxiv_id="2303.18223", slug="survey")
    assertContains(response, "A paper with this arXiv ID is already in the library:")
    assertContains(response, "Paper with this Slug already exists.")
    assert Paper.objects.count() == 1


def test_model_cycle_is_refused_in_the_admin(staff_client):
    llama = LanguageModelFactory(name="LLaMA", slug="llama")
    LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    alpaca = LanguageModel.objects.get(name="Alpaca")
    response = staff_client.post(
        reverse("admin:papers_languagemodel_change", args=[llama.pk]),
        {
            "name": "LLaMA",
            "slug": "llama",
            "base_model": alpaca.pk,
            "relation": "other",
            "facts": "{}",
            "open_weights": "unknown",
            "modeldataset_set-TOTAL_FORMS": 0,
            "modeldataset_set-INITIAL_FORMS": 0,
            **PAPER_INLINES,
        },
    )
    assertContains(response, "descends from LLaMA: that would make a cycle.")
    assert LanguageModel.objects.get(pk=llama.pk).base_model is None


def test_nul_bytes_are_refused_in_the_admin(staff_client):
    response = add_paper(staff_client, title_en="Bad\x00title")
    assertContains(response, "Null characters are not allowed.")
    assert Paper.objects.count() == 0
