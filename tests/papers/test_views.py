import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import Ability, Dataset, EvaluationTask
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
    assert response.content.decode().count("<circle cx=") == len(models)


def grow_datasets(count):
    """Datasets of every kind, with what the list shows: organisation, taxonomy tasks."""
    ability = Ability.objects.create(slug="reasoning", level="basic", name="Reasoning")
    task = EvaluationTask.objects.create(slug="math", ability=ability, name="Math")
    organization = OrganizationFactory()
    datasets = []
    for kind in Dataset.Kind.values:
        for _ in range(count):
            dataset = DatasetFactory(kind=kind, organization=organization, size="1K")
            task.benchmarks.add(dataset)
            datasets.append(dataset)
    return datasets


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_list_queries_do_not_grow(member_client, django_assert_num_queries, count):
    grow_datasets(count)
    with django_assert_num_queries(4):
        response = member_client.get(reverse("papers:dataset_list"))
    assert len(response.context["page_obj"]) == count * len(Dataset.Kind.values)


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    dataset = DatasetFactory()
    for _ in range(count):
        dataset.papers.add(PaperFactory())
    with django_assert_num_queries(8):
        member_client.get(dataset.get_absolute_url())


def test_dataset_list_groups_kinds_with_their_counts_and_keeps_the_filter(member_client):
    for _ in range(3):
        DatasetFactory(kind="pretraining")
    benchmarks = [DatasetFactory(name=f"Bench {letter}") for letter in "dcbaefgh"]
    response = member_client.get(reverse("papers:dataset_list"))
    groups = response.context["groups"]
    assert [(g.kind, g.total, len(g.datasets)) for g in groups] == [
        ("pretraining", 3, 3),
        ("benchmark", 8, 8),
    ]
    assertContains(response, 'href="?kind=benchmark">Benchmark <span class="count">8</span></a>')
    assertContains(response, 'all <span class="count">11</span>')
    assertNotContains(response, "Instruction data")  # no datasets of that kind: no chip

    view = response.context["view"]
    view.__class__.paginate_by, saved = 3, view.__class__.paginate_by
    try:
        pages = [
            member_client.get(reverse("papers:dataset_list"), {"kind": "benchmark", "page": n})
            for n in (1, 2, 3)
        ]
    finally:
        view.__class__.paginate_by = saved
    shown = [d.name for page in pages for d in page.context["page_obj"]]
    assert shown == sorted(d.name for d in benchmarks)
    assertContains(pages[1], '<a href="?kind=benchmark&amp;page=3" rel="next">')
    assertContains(pages[1], "page 2 of 3")


def test_dataset_list_shows_only_columns_that_hold_something(member_client):
    DatasetFactory(kind="pretraining", size="800GB", description_en="A big corpus.")
    DatasetFactory(kind="pretraining")
    DatasetFactory(kind="benchmark", languages="zh")
    response = member_client.get(reverse("papers:dataset_list"))
    corpora, benchmarks = response.context["groups"]
    assert [c for c, shown in corpora.columns.items() if shown] == ["size", "description"]
    assert [c for c, shown in benchmarks.columns.items() if shown] == ["languages"]
    content = response.content.decode()
    assert content.count("<th>Size</th>") == 1 and content.count("<th>Languages</th>") == 1
    assert "<th>Organization</th>" not in content and "<th>Kind</th>" not in content


def test_dataset_list_marks_a_description_in_the_other_language(client, member):
    DatasetFactory(description_zh="一个中文基准。")
    DatasetFactory(description_en="An English benchmark.")
    client.force_login(member)
    english = client.get(reverse("papers:dataset_list"), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(english, '<span lang="zh-Hans">一个中文基准。</span>')
    assertContains(english, "Chinese only", count=1)
    client.cookies["reading"] = "zh"
    chinese = client.get(reverse("papers:dataset_list"))
    assertContains(chinese, '<span lang="en">An English benchmark.</span>')
    assertContains(chinese, "English only", count=1)


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


def test_dataset_list_shows_a_shared_description_once(member_client):
    for name in ["FLANv2", "LLaVA-Instruct", "Unnatural Instructions"]:
        DatasetFactory(name=name, kind="instruction", description_zh="同一篇论文的摘要。")
    DatasetFactory(name="Other", kind="instruction", description_zh="另一段。")
    response = member_client.get(reverse("papers:dataset_list"))
    assertContains(response, "同一篇论文的摘要。", count=1)
    assertContains(response, "Same description as FLANv2", count=2)
    assertContains(response, "另一段。", count=1)
