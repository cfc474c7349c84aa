"""Pages of the knowledge base alone (papers/views.py): the model table, family trees,
timeline, datasets and the evaluation taxonomy."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import Ability, Dataset, EvaluationTask
from papers.views import ModelListView
from tests.factories import DatasetFactory, LanguageModelFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?sort=bogus&open=yes"])
@pytest.mark.parametrize("count", [1, 3])
def test_model_list_queries_do_not_grow(member_client, django_assert_num_queries, count, query):
    base = LanguageModelFactory(organization=OrganizationFactory())
    models = [base]
    for _ in range(count):
        models.append(
            LanguageModelFactory(base_model=base, relation="lora", organization=base.organization)
        )
    # + the member's audience and roles, once (the page is kept for all who read alike);
    # an unknown order or openness, ignored, is said at no query more
    with django_assert_num_queries(4):
        response = member_client.get(reverse("papers:model_list") + query)
    assert response.content.count(b"unknown-filter") == (2 if query else 0)
    for model in models:
        assertContains(response, model.get_absolute_url())
    assertContains(response, base.organization.name, count=len(models))


def test_model_list_sorts_by_parameters(member_client):
    small = LanguageModelFactory(parameters_b=7)
    big = LanguageModelFactory(parameters_b=175)
    response = member_client.get(reverse("papers:model_list") + "?sort=-parameters")
    assert [row.slug for row in response.context["object_list"]] == [big.slug, small.slug]


def test_model_list_headers_sort_within_the_openness_chosen_and_say_the_order(member_client):
    """A header's link kept "open weights only" out of the address: the sorted table
    was every model again. The sorted column says so (aria-sort, an arrow)."""
    LanguageModelFactory(parameters_b=7, open_weights=True)
    response = member_client.get(reverse("papers:model_list") + "?open=1&sort=released&page=1")
    html = response.content.decode()
    assert '<a href="?open=1&amp;sort=-parameters">' in html
    assert '<a href="?open=1&amp;sort=name">' in html
    assert '<a href="?open=1&amp;sort=-released">' in html  # the other way round
    assert re.search(r'<th aria-sort="ascending"><a href="\?open=1&amp;sort=-released">', html)
    assert '<a href="?sort=released">' in html  # "all": the order kept
    assert '<a href="?open=0&amp;sort=released">' in html
    descending = member_client.get(reverse("papers:model_list") + "?sort=-parameters")
    assertContains(descending, '<th class="num" aria-sort="descending">')


def test_model_list_rows_show_each_column_as_the_record_holds_it(member_client):
    org = OrganizationFactory(name="Meta <AI>")
    base = LanguageModelFactory(
        name="LLaMA",
        organization=org,
        parameters_b=Decimal("70.000"),
        open_weights=True,
        released=datetime.date(2023, 2, 24),
    )
    LanguageModelFactory(
        name="<b>Alpaca</b>",
        base_model=base,
        relation="instruction_tuning",
        parameters_b=Decimal("7.500"),
        open_weights=False,
        released=None,
    )
    LanguageModelFactory(name="Mystery", parameters_b=None, open_weights=None, released=None)
    response = member_client.get(reverse("papers:model_list") + "?sort=name")
    assertContains(response, "<td>Meta &lt;AI&gt;</td>", html=False)
    assertContains(response, "<td>2023-02</td>", html=False)
    assertContains(response, '<td class="num">70</td>', html=False)  # not 7E+1
    assertContains(response, '<td class="num">7.5</td>', html=False)
    assertContains(response, '<span class="badge open">open</span>', html=False)
    assertContains(response, '<span class="badge closed">closed</span>', html=False)
    assertContains(response, "&lt;b&gt;Alpaca&lt;/b&gt;", html=False)
    assertNotContains(response, "<b>Alpaca</b>", html=False)
    assertContains(
        response,
        f'<a href="{base.get_absolute_url()}">LLaMA</a> '
        '<span class="muted">instruction tuning</span>',
        html=False,
    )


def test_model_list_rows_in_chinese(member_client):
    LanguageModelFactory(name="ChatGLM", open_weights=True)
    response = member_client.get(reverse("papers:model_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, '<span class="badge open">开放</span>', html=False)


def test_model_list_says_so_when_no_model_matches(member_client):
    LanguageModelFactory(open_weights=True)
    response = member_client.get(reverse("papers:model_list") + "?open=0")
    assertContains(response, '<td colspan="6" class="empty">No models yet.</td>', html=False)


def test_model_list_says_an_unknown_order_or_openness_is_ignored(member_client, says_unknown):
    """An order or an openness the table has not: said, with what is shown instead and
    the choices named alike (or both openness choices); the table's links carry the
    order shown, not the unknown one."""
    LanguageModelFactory(name="LLaMA", open_weights=True)
    LanguageModelFactory(name="GPT-4", open_weights=False)
    url = reverse("papers:model_list")
    response = says_unknown(
        url,
        {
            "?sort=release&open=yes": [
                "No sort order is called “release”: sorted by release date instead, earliest"
                ' first. Perhaps: <a href="?sort=released">release date, earliest first</a>,'
                ' <a href="?sort=-released">release date, latest first</a>',
                "“yes” is neither open nor closed weights: every model is shown. Perhaps:"
                ' <a href="?open=1">open weights only</a>, <a href="?open=0">closed only</a>',
            ]
        },
        in_chinese={
            "?sort=bogus": "没有叫“bogus”的排序方式，已改为按发布日期从早到晚排序。",
            "?open=2": "“2”既不是开放权重也不是闭源，这里列出了全部模型。",
        },
        known=["?sort=-parameters", "?open=1", "?open=", "?sort=", "?sort=open&open=0"],
    )
    assertContains(response, "LLaMA")
    assertContains(response, "GPT-4")
    assertContains(response, '<a href="?open=1&amp;sort=released">open weights only</a>')
    # Every order is named, and only those there are.
    assert ModelListView.sort_labels.keys() == ModelListView.sort_options.keys()


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
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(5):
        response = member_client.get(reverse("papers:dataset_list"))
    assert len(response.context["page_obj"]) == count * len(Dataset.Kind.values)


def test_dataset_cards_label_their_values_with_the_languages_colon(member_client):
    """On a phone a dataset row is a card whose values CSS labels from data-label: "规模:
    20G" took an ASCII colon in Chinese (a browser walk)."""
    DatasetFactory(size="20G", organization=OrganizationFactory())
    zh = member_client.get(reverse("papers:dataset_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    labels = re.findall(
        r'<td class="[^"]*" data-label="([^"]*)"|<td data-label="([^"]*)"', zh.content.decode()
    )
    shown = [a or b for a, b in labels if (a or b) not in ("名称", "Name")]
    assert shown and all(label.endswith("：") for label in shown)
    en = member_client.get(reverse("papers:dataset_list"), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(en, 'data-label="Size: "')


def test_dataset_list_says_an_unknown_kind_is_none(member_client):
    DatasetFactory(kind="benchmark", name="MMLU")
    url = reverse("papers:dataset_list")
    response = member_client.get(url + "?kind=benchmarks&page=1", HTTP_ACCEPT_LANGUAGE="en")
    assertContains(
        response,
        '<p class="message unknown-filter" role="status">No kind of dataset is called'
        " “benchmarks”: every kind is shown."
        ' Perhaps: <a href="?kind=benchmark">Benchmark</a></p>',
        html=True,
    )
    assertContains(response, "MMLU")
    response = member_client.get(url + "?kind=nope", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, "没有哪类数据集叫“nope”，下面列出了所有类别。")
    assertNotContains(member_client.get(url + "?kind=benchmark"), "unknown-filter")


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
    assertContains(response, 'All <span class="count">11</span>')
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


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", ["Chinese", "Chinese, English", "multilingual", "Python"]),
        ("zh-hans", ["中文", "中文、英文", "多语言", "Python"]),
    ],
)
def test_dataset_languages_are_named_not_coded(member_client, language, shown):
    written = ["zh", "zh, en", "multilingual", "Python"]
    datasets = [DatasetFactory(kind="benchmark", languages=text) for text in written]
    page = member_client.get(reverse("papers:dataset_list"), HTTP_ACCEPT_LANGUAGE=language)
    for name in shown:
        assertContains(page, f">{name}</td>")
    detail = member_client.get(datasets[1].get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assertContains(detail, shown[1])


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


def test_dataset_list_shows_a_shared_description_once(member_client):
    for name in ["FLANv2", "LLaVA-Instruct", "Unnatural Instructions"]:
        DatasetFactory(name=name, kind="instruction", description_zh="同一篇论文的摘要。")
    DatasetFactory(name="Other", kind="instruction", description_zh="另一段。")
    response = member_client.get(reverse("papers:dataset_list"))
    assertContains(response, "同一篇论文的摘要。", count=1)
    # A link: the dataset it names may be rows away.
    flan = Dataset.objects.get(name="FLANv2").get_absolute_url()
    assertContains(response, f'Same description as <a href="{flan}">FLANv2</a>', count=2)
    assertContains(response, "另一段。", count=1)
    chinese = member_client.get(reverse("papers:dataset_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(chinese, f'简介同 <a href="{flan}">FLANv2</a>', count=2)


@pytest.mark.parametrize("count", [1, 3])
def test_timeline_queries_do_not_grow(member_client, django_assert_num_queries, count):
    models = [
        LanguageModelFactory(organization=OrganizationFactory(), parameters_b=7 * (n + 1))
        for n in range(count)
    ]
    # user, models with their organisations
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(3):
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
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(5):
        response = member_client.get(reverse("papers:taxonomy"))
    for n in range(count):
        assertContains(response, f"Ability {n}")
        for m in range(count):
            assertContains(response, f"Task {n}.{m}")
            assertContains(response, f"Bench {n}.{m}")


def test_a_datasets_place_in_the_taxonomy_is_named_in_the_interface_language(member_client):
    ability = Ability.objects.create(
        slug="generation", level="basic", name="Language Generation", name_zh="语言生成"
    )
    task = EvaluationTask.objects.create(
        slug="lm", ability=ability, name="Language Modeling", name_zh="语言建模"
    )
    untranslated = EvaluationTask.objects.create(slug="x", ability=ability, name="Household")
    dataset = DatasetFactory(name="The Pile")
    dataset.evaluation_tasks.set([task, untranslated])
    url = dataset.get_absolute_url()
    chinese = member_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, "基础 → 语言生成 → 语言建模")
    assertContains(chinese, "基础 → 语言生成 → Household")  # no Chinese name: the English
    member_client.post(reverse("set_language"), {"language": "en", "next": url})
    english = member_client.get(url)
    assertContains(english, "Basic → Language Generation → Language Modeling")
