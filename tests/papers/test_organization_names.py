"""Organisations in lists by the name of the interface's language: the Chinese one in
the Chinese interface where they have one (谷歌, 清华大学), else their name; the record's
own pages name both, as before, and a paper's page both, the interface's first."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import ReadingListItem
from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingListFactory,
)

pytestmark = pytest.mark.django_db
ACCEPT = {"en": "en", "zh": "zh-CN,zh;q=0.9"}
SHOWN = {"en": "Google", "zh": "谷歌"}


@pytest.fixture
def google():
    return OrganizationFactory(name="Google", name_zh="谷歌", slug="google")


def lists_of(google):
    """The addresses of the lists that name the organisation."""
    paper = PaperFactory()
    paper.organizations.add(google, OrganizationFactory(name="EleutherAI"))
    LanguageModelFactory(organization=google)
    DatasetFactory(organization=google)
    reading_list = ReadingListFactory(slug="basics")
    ReadingListItem.objects.create(reading_list=reading_list, paper=paper, position=1)
    return {
        "paper list": reverse("reading:paper_list"),
        "model list": reverse("papers:model_list"),
        "dataset list": reverse("papers:dataset_list"),
        "reading list": reverse("notes:readinglist_detail", args=["basics"]),
    }


@pytest.mark.parametrize(("shown", "other"), [("zh", "en"), ("en", "zh")])
def test_lists_name_an_organisation_in_the_interfaces_language(member_client, google, shown, other):
    for name, url in lists_of(google).items():
        page = member_client.get(url, HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])
        assert SHOWN[shown] in page.content.decode(), name
        assert SHOWN[other] not in page.content.decode().replace("Google Scholar", ""), name
        if name in ("paper list", "reading list"):  # no Chinese name: its name in either
            assertContains(page, "EleutherAI")


def test_the_paper_filter_offers_an_organisation_by_the_interfaces_name(member_client, google):
    PaperFactory().organizations.add(google)
    url = reverse("reading:paper_list")
    for language in ("zh", "en"):  # the options are kept once per language
        page = member_client.get(url, HTTP_ACCEPT_LANGUAGE=ACCEPT[language])
        assertContains(page, f'<option value="google">{SHOWN[language]}</option>', html=True)


def test_the_organisations_own_page_names_both(member_client, google):
    page = member_client.get(google.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT["en"])
    assertContains(page, "Google")
    assertContains(page, "谷歌")
    assertNotContains(page, "Google (谷歌) (谷歌)")


def test_the_paper_page_names_an_organisation_in_the_interfaces_language_first(
    member_client, google
):
    """In Chinese the paper page said "Google (谷歌)", where the lists say 谷歌; in English
    as before. One without a Chinese name is named as it is."""
    paper = PaperFactory()
    paper.organizations.add(google, OrganizationFactory(name="Zhipu AI", name_zh=""))
    url = reverse("reading:organization_detail", args=[google.slug])
    zh = member_client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT["zh"])
    assertContains(zh, f'<a href="{url}">谷歌 (Google)</a>', html=True)
    assertContains(zh, ">Zhipu AI<")
    en = member_client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT["en"])
    assertContains(en, f'<a href="{url}">Google (谷歌)</a>', html=True)
