"""Pages of the knowledge base alone (papers/views.py): the model table, family trees,
timeline, datasets and the evaluation taxonomy."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from papers.models import Ability, EvaluationTask
from tests.factories import DatasetFactory, LanguageModelFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 3])
def test_model_list_queries_do_not_grow(member_client, django_assert_num_queries, count):
    base = LanguageModelFactory(organization=OrganizationFactory())
    models = [base]
    for _ in range(count):
        models.append(
            LanguageModelFactory(base_model=base, relation="lora", organization=base.organization)
        )
    with django_assert_num_queries(3):
        response = member_client.get(reverse("papers:model_list"))
    for model in models:
        assertContains(response, model.get_absolute_url())
    assertContains(response, base.organization.name, count=len(models))


def test_model_list_sorts_by_parameters(member_client):
    small = LanguageModelFactory(parameters_b=7)
    big = LanguageModelFactory(parameters_b=175)
    response = member_client.get(reverse("papers:model_list") + "?sort=-parameters")
    assert list(response.context["object_list"]) == [big, small]


def test_family_tree_draws_labelled_edges(member_client):
    llama = LanguageModelFactory(name="LLaMA")
    LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    LanguageModelFactory(name="Chinese-LLaMA", base_model=llama, relation="continued_pretraining")
    response = member_client.get(reverse("papers:model_family"))
    content = response.content.decode()
    assert content.count('class="edge"') == 2
    assertContains(response, ">instruction tuning</text>")
    assertContains(response, ">continued pre-training</text>")


def test_family_page_survives_a_cycle_of_base_models(member_client):
    first = LanguageModelFactory(name="A")
    second = LanguageModelFactory(name="B", base_model=first, relation="lora")
    # clean() refuses this; a bulk update does not go through it.
    type(first).objects.filter(pk=first.pk).update(base_model=second, relation="lora")
    response = member_client.get(reverse("papers:model_family"))
    assertContains(response, "<h1>")


def test_family_trees_come_ten_families_a_page(member_client):
    for _ in range(12):
        root = LanguageModelFactory()
        LanguageModelFactory(base_model=root, relation="lora")
    first = member_client.get(reverse("papers:model_family"))
    second = member_client.get(reverse("papers:model_family") + "?page=2")
    assert (len(first.context["trees"]), len(second.context["trees"])) == (10, 2)


def timeline_of(response):
    """Return the timeline's SVG from the page (its legend stands outside it)."""
    content = response.content.decode()
    start = content.index('<svg class="timeline"')
    return content[start : content.index("</svg>", start)]


def test_timeline_plots_every_dated_sized_model(member_client):
    models = [LanguageModelFactory(parameters_b=size) for size in (7, 13, 175)]
    LanguageModelFactory(parameters_b=None)
    response = member_client.get(reverse("papers:model_timeline"))
    assert timeline_of(response).count("<circle cx=") == len(models)  # the legend's are outside


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_list_queries_do_not_grow(member_client, django_assert_num_queries, count):
    datasets = [DatasetFactory() for _ in range(count)]
    with django_assert_num_queries(3):
        response = member_client.get(reverse("papers:dataset_list"))
    for dataset in datasets:
        assertContains(response, f'<a href="{dataset.get_absolute_url()}">{dataset.name}</a>')


@pytest.mark.parametrize("count", [1, 3])
def test_timeline_queries_do_not_grow(member_client, django_assert_num_queries, count):
    models = [
        LanguageModelFactory(organization=OrganizationFactory(), parameters_b=7 * (n + 1))
        for n in range(count)
    ]
    # user, models with their organisations
    with django_assert_num_queries(2):
        response = member_client.get(reverse("papers:model_timeline"))
    assert timeline_of(response).count("<circle cx=") == count
    for model in models:
        assertContains(response, model.name)


@pytest.mark.parametrize("count", [1, 3])
def test_taxonomy_queries_do_not_grow(member_client, django_assert_num_queries, count):
    for n in range(count):
        ability = Ability.objects.create(
            slug=f"ability-{n}", level=Ability.Level.BASIC, name=f"Ability {n}"
        )
        for m in range(count):
            task = EvaluationTask.objects.create(
                slug=f"task-{n}-{m}", ability=ability, name=f"Task {n}.{m}"
            )
            task.benchmarks.add(DatasetFactory(name=f"Bench {n}.{m}"))
    # user, abilities, tasks, benchmarks
    with django_assert_num_queries(4):
        response = member_client.get(reverse("papers:taxonomy"))
    for n in range(count):
        assertContains(response, f"Ability {n}")
        for m in range(count):
            assertContains(response, f"Task {n}.{m}")
            assertContains(response, f"Bench {n}.{m}")
