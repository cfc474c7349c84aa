"""The admin of the knowledge base: papers and language models (papers/admin.py)."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from papers.importing import plan as importing
from papers.models import LanguageModel, Paper, TopicName
from tests.factories import (
    LanguageModelFactory,
    OrganizationFactory,
    PaperFactory,
    SourceFactory,
)
from tests.notes.test_forms import admin_post_data

pytestmark = pytest.mark.django_db

# The paper admin carries the notes about the paper as an inline (notes/admin/).
PAPER_INLINES = {"notes-TOTAL_FORMS": 0, "notes-INITIAL_FORMS": 0}


# Per-model tag links are edited through each record's tags field, a topic's Chinese
# name on its topic's page (tests/papers/test_topic_names.py).
THROUGH_TAG_MODELS = {"taggedpaper", "taggeddataset", "taggedmodel", "topicname"}


def papers_models():
    # Historical records (django-simple-history) are shown on each record's history page.
    return [
        model
        for model in apps.get_app_config("papers").get_models()
        if model._meta.model_name not in THROUGH_TAG_MODELS
        and not model._meta.model_name.startswith("historical")
    ]


def test_every_papers_model_is_in_the_admin():
    missing = [m._meta.label for m in papers_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", papers_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_answer(staff_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assertContains(staff_client.get(changelist), f"Select {opts.verbose_name} to change")
    assertContains(staff_client.get(add), f"Add {opts.verbose_name}")


def test_admin_change_pages_answer(staff_client):
    for obj in [PaperFactory(), LanguageModelFactory()]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = staff_client.get(url)
        assertContains(response, f"Change {opts.verbose_name}", msg_prefix=url)
        assertContains(response, escape(str(obj)), msg_prefix=url)


@pytest.mark.parametrize("count", [1, 3])
def test_admin_paper_changelist_has_no_query_per_row(
    staff_client, django_assert_num_queries, count
):
    papers = [PaperFactory() for _ in range(count)]
    for paper in papers:
        paper.tags.add("Surveys")
    # One COUNT only (the changelist does not count the whole table again); the choices
    # of the year, topic, source and organisation filters come from the paper filters'
    # cache, computed here (4 queries).
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("admin:papers_paper_changelist"))
    for paper in papers:
        assertContains(response, paper.title_en)
    assertContains(response, f"0 of {count} selected")


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


def test_a_control_character_in_a_papers_texts_is_refused_in_the_admin(staff_client):
    """A title pasted from a terminal ("GPT\x02-4") was saved from the admin (only the
    forms of notes and meetings refused it), and then stood in every list invisibly."""
    refused = add_paper(staff_client, title_en="GPT\x02-4 Technical Report")
    assertContains(refused, "invisible control character (U+0002, line 1)")
    refused = add_paper(staff_client, summary_en="Line one\nline \x1b[0mtwo")
    assertContains(refused, "invisible control character (U+001B, line 2)")
    assert Paper.objects.count() == 0
    saved = add_paper(staff_client, provenance="admin", title_en="GPT-4\tTechnical Report")
    assert saved.status_code == 302


def test_a_paper_typed_in_the_admin_as_from_arxiv_is_not_an_imports(
    staff_client, recorded_services
):
    """Its first version, of no reason and "added from" arXiv, was read as an import's:
    the next refresh replaced the title the organiser typed."""
    added = add_paper(
        staff_client,
        title_en="LLM survey (our reading)",
        slug="survey",
        arxiv_id="2303.18223",
        provenance="arxiv",
    )
    assert added.status_code == 302
    paper = Paper.objects.get()
    assert paper.history.get().history_change_reason == "Added in the admin"
    assert importing.given_by_imports(paper) == {}
    importing.refresh([paper])
    paper.refresh_from_db()
    assert paper.title_en == "LLM survey (our reading)"


def test_the_citation_key_is_set_in_the_admin_checked_and_made_when_empty(staff_client):
    """The README said organisers change a paper's citation key in the admin; its form
    had no such field, and a key made from a bad author line stayed."""
    form = staff_client.get(reverse("admin:papers_paper_add"))
    assertContains(form, 'name="citation_key"')
    refused = add_paper(staff_client, provenance="admin", citation_key="two words,x")
    assertContains(refused, "A citation key has no spaces")
    assert (
        add_paper(staff_client, provenance="admin", citation_key="huaweiMindSpore2022").status_code
        == 302
    )
    assert Paper.objects.get().citation_key == "huaweiMindSpore2022"
    made = add_paper(
        staff_client, provenance="admin", title_en="B paper", slug="b-paper", citation_key=""
    )
    assert made.status_code == 302
    assert Paper.objects.get(slug="b-paper").citation_key  # made when empty


def test_a_year_after_next_is_refused(staff_client):
    next_year = timezone.now().year + 1
    response = add_paper(staff_client, year=99999)
    assertContains(response, f"Enter a year no later than {next_year}.")
    assert Paper.objects.count() == 0
    ahead = add_paper(staff_client, year=next_year, provenance="admin")  # a preprint
    assert ahead.status_code == 302


@pytest.mark.parametrize(
    ("identifier", "entries"),
    [
        ({"arxiv_id": "https://arxiv.org/abs/2303.18223v2"}, "2303.18223"),
        ({"doi": "10.18653/v1/2023.acl-long.1"}, "10.18653%2Fv1%2F2023.acl-long.1"),
    ],
)
def test_a_paper_given_only_its_identifier_is_pointed_to_add_papers(
    staff_client, identifier, entries
):
    """ "Add papers" fetches the title and the rest from the identifier: the form says so
    and links there with it, where it was only "Give the paper's title"."""
    response = add_paper(staff_client, title_en="", slug="", **identifier)
    assertContains(response, "or let “Add papers” fetch it")
    assertContains(response, f'<a href="{reverse("papers:add")}?entries={entries}">Add papers: ')
    assert Paper.objects.count() == 0
    untitled = add_paper(staff_client, title_en="", slug="")
    assertContains(untitled, "Give the paper&#x27;s title.")
    assert "?entries=" not in untitled.content.decode()


def test_the_add_paper_form_points_to_add_papers_first(staff_client):
    pointer = "“Add papers” fetches its title, authors, abstract and the rest"
    add = staff_client.get(reverse("admin:papers_paper_add"))
    assertContains(add, pointer)
    assertContains(add, f'<a href="{reverse("papers:add")}">Add papers</a>')
    change = staff_client.get(reverse("admin:papers_paper_change", args=[PaperFactory().pk]))
    assert pointer not in change.content.decode()


def test_duplicate_paper_is_refused(staff_client):
    PaperFactory(arxiv_id="2303.18223", slug="survey")
    response = add_paper(staff_client, arxiv_id="2303.18223", slug="survey")
    assertContains(response, "A paper with this arXiv ID is already in the library:")
    assertContains(response, "Paper with this Slug already exists.")
    assert Paper.objects.count() == 1


def test_affiliations_are_edited_one_line_per_author(staff_client):
    response = add_paper(
        staff_client,
        authors="A. Author, B. Author, C. Author",
        provenance="admin",
        affiliations="Tsinghua University; Zhipu AI\n\n  Google  \n\n",
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.affiliations == [["Tsinghua University", "Zhipu AI"], [], ["Google"]]
    form = staff_client.get(reverse("admin:papers_paper_change", args=[paper.pk]))
    assertContains(form, ">\nTsinghua University; Zhipu AI\n\nGoogle</textarea>")
    empty = PaperFactory(affiliations=[])
    form = staff_client.get(reverse("admin:papers_paper_change", args=[empty.pk]))
    assertContains(form, 'name="affiliations" cols="40" rows="4"')
    assert "[]</textarea>" not in form.content.decode()


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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("parameters_b", "-5", "Give the size in billions, at least 0.001: 0.125 for 125M."),
        ("parameters_b", "0", "Give the size in billions, at least 0.001: 0.125 for 125M."),
        ("layers", "0", "Ensure this value is greater than or equal to 1."),
        ("context_length", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_model_of_no_size_is_refused_in_the_admin(staff_client, field, value, message):
    """A browser walk saved a model of -5 billion parameters, shown as "-5B"."""
    model = LanguageModelFactory(name="LLaMA", slug="llama", parameters_b=7, layers=32)
    response = staff_client.post(
        reverse("admin:papers_languagemodel_change", args=[model.pk]),
        {
            "name": "LLaMA",
            "slug": "llama",
            field: value,
            "relation": "other",
            "facts": "{}",
            "open_weights": "unknown",
            "modeldataset_set-TOTAL_FORMS": 0,
            "modeldataset_set-INITIAL_FORMS": 0,
            **PAPER_INLINES,
        },
    )
    assertContains(response, message)
    model.refresh_from_db()
    assert (model.parameters_b, model.layers) == (7, 32)


def test_nul_bytes_are_refused_in_the_admin(staff_client):
    response = add_paper(staff_client, title_en="Bad\x00title")
    assertContains(response, "Null characters are not allowed.")
    assert Paper.objects.count() == 0


def test_changelist_checkbox_is_djangos_without_a_widget_template(admin_client):
    from django.contrib import admin as django_admin
    from django.contrib.admin import ModelAdmin

    from papers.models import Paper
    from tests.factories import PaperFactory

    paper = PaperFactory(title_en="Chain of Thought")
    ours = django_admin.site._registry[Paper].action_checkbox(paper)
    djangos = ModelAdmin(Paper, django_admin.site).action_checkbox(paper)
    assert str(ours).replace(">", " >").split() == str(djangos).replace(">", " >").split()
    response = admin_client.get("/admin/papers/paper/")
    assert f'name="_selected_action" value="{paper.pk}"' in response.content.decode()


def test_refresh_from_arxiv_action(staff_client, recorded_services):
    imported = PaperFactory(
        arxiv_id="2303.18223", arxiv_version=15, title_en="Old title", provenance="arxiv"
    )
    edited = PaperFactory(arxiv_id="1706.03762", arxiv_version=1, title_en="Edited")
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    response = staff_client.post(
        reverse("admin:papers_paper_changelist"),
        {"action": "refresh_from_arxiv", "_selected_action": [imported.pk, edited.pk]},
        follow=True,
    )
    assertContains(response, "2 papers updated to a new arXiv version. 0 already current.")
    assertContains(
        response,
        "1706.03762: title (English) kept: edited since the paper was imported, or not imported.",
    )
    imported.refresh_from_db()
    edited.refresh_from_db()
    assert (imported.arxiv_version, imported.title_en) == (16, "A Survey of Large Language Models")
    assert imported.history.earliest("history_date").title_en == "Old title"
    assert (edited.arxiv_version, edited.title_en) == (7, "Edited")


def test_a_message_that_begins_with_arxiv_keeps_its_small_a(staff_client, settings):
    """Django's admin capitalises every message (capfirst): "ArXiv could not be reached"."""
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"  # nothing listens there
    paper = PaperFactory(arxiv_id="2303.18223", arxiv_version=15)
    response = staff_client.post(
        reverse("admin:papers_paper_changelist"),
        {"action": "refresh_from_arxiv", "_selected_action": [paper.pk]},
        follow=True,
    )
    assertContains(response, "arXiv could not be reached from this server; try again later.")
    assertNotContains(response, "ArXiv")
    assertContains(response, '<ul class="messagelist">')


def test_import_admin_lists(staff_client):
    from papers.models import Harvest, ServiceSlot

    ServiceSlot.objects.create(name="arxiv", requests=3)
    Harvest.objects.create(category="cs.CL", since="2024-01-01", records=7)
    assertContains(staff_client.get(reverse("admin:papers_serviceslot_changelist")), "arxiv")
    assertContains(staff_client.get(reverse("admin:papers_harvest_changelist")), "cs.CL")


def test_admin_paper_filters_offer_and_apply_topics_sources_and_organisations(staff_client):
    chosen = PaperFactory(title_en="Chosen paper")
    PaperFactory(title_en="Other paper")
    chosen.tags.add("Surveys")
    organization, source = OrganizationFactory(name="Meta AI"), SourceFactory(title_en="Seed list")
    chosen.organizations.add(organization)
    chosen.sources.add(source)
    url = reverse("admin:papers_paper_changelist")
    page = staff_client.get(url)
    for offered in ("Surveys", "Meta AI", "Seed list"):
        assertContains(page, offered)
    topic = chosen.tags.get().pk
    for query in (
        f"tags__id__exact={topic}",
        f"organizations__id__exact={organization.pk}",
        f"sources__id__exact={source.pk}",
    ):
        page = staff_client.get(f"{url}?{query}")
        assertContains(page, "Chosen paper")
        assert "Other paper" not in page.content.decode(), query
    # Only the filters' own parameters: any other lookup across those relations is
    # refused, as Django refuses it (since 5.2.20 the quick filters' were refused too).
    for query in ("tags__name__startswith=S", "organizations__name__exact=Meta%20AI"):
        assert staff_client.get(f"{url}?{query}").status_code == 400, query


@pytest.mark.parametrize(
    ("query", "value", "name"),
    [
        ("year=20x3", "20x3", "year"),
        ("year=２０２３", "２０２３", "year"),
        ("tags__id__exact=1e3", "1e3", "topics"),
        (f"organizations__id__exact={'9' * 30}", "9" * 30, "organizations"),
    ],
)
def test_admin_paper_filter_value_that_is_not_a_choice_is_said(staff_client, query, value, name):
    """A filter's value that is no year or id (typed, or an address cut short) listed every
    paper without a word, under a filter that looked applied. It is left out, and the list
    says so, once."""
    chosen = PaperFactory(title_en="Chosen paper", year=2023)
    PaperFactory(title_en="Other paper", year=2019)
    chosen.tags.add("Surveys")  # each filter offers a choice, and so stands on the page
    chosen.organizations.add(OrganizationFactory(name="Meta AI"))
    url = reverse("admin:papers_paper_changelist")
    for _twice in range(2):  # not kept by the change list's page cache without the message
        page = staff_client.get(f"{url}?{query}")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Chosen paper" in html and "Other paper" in html
        said = f"“{value}” is not a choice of the filter “{name}”: every one is shown."
        assert html.count(said) == 1, html[:3000]
    assertNotContains(staff_client.get(f"{url}?year="), "is not a choice")  # no value: none
    if name == "year":
        page = staff_client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE="zh-CN")
        assertContains(page, f"“{value}”不是“年份”筛选的选项，这里列出了全部。", count=1)


def test_admin_paper_list_names_topics_and_organisations_in_the_interfaces_language(
    staff_client,
):
    """In Chinese the topics column and filter showed "Alignment, Surveys" where the site
    says 对齐 and 综述; the organisations filter, "Tsinghua University"."""
    paper = PaperFactory(title_en="Chosen paper")
    paper.tags.add("Alignment", "Surveys", "Agents")
    for name, name_zh in (("Alignment", "对齐"), ("Surveys", "综述")):
        TopicName.objects.create(tag=Tag.objects.get(name=name), name_zh=name_zh)
    paper.organizations.add(OrganizationFactory(name="Tsinghua University", name_zh="清华大学"))
    url = reverse("admin:papers_paper_changelist")

    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    row = page.context["cl"].result_list[0]
    assert page.context["cl"].model_admin.tag_list(row) == "对齐, 综述, Agents"
    filters = {
        getattr(spec, "parameter_name", ""): dict(getattr(spec, "lookup_choices", []))
        for spec in page.context["cl"].filter_specs
    }
    assert list(filters["tags__id__exact"].values()) == ["对齐", "综述", "Agents"]
    assert list(filters["organizations__id__exact"].values()) == ["清华大学"]
    assertContains(page, "对齐, 综述, Agents")

    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["cl"].model_admin.tag_list(page.context["cl"].result_list[0]) == (
        "Agents, Alignment, Surveys"
    )
    assertContains(page, "Tsinghua University")


def test_admin_paper_list_orders_chinese_names_by_pinyin(staff_client):
    """The topics column and the topic and organisation filters had the Chinese names by
    code point (多模态, 大模型, 对齐), Latin-lettered ones first; now by pinyin (dà, duì,
    duō), the Latin-lettered ones after them."""
    paper = PaperFactory()
    topics = {"Surveys": "综述", "Multimodal": "多模态", "Alignment": "对齐", "LLMs": "大模型"}
    paper.tags.add(*topics, "Agents")
    for name, name_zh in topics.items():
        TopicName.objects.create(tag=Tag.objects.get(name=name), name_zh=name_zh)
    for name, name_zh in (("Meta AI", ""), ("BAAI", "智源"), ("Alibaba", "阿里巴巴")):
        paper.organizations.add(OrganizationFactory(name=name, name_zh=name_zh))

    page = staff_client.get(reverse("admin:papers_paper_changelist"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    row = page.context["cl"].result_list[0]
    assert page.context["cl"].model_admin.tag_list(row) == "大模型, 对齐, 多模态, 综述, Agents"
    filters = {
        getattr(spec, "parameter_name", ""): list(
            dict(getattr(spec, "lookup_choices", [])).values()
        )
        for spec in page.context["cl"].filter_specs
    }
    assert filters["tags__id__exact"] == ["大模型", "对齐", "多模态", "综述", "Agents"]
    assert filters["organizations__id__exact"] == ["阿里巴巴", "智源", "Meta AI"]


@pytest.mark.parametrize(
    ("record", "changelist"),
    [
        ("model", "admin:papers_languagemodel_changelist"),
        ("dataset", "admin:papers_dataset_changelist"),
        ("note", "admin:notes_note_changelist"),
    ],
)
def test_every_admin_list_names_its_topics_in_the_interfaces_language(
    admin_client, record, changelist
):
    """A browser walk found the papers' topic filter in Chinese (对齐) and the models',
    datasets' and notes' in English (Alignment), every tag listed."""
    from tests.factories import DatasetFactory, NoteFactory

    made = {"model": LanguageModelFactory, "dataset": DatasetFactory, "note": NoteFactory}
    made[record]().tags.add("Surveys", "Alignment", "Agents")
    PaperFactory().tags.add("Unrelated")
    for name, name_zh in (("Alignment", "对齐"), ("Surveys", "综述")):
        TopicName.objects.create(tag=Tag.objects.get(name=name), name_zh=name_zh)

    def topics(language):
        page = admin_client.get(reverse(changelist), HTTP_ACCEPT_LANGUAGE=language)
        (spec,) = [s for s in page.context["cl"].filter_specs if s.field_path == "tags"]
        return [label for _pk, label in spec.lookup_choices]

    assert topics("zh-CN") == ["对齐", "综述", "Agents"]
    assert topics("en") == ["Agents", "Alignment", "Surveys"]


def test_the_dataset_languages_filter_names_the_languages(admin_client):
    from tests.factories import DatasetFactory

    DatasetFactory(languages="zh, en")
    DatasetFactory(languages="multilingual")
    url = reverse("admin:papers_dataset_changelist")
    assertContains(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN"), "中文、英文</a>")
    chinese = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, '<td class="field-shown_languages">中文、英文</td>', html=True)
    english = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(english, "Chinese, English</a>")
    assertContains(english, "multilingual</a>")
    assert "zh, en</a>" not in english.content.decode()


def test_the_model_and_paper_forms_capitalise_their_labels(admin_client):
    model = LanguageModelFactory()
    form = admin_client.get(reverse("admin:papers_languagemodel_change", args=[model.pk]))
    assertContains(form, ">Release month:</label>")
    paper = admin_client.get(reverse("admin:papers_paper_change", args=[PaperFactory().pk]))
    assertContains(paper, ">Affiliations:</label>")


def test_admin_paper_count_follows_each_added_and_deleted_paper(staff_client, settings):
    """The unfiltered count is kept in the cache (papers.filters.paper_count) until the
    papers change."""
    settings.PAGECACHE_ENABLED = False  # each view rendered, as cold
    url = reverse("admin:papers_paper_changelist")

    def count(query=""):
        return staff_client.get(f"{url}{query}").context["cl"].result_count

    first = PaperFactory(title_en="First")
    assert count() == 1
    second = PaperFactory()
    assert (count(), count()) == (2, 2)
    second.delete()
    assert count() == 1
    assert (count("?q=nothing-matches"), count("?q=First")) == (0, 1)
    first.delete()
    assert count() == 0


def test_admin_paper_list_reads_every_field_it_shows():
    from papers.admin import NOT_LISTED, PaperAdmin

    assert not set(NOT_LISTED) & set(PaperAdmin.list_display)
    assert not set(NOT_LISTED) & {"title_en", "title_zh"}  # the paper's name (__str__)


@pytest.mark.parametrize(
    ("language", "label", "harvests"),
    [("en", "arXiv ID", "Harvests from arXiv"), ("zh-hans", "arXiv 编号", "从 arXiv 批量采集")],
)
def test_arxiv_keeps_its_small_a_in_the_admin(admin_client, language, label, harvests):
    """Django writes each label of a verbose name with a capital: "ArXiv ID"."""
    admin_client.cookies["django_language"] = language
    paper = PaperFactory(arxiv_id="2303.18223")
    form = admin_client.get(reverse("admin:papers_paper_change", args=[paper.pk]))
    suffix = "：" if language == "zh-hans" else ":"  # Django's label suffix, in Chinese full-width
    assertContains(form, f">{label}{suffix}</label>")
    listed = admin_client.get(reverse("admin:papers_paper_changelist"))
    assertContains(listed, f">{label}</a>")  # the column's header
    assertContains(admin_client.get(reverse("admin:index")), harvests)
    for response in (form, listed):
        assert "ArXiv" not in response.content.decode()


@pytest.mark.parametrize("typed", ["2023-08", "2023/8", "2023年8月", "2023-08-15"])
def test_a_models_release_month_is_typed_as_a_month(staff_client, typed):
    model = LanguageModelFactory(name="Llama 2", slug="llama-2")
    url = reverse("admin:papers_languagemodel_change", args=[model.pk])
    data = admin_post_data(staff_client.get(url))
    assert staff_client.post(url, {**data, "released": typed}).status_code == 302
    model.refresh_from_db()
    assert model.released == datetime.date(2023, 8, 1)
    assertContains(staff_client.get(url), 'value="2023-08"')
    response = staff_client.post(url, {**data, "released": "2023-13"})
    assertContains(response, "Enter a month as year and month, e.g. 2023-07.")


def test_the_delete_page_names_what_only_loses_its_link(staff_client):
    """Deleting LLaMA said only "语言模型: 1": not that its derivatives lose their base."""
    llama = LanguageModelFactory(name="LLaMA", slug="llama")
    LanguageModelFactory(name="Alpaca", slug="alpaca", base_model=llama, relation="instruction")
    url = reverse("admin:papers_languagemodel_delete", args=[llama.pk])
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "保留，但不再与它关联" in page
    assert "语言模型（基座模型）：1 — Alpaca" in page
    assert "语言模型：1" in page  # Django's summary, with a Chinese colon


def test_the_delete_page_names_link_rows_in_the_readers_language(staff_client):
    """Django named its automatic link models at import, in the language active then
    ("Languagemodel-paper关系" on an English page), and each row by its class and id."""
    llama = LanguageModelFactory(name="LLaMA", slug="llama")
    llama.papers.add(PaperFactory(title_en="LLaMA: Open and Efficient Foundation Models"))
    url = reverse("admin:papers_languagemodel_delete", args=[llama.pk])
    en = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Language model-paper relationships: 1" in en
    assert "LLaMA — LLaMA: Open and Efficient Foundation Models" in en
    assert "关系" not in en and "object (" not in en
    zh = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "语言模型-论文关系：1" in zh


def test_refresh_from_arxiv_leaves_a_doi_another_paper_has_unset(staff_client, recorded_services):
    """arXiv gave a DOI another paper of the library has: the save failed (a 500) and the
    whole batch was lost."""
    maldacena = PaperFactory(
        arxiv_id="hep-th/9711200", arxiv_version=1, doi=None, title_en="Old", provenance="arxiv"
    )
    PaperFactory(arxiv_id=None, doi="10.1023/a:1026654312961", title_en="The journal's copy")
    survey = PaperFactory(arxiv_id="2303.18223", arxiv_version=15)
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    response = staff_client.post(
        reverse("admin:papers_paper_changelist"),
        {"action": "refresh_from_arxiv", "_selected_action": [maldacena.pk, survey.pk]},
        follow=True,
    )
    assertContains(response, "2 papers updated to a new arXiv version. 0 already current.")
    assertContains(
        response,
        "The DOI 10.1023/a:1026654312961 that arXiv gives hep-th/9711200 is already the DOI "
        "of “The journal&#x27;s copy”; it was left unset.",
    )
    maldacena.refresh_from_db()
    survey.refresh_from_db()
    assert (maldacena.arxiv_version, maldacena.doi, maldacena.title_en) == (
        3,
        None,
        "The Large N Limit of Superconformal Field Theories and Supergravity",
    )
    assert survey.arxiv_version == 16


@pytest.mark.parametrize(
    "query",
    [
        "released__year=99999999999999999999",
        "released__year=2023&released__month=99999999999999999999",
    ],
)
def test_a_date_filter_too_large_for_a_number_is_a_bad_filter_not_a_500(staff_client, query):
    """Django's date hierarchy catches ValueError alone: an OverflowError was a 500."""
    url = reverse("admin:papers_languagemodel_changelist")
    response = staff_client.get(f"{url}?{query}")
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    assert staff_client.get(response["Location"]).status_code == 200


def test_a_models_history_and_list_show_values_as_the_form_does(admin_client):
    """The history read 开放权重: None → True, 层数: None → 12, 许可证:  → MIT and
    发布月份: 2018年6月1日 → 2018年7月1日 (a day nobody gave); the list's release month
    showed the day too."""
    model = LanguageModelFactory(
        name="GPT", released=datetime.date(2018, 6, 1), open_weights=None, layers=None, license=""
    )
    model.open_weights, model.layers, model.license = True, 12, "MIT"
    model.released = datetime.date(2018, 7, 1)
    model.save()
    url = reverse("admin:papers_languagemodel_history", args=[model.pk])
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    changed = page.split('id="change-history"')[1].split("<ul>")[1].split("</ul>")[0]
    changes = " ".join(changed.replace("&nbsp;", " ").replace("&rarr;", "→").split())
    for shown in ("未知 → 是", "— → 12", "— → MIT", "2018-06 → 2018-07"):
        assert shown in changes, changes
    assert "None" not in changes and "True" not in changes and "日" not in changes
    listed = admin_client.get(
        reverse("admin:papers_languagemodel_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assertContains(listed, '<td class="field-release_month">2018-07</td>', html=True)


def test_the_unfiltered_paper_list_offers_no_show_all(admin_client):
    """Not counting the whole library, Django's search box read "3 results (Show all)"
    on the list of all of them, its link the same page."""
    for _n in range(3):
        PaperFactory()
    url = reverse("admin:papers_paper_changelist")
    assertNotContains(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en"), "Show all")
    searched = admin_client.get(url, {"q": "zzz-nothing"}, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(searched, "Show all")
