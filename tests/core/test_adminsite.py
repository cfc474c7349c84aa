"""The site's admin (core/adminsite.py): a refused date or time says the format it takes."""

import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes.models import Meeting

pytestmark = pytest.mark.django_db


def date_and_time_fields():
    """(admin, model field) for each date, time and date-time field of an admin's forms:
    every registered ModelAdmin's, and every inline's."""
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]
        for each in admins:
            for field in each.model._meta.fields:
                if field.editable and isinstance(field, (models.DateField, models.TimeField)):
                    yield each, field


def test_every_admin_date_and_time_field_shows_an_example_when_refused(rf):
    request = rf.get("/")
    refusals = {}
    for model_admin, db_field in date_and_time_fields():
        form_field = model_admin.formfield_for_dbfield(db_field, request)
        typed = (
            ["15.03.2024", "2 pm"]
            if isinstance(form_field.widget, admin.widgets.AdminSplitDateTime)
            else "15.03.2024"
        )
        with pytest.raises(ValidationError) as refused:
            form_field.clean(typed)
        refusals[f"{db_field.model._meta.label}.{db_field.name}"] = refused.value.messages
    assert refusals, "no admin form has a date or time field"
    without_example = {
        name: msgs for name, msgs in refusals.items() if not all(re.search(r"\d", m) for m in msgs)
    }
    assert without_example == {}


@pytest.mark.parametrize(
    ("language", "date", "time"),
    [("en", "2024-03-15", "14:30:00"), ("zh-hans", "2024/03/15", "14:30")],
)
def test_a_date_or_time_typed_wrong_is_told_the_format_in_the_admins_language(
    admin_client, group, language, date, time
):
    """The example is written as the admin's inputs write a date and a time in the page's
    language (and as they read them)."""
    admin_client.cookies["django_language"] = language
    response = admin_client.post(
        reverse("admin:notes_meeting_add"),
        {
            "group": group.pk,
            "number": 1,
            "date": "15.03.2024",
            "starts_at_0": "2024-03-15",
            "starts_at_1": "2 pm",
            "Meeting_papers-TOTAL_FORMS": 0,
            "Meeting_papers-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
    )
    errors = " ".join(
        re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    )
    assert date in errors and time in errors, errors
    if language == "en":
        assertContains(response, f"Enter a valid date, such as {date}.")
        assertContains(response, f"Enter a valid time, such as {time}.")
    assert Meeting.objects.count() == 0
