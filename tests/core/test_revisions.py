"""The one stale-save check (core/revisions.py) on the records organisers edit in the
admin: two organisers open the same paper, model, dataset, organisation, group or reading
list; the first saves, and the second save is refused with a message instead of undoing
the first one's change."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst
from pytest_django.asserts import assertContains, assertNotContains

from core.history import history_model
from papers.importing import plan as importing
from papers.models import Paper
from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    UserFactory,
)
from tests.notes.test_forms import admin_post_data, as_a_browser_sends

pytestmark = pytest.mark.django_db

REFUSED = "Someone else saved this while you were editing"
REFUSED_ZH = "你编辑期间有人保存了这里的内容"
OWN = "You saved this again in another tab or window since you opened it here"
UNKNOWN = "This was saved again since you opened it"
KEPT = "Your changes are still below"
SAVED_VERSION = '<a href="" target="_blank" rel="noopener">the saved version</a>'

# (factory, the field the first organiser changes, the field the second one changes)
RECORDS = {
    "paper": (PaperFactory, "venue", "title_zh"),
    "model": (LanguageModelFactory, "description_en", "description_zh"),
    "dataset": (DatasetFactory, "size", "description_zh"),
    "organisation": (OrganizationFactory, "name_zh", "country"),
    "group": (ReadingGroupFactory, "name_zh", "description_zh"),
    "reading list": (ReadingListFactory, "title_zh", "description_en"),
}


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.fixture
def organiser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def other_organiser():
    other = Client()
    other.force_login(UserFactory(is_staff=True, is_superuser=True))
    return other


def keeps_history(obj):
    return history_model(type(obj)) is not None


@pytest.mark.parametrize("record", RECORDS)
def test_a_second_save_from_an_older_form_is_refused(organiser_client, other_organiser, record):
    factory, first_field, second_field = RECORDS[record]
    obj = factory()
    url = change_url(obj)
    first = admin_post_data(other_organiser.get(url))
    second = admin_post_data(organiser_client.get(url))
    assert first["revision"] == second["revision"] == "1"
    first[first_field] = "US" if first_field == "country" else "NeurIPS 2023"
    second[second_field] = "CN" if second_field == "country" else "第二位组织者的修改"
    assert other_organiser.post(url, first).status_code == 302
    response = organiser_client.post(url, second)
    assert response.status_code == 200
    # Who saved is known from a record's history; without one, no one is blamed.
    assertContains(response, REFUSED if keeps_history(obj) else UNKNOWN)
    assertContains(response, KEPT)
    assertContains(response, SAVED_VERSION, html=True)  # not "reload": that posts again
    obj.refresh_from_db()
    assert getattr(obj, first_field) == first[first_field]
    assert getattr(obj, second_field) != second[second_field]
    assert obj.revision == 2
    # Reloaded, the form starts from the new revision and saves.
    again = admin_post_data(organiser_client.get(url))
    again[second_field] = second[second_field]
    assert organiser_client.post(url, again).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, second_field), obj.revision) == (second[second_field], 3)


@pytest.mark.parametrize("factory", [PaperFactory, LanguageModelFactory])
def test_a_save_over_ones_own_from_another_tab_blames_no_one_else(organiser_client, factory):
    """The same organiser saved the record in another tab: the history says so."""
    obj = factory()
    url = change_url(obj)
    first_tab = admin_post_data(organiser_client.get(url))
    second_tab = dict(first_tab)
    first_field, second_field = RECORDS["paper" if factory is PaperFactory else "model"][1:]
    assert organiser_client.post(url, {**first_tab, first_field: "ACL"}).status_code == 302
    response = organiser_client.post(url, {**second_tab, second_field: "另一个标签页"})
    assertContains(response, OWN)
    assertContains(response, "(now revision 2; you started from 1)")
    assertNotContains(response, REFUSED)
    obj.refresh_from_db()
    assert getattr(obj, second_field) != "另一个标签页"


def test_saves_by_the_organiser_and_someone_else_are_someone_elses(
    organiser_client, other_organiser
):
    paper = PaperFactory()
    url = change_url(paper)
    stale = admin_post_data(organiser_client.get(url))
    assert organiser_client.post(url, {**stale, "venue": "ACL"}).status_code == 302
    theirs = admin_post_data(other_organiser.get(url))
    assert other_organiser.post(url, {**theirs, "year": "2021"}).status_code == 302
    assertContains(organiser_client.post(url, {**stale, "month": "7"}), REFUSED)


def test_a_record_without_a_history_blames_no_one(organiser_client):
    dataset = DatasetFactory()
    assert not keeps_history(dataset)
    url = change_url(dataset)
    stale = admin_post_data(organiser_client.get(url))
    assert organiser_client.post(url, {**stale, "size": "1T"}).status_code == 302
    response = organiser_client.post(url, {**stale, "description_zh": "改"})
    assertContains(response, UNKNOWN)
    assertNotContains(response, REFUSED)
    assertNotContains(response, OWN)


def test_the_refusal_is_in_the_organisers_language(organiser_client, other_organiser):
    paper = PaperFactory()
    url = change_url(paper)
    stale = admin_post_data(organiser_client.get(url))
    assert other_organiser.post(url, {**stale, "venue": "ACL"}).status_code == 302
    response = organiser_client.post(url, {**stale, "year": "2020"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, REFUSED_ZH)
    saved_version = '<a href="" target="_blank" rel="noopener">已保存的版本</a>'
    assertContains(response, saved_version, html=True)


def test_a_save_without_changes_is_never_refused(organiser_client):
    paper = PaperFactory()
    url = change_url(paper)
    data = admin_post_data(organiser_client.get(url))
    assert organiser_client.post(url, {**data, "venue": "ACL"}).status_code == 302
    assert organiser_client.post(url, {**data, "venue": "ACL"}).status_code == 302


def membership_formset(response):
    """The memberships' inline formset of a group's change form."""
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model._meta.model_name == "membership"
    )


def with_a_member_added(response, user):
    """The group's change form as it was opened, one membership row added."""
    data = admin_post_data(response)
    formset = membership_formset(response)
    prefix, count = formset.prefix, len(formset.forms)
    data[f"{prefix}-TOTAL_FORMS"] = str(count + 1)
    data[f"{prefix}-{count}-user"] = str(user.pk)
    data[f"{prefix}-{count}-role"] = "member"
    return data


def test_a_record_sent_back_as_it_was_with_an_inline_changed_was_changed(organiser_client):
    """The group's own fields as they were, a member added below them: the record is not
    saved (RevisionForm.unchanged), its membership is, and the organiser was told
    "Nothing was changed"."""
    group = ReadingGroupFactory()
    url = change_url(group)
    data = with_a_member_added(organiser_client.get(url), UserFactory(username="carol"))
    response = organiser_client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    assertContains(response, "was changed successfully")
    assertNotContains(response, "Nothing was changed")
    assert group.memberships.filter(user__username="carol").exists()


def logged(obj):
    """What the admin's history of ``obj`` lists: its LogEntry rows, as change messages."""
    return [
        json.loads(message)
        for message in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).values_list("change_message", flat=True)
    ]


# admin_post_data does not send a language model's form as a browser does (its unknown
# "open weights", its JSON facts): the form reads as changed.
@pytest.mark.parametrize("record", [record for record in RECORDS if record != "model"])
def test_a_save_that_saved_nothing_is_not_in_the_admins_history(organiser_client, record):
    """A record sent back as it was is not saved (RevisionForm.unchanged), yet Django's
    change view wrote a LogEntry for it: its history listed "No fields changed." for a
    save that did not happen. A change is logged as Django logs it."""
    factory, field, _ = RECORDS[record]
    obj = factory()
    url = change_url(obj)
    data = as_a_browser_sends(admin_post_data(organiser_client.get(url)))
    response = organiser_client.post(url, data, follow=True)
    assertContains(response, f"Nothing was changed: “{obj}” is as it was.")
    assert logged(obj) == []
    data[field] = "US" if field == "country" else "NeurIPS 2023"
    assert organiser_client.post(url, data).status_code == 302
    label = capfirst(type(obj)._meta.get_field(field).verbose_name)
    assert logged(obj) == [[{"changed": {"fields": [label]}}]]
    assert LogEntry.objects.get().action_flag == CHANGE


def test_a_change_in_an_inline_alone_is_in_the_admins_history(organiser_client):
    group = ReadingGroupFactory()
    url = change_url(group)
    data = with_a_member_added(organiser_client.get(url), UserFactory(username="carol"))
    assert organiser_client.post(url, data).status_code == 302
    membership = group.memberships.get(user__username="carol")
    added = {"added": {"name": "membership", "object": str(membership)}}
    assert logged(group) == [[added]]


def test_a_version_restored_from_the_history_is_in_the_admins_history(organiser_client):
    """The history's "Revert" saves through the same log_change: a restore is logged."""
    paper = PaperFactory(venue="ACL")
    old = paper.history.latest()
    paper.venue = "EMNLP"
    paper.save()
    url = reverse("admin:papers_paper_simple_history", args=[paper.pk, old.history_id])
    data = as_a_browser_sends(admin_post_data(organiser_client.get(url)))
    assert organiser_client.post(url, data).status_code == 302
    paper.refresh_from_db()
    assert paper.venue == "ACL"
    assert len(logged(paper)) == 1


def test_a_refresh_from_arxiv_makes_an_open_form_stale(organiser_client, recorded_services):
    importing.save(importing.build("2303.18223"))
    paper = Paper.objects.get(arxiv_id="2303.18223")
    url = change_url(paper)
    stale = admin_post_data(organiser_client.get(url))
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    assert importing.refresh([paper]).updated == [paper]
    response = organiser_client.post(url, {**stale, "venue": "ACL"})
    assertContains(response, UNKNOWN)  # the refresh was no member's
    paper.refresh_from_db()
    assert (paper.arxiv_version, paper.venue) == (16, stale.get("venue", ""))


def test_an_inlines_duplicate_rows_are_named_as_the_form_labels_them(organiser_client):
    """Django named the field by its attribute: "请修改user的重复数据"."""
    group = ReadingGroupFactory()
    user = UserFactory(username="carol")
    url = change_url(group)
    response = organiser_client.get(url)
    data = admin_post_data(response)
    formset = membership_formset(response)
    prefix, count = formset.prefix, len(formset.forms)
    data[f"{prefix}-TOTAL_FORMS"] = str(count + 2)
    for number in (count, count + 1):
        data[f"{prefix}-{number}-user"] = str(user.pk)
        data[f"{prefix}-{number}-role"] = "member"
    page = organiser_client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请修改用户的重复数据：它必须是唯一的。" in page
    assert "user的重复数据" not in page and "读书会 和 用户" not in page
