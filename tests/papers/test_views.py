import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


def grow_papers(count):
    organization = OrganizationFactory()
    papers = []
    for _ in range(count):
        paper = PaperFactory()
        paper.organizations.add(organization)
        paper.tags.add("Surveys", "Prompting")
        NoteFactory(paper=paper)
        papers.append(paper)
    return papers


@pytest.mark.parametrize("count", [1, 3])
def test_paper_list_queries_do_not_grow(member_client, django_assert_num_queries, count):
    grow_papers(count)
    with django_assert_num_queries(8):
        response = member_client.get(reverse("reading:paper_list"))
    assert len(response.context["page_obj"]) == count


def test_paper_list_filters_by_topic_year_and_notes(member_client):
    surveyed, plain = PaperFactory(year=2023), PaperFactory(year=2021)
    surveyed.tags.add("Surveys")
    NoteFactory(paper=surveyed)
    for query in ["?topic=surveys", "?year=2023", "?has_notes=1"]:
        response = member_client.get(reverse("reading:paper_list") + query)
        assert list(response.context["page_obj"]) == [surveyed], query
    response = member_client.get(reverse("reading:paper_list") + "?sort=oldest")
    assert list(response.context["page_obj"]) == [plain, surveyed]


def test_paper_list_paginates(member_client):
    for _ in range(26):
        PaperFactory()
    response = member_client.get(reverse("reading:paper_list") + "?page=2")
    assert len(response.context["page_obj"]) == 1
    assertContains(response, "page 2 of 2")


@pytest.mark.parametrize("count", [1, 3])
def test_paper_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    paper = PaperFactory()
    for _ in range(count):
        NoteFactory(paper=paper)
        model = LanguageModelFactory()
        model.papers.add(paper)
        dataset = DatasetFactory()
        dataset.papers.add(paper)
    with django_assert_num_queries(10):
        response = member_client.get(paper.get_absolute_url())
    assert len(response.context["notes"]) == count


def test_paper_detail_shows_both_languages_of_a_note(member_client):
    paper = PaperFactory(arxiv_id="2303.18223")
    NoteFactory(paper=paper, body_zh="涌现能力的定义", body_en="Definition of emergent abilities")
    response = member_client.get(paper.get_absolute_url())
    assertContains(response, "涌现能力的定义")
    assertContains(response, "Definition of emergent abilities")
    assertContains(response, 'href="https://arxiv.org/abs/2303.18223"')


def test_paper_detail_hides_private_notes_of_others(member_client):
    paper = PaperFactory()
    NoteFactory(paper=paper, visibility="private", body_zh="秘密想法")
    assertNotContains(member_client.get(paper.get_absolute_url()), "秘密想法")


@pytest.mark.parametrize("count", [1, 3])
def test_model_list_queries_do_not_grow(member_client, django_assert_num_queries, count):
    base = LanguageModelFactory(organization=OrganizationFactory())
    for _ in range(count):
        LanguageModelFactory(base_model=base, relation="lora", organization=base.organization)
    with django_assert_num_queries(3):
        member_client.get(reverse("papers:model_list"))


def test_model_list_sorts_by_parameters(member_client):
    small = LanguageModelFactory(parameters_b=7)
    big = LanguageModelFactory(parameters_b=175)
    response = member_client.get(reverse("papers:model_list") + "?sort=-parameters")
    assert list(response.context["object_list"]) == [big, small]


@pytest.mark.parametrize("count", [1, 3])
def test_model_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    llama = LanguageModelFactory(name="LLaMA")
    for _ in range(count):
        alpaca = LanguageModelFactory(base_model=llama, relation="instruction_tuning")
        LanguageModelFactory(base_model=alpaca, relation="lora")
        llama.papers.add(PaperFactory())
    with django_assert_num_queries(9):
        member_client.get(llama.get_absolute_url())


def test_model_detail_shows_lineage_both_ways(member_client):
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    lora = LanguageModelFactory(name="Alpaca-LoRA", base_model=alpaca, relation="lora")
    response = member_client.get(alpaca.get_absolute_url())
    assert response.context["ancestors"] == [llama]
    assert response.context["descendants"] == [(1, lora)]
    assertContains(response, '<svg class="family-tree"')


def test_family_tree_draws_labelled_edges(member_client):
    llama = LanguageModelFactory(name="LLaMA")
    LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    LanguageModelFactory(name="Chinese-LLaMA", base_model=llama, relation="continued_pretraining")
    response = member_client.get(reverse("papers:model_family"))
    content = response.content.decode()
    assert content.count('class="edge"') == 2
    assertContains(response, ">instruction tuning</text>")
    assertContains(response, ">continued pre-training</text>")


def test_timeline_plots_every_dated_sized_model(member_client):
    models = [LanguageModelFactory(parameters_b=size) for size in (7, 13, 175)]
    LanguageModelFactory(parameters_b=None)
    response = member_client.get(reverse("papers:model_timeline"))
    content = response.content.decode()
    start = content.index('<svg class="timeline"')
    timeline = content[start : content.index("</svg>", start)]
    assert timeline.count("<circle cx=") == len(models)  # the legend's are outside it


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_pages_queries_do_not_grow(member_client, django_assert_num_queries, count):
    datasets = [DatasetFactory() for _ in range(count)]
    with django_assert_num_queries(3):
        member_client.get(reverse("papers:dataset_list"))
    for _ in range(count):
        datasets[0].papers.add(PaperFactory())
    with django_assert_num_queries(8):
        member_client.get(datasets[0].get_absolute_url())


def test_model_page_survives_a_cycle_of_base_models(member_client):
    first = LanguageModelFactory(name="A")
    second = LanguageModelFactory(name="B", base_model=first, relation="lora")
    # clean() refuses this; a bulk update does not go through it.
    type(first).objects.filter(pk=first.pk).update(base_model=second, relation="lora")
    assert member_client.get(first.get_absolute_url()).status_code == 200
    assert member_client.get(reverse("papers:model_family")).status_code == 200


def test_a_paper_presented_at_a_meeting_counts_as_read_in_a_meeting(member_client, group):
    from tests.factories import MeetingFactory

    presented = PaperFactory()
    MeetingFactory(group=group, paper=presented)
    PaperFactory()
    response = member_client.get(reverse("reading:paper_list") + "?presented=1")
    assert list(response.context["page_obj"]) == [presented]
    assert response.context["page_obj"][0].meeting_count == 1


def test_family_trees_come_ten_families_a_page(member_client):
    for _ in range(12):
        root = LanguageModelFactory()
        LanguageModelFactory(base_model=root, relation="lora")
    first = member_client.get(reverse("papers:model_family"))
    second = member_client.get(reverse("papers:model_family") + "?page=2")
    assert (len(first.context["trees"]), len(second.context["trees"])) == (10, 2)
