"""Writing on the site (notes/edit_views.py): notes, meeting write-ups, the preview."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_new_note_ignores_a_meeting_in_non_ascii_digits(member_client):
    response = member_client.get(reverse("notes:note_create") + "?meeting=%C2%B2")
    assertContains(response, 'name="title_zh"')
    assert response.context["form"].initial == {}
