"""Two people editing the same note or meeting page: the second save is refused, not lost."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes.models import Meeting, Note
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db

REFUSED = "Someone else saved this while you were editing"


def form_data(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[form.add_prefix(name)] = value.isoformat()
        else:
            data[form.add_prefix(name)] = str(value)
    return data


def admin_post_data(response):
    """What the browser would send back from an admin change form, unchanged."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def test_site_note_second_save_is_refused_and_keeps_the_text(client, world):
    url = reverse("notes:note_edit", args=[world.shared.slug])
    base = {"title_en": "t", "visibility": "group", "group": world.group_a.pk}
    client.force_login(world.organiser)
    opened = client.get(url).context["form"]["revision"].value()
    client.force_login(world.member)
    assert client.post(url, {**base, "body_en": "mine", "revision": opened}).status_code == 302
    client.force_login(world.organiser)
    response = client.post(url, {**base, "body_en": "theirs", "revision": opened})
    assert response.status_code == 200
    assertContains(response, REFUSED)
    assertContains(response, ">\ntheirs</textarea>")
    world.shared.refresh_from_db()
    assert (world.shared.body_en, world.shared.revision) == ("mine", 2)


def test_site_meeting_second_save_is_refused_and_keeps_the_text(client, world):
    url = reverse("notes:meeting_edit", args=[world.group_a.slug, 1])
    client.force_login(world.presenter)
    opened = client.get(url).context["form"]["revision"].value()
    assert client.post(url, {"body_en": "first", "revision": opened}).status_code == 302
    client.force_login(world.organiser)
    response = client.post(url, {"body_en": "second", "revision": opened})
    assertContains(response, REFUSED)
    assertContains(response, ">\nsecond</textarea>")
    world.meeting.refresh_from_db()
    assert (world.meeting.body_en, world.meeting.revision) == ("first", 2)


@pytest.mark.parametrize("model", [Note, Meeting], ids=["note", "meeting"])
def test_admin_second_save_is_refused_and_keeps_the_text(client, world, model):
    obj = world.shared if model is Note else world.meeting
    text_field = "body_en" if model is Note else "body_en"
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    client.force_login(world.superuser)
    first = admin_post_data(client.get(url))
    second = dict(first)
    assert first["revision"] == "1"
    first[text_field], second[text_field] = "first editor", "second editor"
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 200
    assertContains(response, REFUSED)
    assertContains(response, ">\nsecond editor</textarea>")
    obj.refresh_from_db()
    assert (getattr(obj, text_field), obj.revision) == ("first editor", 2)


def test_admin_refuses_a_save_over_a_newer_site_save(client, world):
    url = reverse("admin:notes_note_change", args=[world.shared.pk])
    client.force_login(world.superuser)
    stale = admin_post_data(client.get(url))
    client.force_login(world.member)
    client.post(
        reverse("notes:note_edit", args=[world.shared.slug]),
        {"title_en": "t", "body_en": "site", "visibility": "group", "group": world.group_a.pk,
         "revision": 1},
    )  # fmt: skip
    client.force_login(world.superuser)
    response = client.post(url, {**stale, "body_en": "admin"})
    assertContains(response, REFUSED)
    world.shared.refresh_from_db()
    assert world.shared.body_en == "site"


def test_admin_save_without_changes_needs_no_merge(client, world):
    url = reverse("admin:notes_note_change", args=[world.shared.pk])
    client.force_login(world.superuser)
    data = admin_post_data(client.get(url))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # same text again: nothing to lose


def test_stale_inline_note_on_a_paper_is_refused(client, world):
    paper = PaperFactory()
    note = NoteFactory(paper=paper, author=world.member, group=world.group_a)
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    client.force_login(world.superuser)
    stale = admin_post_data(client.get(url))
    Note.objects.filter(pk=note.pk).update(body_en="newer", revision=2)
    key = next(k for k, v in stale.items() if k.endswith("-id") and v == str(note.pk))
    stale[key.replace("-id", "-body_en")] = "older"
    response = client.post(url, stale)
    assertContains(response, REFUSED)
    note.refresh_from_db()
    assert note.body_en == "newer"
