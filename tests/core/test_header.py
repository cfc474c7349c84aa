"""The site header's parts made in Python (core/templatetags/header.py): in the reader's
language, escaped, and leading back to the page they are on."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.templatetags.header import main_nav

pytestmark = pytest.mark.django_db


def test_the_navigation_is_in_each_language_of_its_own():
    with translation.override("zh-hans"):
        chinese = main_nav()
    with translation.override("en"):
        english = main_nav()
    assert "论文" in chinese and "Papers" not in chinese
    assert ">Papers</a>" in english and "论文" not in english
    assert f'href="{reverse("reading:paper_list")}"' in english
    with translation.override("zh-hans"):
        assert main_nav() == chinese  # kept, and the same


def test_the_results_page_holds_the_query_escaped_in_its_own_box_alone(member_client):
    response = member_client.get(reverse("search:results"), {"q": '"><script>x</script>'})
    held = 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;" aria-label="Search" autofocus'
    assertContains(response, held, count=1)
    assertNotContains(response, 'placeholder="Papers, notes …"')  # the header's box
    assertNotContains(response, "<script>x</script>")


def test_the_language_switch_offers_the_other_language_back_to_this_page(member_client):
    url = reverse("reading:paper_list") + '?q=a"b&sort=oldest'
    member_client.cookies["django_language"] = "en"
    response = member_client.get(url)
    assertContains(response, 'name="next" value="/papers/?q=a%22b&amp;sort=oldest"')
    assertContains(response, 'value="zh-hans" class="chip" lang="zh-Hans"')
    assertNotContains(response, 'name="language" value="en"')
    assertContains(response, 'name="csrfmiddlewaretoken"')
    member_client.cookies["django_language"] = "zh-hans"
    response = member_client.get(url)
    assertContains(response, 'value="en" class="chip" lang="en" title="Show the site in English"')
    assertNotContains(response, 'name="language" value="zh-hans"')


def test_every_page_leads_a_member_to_their_settings(member_client):
    settings_url = reverse("notes:member_settings")
    link = f'<a href="{settings_url}">'
    member_client.cookies["django_language"] = "en"
    assertContains(member_client.get(reverse("reading:paper_list")), f"{link}Settings</a>")
    member_client.cookies["django_language"] = "zh-hans"
    assertContains(member_client.get(reverse("papers:model_list")), f"{link}设置</a>")
    page = member_client.get(settings_url)
    assertContains(page, "<h1>设置</h1>")
    assertContains(page, f'<a href="{reverse("api:tokens")}">')  # the API tokens, too
    # Nobody logged in: no settings to lead to.
    assertNotContains(Client().get(reverse("login")), link)
