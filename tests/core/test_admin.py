import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
)

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"papers", "notes"}
# Per-model tag links are edited through each record's tags field.
THROUGH_TAG_MODELS = {"taggedpaper", "taggeddataset", "taggedmodel", "taggednote"}


def domain_models():
    # Historical records (django-simple-history) are shown on each record's history page.
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS
        and model._meta.model_name not in THROUGH_TAG_MODELS
        and not model._meta.model_name.startswith("historical")
    ]


def test_every_domain_model_is_in_the_admin():
    missing = [m._meta.label for m in domain_models() if not admin.site.is_registered(m)]
    assert missing == []


# Kept by saving the text that links, or made by members: listed, never added by hand.
DERIVED_MODELS = {"mention", "feedkey"}  # feed keys: made by members on the site


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_answer(staff_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert staff_client.get(changelist).status_code == 200
    expected = 403 if opts.model_name in DERIVED_MODELS else 200
    assert staff_client.get(add).status_code == expected


def test_admin_change_pages_answer(staff_client):
    for obj in [
        PaperFactory(),
        LanguageModelFactory(),
        MeetingFactory(),
        NoteFactory(),
        GlossaryTermFactory(),
        ReadingListFactory(),
    ]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.parametrize("count", [1, 3])
def test_admin_paper_changelist_has_no_query_per_row(
    staff_client, django_assert_num_queries, count
):
    for _ in range(count):
        PaperFactory().tags.add("Surveys")
    # One COUNT only (the changelist does not count the whole table again); the year
    # filter's choices come from the paper filters' cache, computed here (3 queries).
    with django_assert_num_queries(10):
        staff_client.get(reverse("admin:papers_paper_changelist"))


def test_admin_speaks_chinese_when_asked(staff_client):
    response = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert "站点管理" in response.content.decode()
