"""Search over the real demo data: the queries of the search issue and what they must find."""

import pytest
from django.core.management import call_command
from django.db import transaction

from notes.models import Meeting
from search.query import search
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo fixtures once for the module, and roll them back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddemo", verbosity=0, stdout=None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reader(demo):
    return UserFactory(username="demo-reader")


@pytest.fixture
def group_member(demo):
    member = UserFactory(username="demo-member")
    MembershipFactory(group=Meeting.objects.get().group, user=member)
    return member


def urls(results, kind):
    return [hit.url for group in results.groups if group.kind == kind for hit in group.hits]


@pytest.mark.parametrize(
    "query, kind, url",
    [
        ("思维链", "glossary", "/glossary/#chain-of-thought-prompting"),
        ("指令微调", "glossary", "/glossary/#instruction-tuning"),
        ("上下文学习", "glossary", "/glossary/#in-context-learning"),
        ("涌现能力", "glossary", "/glossary/#emergent-abilities"),
        ("2303.18223", "papers", "/papers/survey-of-llms/"),
        ("LLaMA-Adapter", "models", "/models/llama-adapter/"),
        ("GPT-3.5", "models", "/models/gpt-3-5/"),
        ("LoRA 微调", "glossary", "/glossary/#lora"),
        ("prompting", "glossary", "/glossary/#chain-of-thought-prompting"),
        ("transformers", "glossary", "/glossary/#transformer"),
    ],
)
def test_search_finds_the_issue_queries_first_by_title(reader, query, kind, url):
    results = search(reader, query, kind=kind)
    assert results.corrected is None
    assert url in urls(results, kind)[:3]


@pytest.mark.parametrize(
    "query",
    [
        "2303.18223",
        "arXiv:2303.18223",  # as every page writes it
        "arXiv:2303.18223v2",
        "https://arxiv.org/abs/2303.18223",
        "survey https://arxiv.org/pdf/2303.18223v1",
    ],
)
def test_search_of_the_arxiv_id_puts_the_survey_first(reader, query):
    assert urls(search(reader, query), "papers")[0] == "/papers/survey-of-llms/"


def test_search_of_a_model_name_with_punctuation_finds_exactly_that_model(reader):
    assert urls(search(reader, "LLaMA-Adapter"), "models") == ["/models/llama-adapter/"]


def test_search_of_a_misspelt_word_searches_the_nearest_word(reader):
    results = search(reader, "trasnformer")
    assert results.corrected == "transformer"
    assert "/glossary/#transformer" in urls(results, "glossary")


@pytest.mark.parametrize(
    ("query", "corrected"),
    [
        ("chain of thougth", "chain of thought"),
        ("instruction tuning instrction", "instruction tuning instruction"),
        ("Chain of Thougth?", "Chain of thought?"),
    ],
)
def test_only_the_misspelt_word_of_a_query_is_corrected(reader, query, corrected):
    results = search(reader, query)
    assert results.corrected == corrected
    if corrected:
        assert results.total > 0


def test_search_of_a_mixed_query_needs_both_terms(reader):
    lora = {u for g in search(reader, "LoRA").groups for u in [h.url for h in g.hits]}
    both = search(reader, "LoRA 微调")
    assert both.total < search(reader, "LoRA").total
    assert both.total < search(reader, "微调").total
    assert "/glossary/#lora" in lora


def test_search_finds_the_meeting_only_for_its_group(reader, group_member):
    meeting_url = Meeting.objects.get().get_absolute_url()
    assert urls(search(group_member, "涌现能力"), "meetings") == [meeting_url]
    assert urls(search(reader, "涌现能力"), "meetings") == []


@pytest.mark.parametrize(
    ("query", "corrected"),
    [
        ("in-contxt learning", "in-context learning"),
        ("unclosed", None),
        ("alert", None),
        ("rtansformer", "transformer"),
        ("lamma", "llama"),
        ("llma", "llama"),
        ("modle", "model"),
    ],
)
def test_a_correction_mends_a_slip_not_a_word(reader, query, corrected):
    """A word in a hyphenated term is corrected too; a word that is another with letters
    more at one end is not "corrected" into it ("unclosed" to "closed", its opposite),
    nor one that begins otherwise ("alert" to the model LERT); two first letters swapped
    are a slip ("rtansformer"), and so is a letter doubled in the wrong place ("lamma" is
    LLaMA, not the LAMA benchmark one letter away); a last letter replaced is two
    ("llma" is LLaMA, not "llms"); of words as near, the one in more of the library's
    documents ("modle" is "model", not "module")."""
    results = search(reader, query)
    assert results.corrected == corrected
    if corrected:
        assert results.total > 0
