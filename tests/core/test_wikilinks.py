"""Wiki links resolved against the knowledge base (core/wikilinks.py)."""

import pytest
from django.urls import reverse

from core.wikilinks import figure_names_in, targets_in
from tests.factories import LanguageModelFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_many_wiki_links_resolve_in_a_constant_number_of_queries(
    member_client, django_assert_max_num_queries
):
    LanguageModelFactory(name="LLaMA")
    text = "[[LLaMA]]\n\n"
    text += "\n\n".join(" ".join(f"[[t{i}-{j}]]" for j in range(12)) for i in range(100))
    with django_assert_max_num_queries(8):
        response = member_client.post(reverse("notes:markdown_preview"), {"text": text})
    assert 'class="wikilink" href="/models/' in response.json()["html"]


def test_embeds_are_not_link_targets():
    texts = ["[[LLaMA]] ![[Pasted image 1.png|400]] ![[LLaMA]]", "![[chart.png]]"]
    assert targets_in(texts) == ["LLaMA"]
    # And any word that looks like an image's file name (a relative address names one).
    assert figure_names_in(texts) == ["Pasted image 1.png", "LLaMA", "chart.png", "1.png"]


@pytest.mark.parametrize(
    "target", ["math.GT/0309136", "math/0309136", "paper:math.GT/0309136", "２３０３．１８２２３"]
)
def test_a_link_to_an_arxiv_id_finds_the_paper_in_the_form_it_is_stored(member_client, target):
    """An old-style ID is stored without its subject class (math/0309136): a link written
    with it ([[math.GT/0309136]], as notes wrote it before) still finds the paper; so does
    one typed in full-width digits."""
    old = PaperFactory(arxiv_id="math.GT/0309136")
    new = PaperFactory(arxiv_id="2303.18223")
    response = member_client.post(reverse("notes:markdown_preview"), {"text": f"[[{target}]]"})
    paper = new if target.startswith("２") else old
    assert f'class="wikilink" href="{paper.get_absolute_url()}"' in response.json()["html"]
