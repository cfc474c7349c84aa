"""The model table read by SQL compiled once (papers.tables.ModelTable) is the
queryset's, in every order and openness, counted and sliced as the paginator does."""

import datetime
from decimal import Decimal

import pytest
from django.test.utils import override_settings
from django.utils import translation

from papers.models import LanguageModel
from papers.tables import ModelTable, model_rows, number
from papers.views import ModelListView
from tests.factories import LanguageModelFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def models():
    lab = OrganizationFactory(name="Shanghai AI Lab", name_zh="上海人工智能实验室")
    base = LanguageModelFactory(name="Base", organization=lab, parameters_b=Decimal("70"))
    LanguageModelFactory(
        name="tuned",
        base_model=base,
        relation="lora",
        open_weights=False,
        parameters_b=Decimal("6.7"),
        released=datetime.date(2023, 5, 1),
    )
    LanguageModelFactory(name="undated", released=None, parameters_b=None, open_weights=None)
    LanguageModelFactory.create_batch(4)


@pytest.mark.parametrize("sort", ModelListView.sort_options)
@pytest.mark.parametrize("openness", ["", "1", "0"])
def test_the_compiled_table_is_the_querysets(models, sort, openness):
    order = ModelListView.sort_options[sort]
    queryset = LanguageModel.objects.for_table()
    if openness:
        queryset = queryset.filter(open_weights=openness == "1")
    queryset = queryset.order_by(*order)
    table = ModelTable(tuple(order), openness)
    assert table.count() == len(table) == queryset.count()
    assert list(table) == list(queryset)
    assert table[1:3] == list(queryset[1:3])
    assert table[2:] == list(queryset[2:])
    if queryset.count():
        assert table[0] == queryset[0]


def test_a_row_reads_as_the_querysets(models):
    [row] = ModelTable(tuple(ModelListView.sort_options["name"]), "0")[:1]
    assert (row.name, row.base_model__name, row.parameters_b) == ("tuned", "Base", Decimal("6.7"))
    assert row.released == datetime.date(2023, 5, 1)


def test_the_rows_show_names_and_numbers_in_the_interfaces_language(models):
    rows = list(ModelTable(tuple(ModelListView.sort_options["name"]), ""))
    with translation.override("zh-hans"):
        chinese = model_rows(rows)
    with translation.override("en"):
        english = model_rows(rows)
    assert "<td>上海人工智能实验室</td>" in chinese
    assert "<td>Shanghai AI Lab</td>" in english
    assert '<td class="num">6.7</td>' in english
    with override_settings(USE_THOUSAND_SEPARATOR=False), translation.override("de"):
        assert number(Decimal("6.70")) == "6,7"
    assert number(Decimal("6.70"), ",") == "6,7"


def test_a_negative_index_is_refused_as_a_queryset_refuses_it(models):
    """Written into the SQL, OFFSET -1 read the first row on SQLite and was an error on
    PostgreSQL."""
    table = ModelTable(tuple(ModelListView.sort_options["name"]), "")
    with pytest.raises(ValueError, match="Negative indexing"):
        table[-1]
    with pytest.raises(ValueError, match="Negative indexing"):
        table[-3:]
