"""Bad values get a clear message and change nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes.forms import BODY_LIMIT
from notes.models import Meeting, Note
from papers.models import LanguageModel, Organization, Paper
from tests.factories import LanguageModelFactory, PaperFactory

pytestmark = pytest.mark.django_db

PAPER_INLINES = {"notes-TOTAL_FORMS": 0, "notes-INITIAL_FORMS": 0}
MEETING_INLINES = {
    "Meeting_papers-TOTAL_FORMS": 0,
    "Meeting_papers-INITIAL_FORMS": 0,
    "notes-TOTAL_FORMS": 0,
    "notes-INITIAL_FORMS": 0,
}


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


def test_duplicate_paper_is_refused(staff_client):
    PaperFactory(arxiv_id="2303.18223", slug="survey")
    response = add_paper(staff_client, arxiv_id="2303.18223", slug="survey")
    assertContains(response, "A paper with this arXiv ID is already in the library:")
    assertContains(response, "Paper with this Slug already exists.")
    assert Paper.objects.count() == 1


def test_model_cannot_be_its_own_base_or_ancestor():
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    llama.base_model, llama.relation = llama, "other"
    with pytest.raises(ValidationError) as own:
        llama.full_clean()
    assert own.value.message_dict["base_model"] == ["A model cannot be its own base model."]
    llama.base_model = alpaca
    with pytest.raises(ValidationError) as cycle:
        llama.full_clean()
    assert cycle.value.message_dict["base_model"] == [
        "Alpaca descends from LLaMA: that would make a cycle."
    ]
    assert LanguageModel.objects.get(pk=llama.pk).base_model is None


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


@pytest.mark.parametrize("date", ["2023-02-30", "2023-13-01", "2023-04-31"])
def test_date_that_does_not_exist_is_refused(staff_client, group, date):
    response = staff_client.post(
        reverse("admin:notes_meeting_add"),
        {"group": group.pk, "number": 1, "date": date, **MEETING_INLINES},
    )
    assertContains(response, "Enter a valid date.")
    assert Meeting.objects.count() == 0


def note_post(client, **fields):
    data = {"title_en": "Long", "visibility": "private", **fields}
    return client.post(reverse("notes:note_create"), data)


def test_body_over_the_limit_is_refused_and_kept(member_client):
    response = note_post(member_client, body_en="x" * (BODY_LIMIT + 1))
    assertContains(
        response,
        f"Ensure this value has at most {BODY_LIMIT} characters (it has {BODY_LIMIT + 1}).",
    )
    assert Note.objects.count() == 0
    assert note_post(member_client, body_en="x" * BODY_LIMIT).status_code == 302


def test_meeting_write_up_over_the_limit_is_refused(client, organiser, group):
    meeting = Meeting.objects.create(group=group, number=1, date="2024-01-01")
    client.force_login(organiser)
    response = client.post(
        reverse("notes:meeting_edit", args=[group.slug, 1]),
        {"body_zh": "长" * (BODY_LIMIT + 1), "revision": 1},
    )
    assertContains(response, f"at most {BODY_LIMIT} characters")
    meeting.refresh_from_db()
    assert (meeting.body_zh, meeting.revision) == ("", 1)


@pytest.mark.parametrize("field", ["title_en", "body_en", "body_zh"])
def test_nul_bytes_are_refused(member_client, field):
    response = note_post(member_client, **{field: "before\x00after"})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors[-1] in {
        "The text contains a NUL character; remove it.",
        "Null characters are not allowed.",
    }
    assert Note.objects.count() == 0


def test_nul_bytes_are_refused_in_the_admin(staff_client):
    response = add_paper(staff_client, title_en="Bad\x00title")
    assertContains(response, "Null characters are not allowed.")
    assert Paper.objects.count() == 0


STAMPS = "created: 2024-01-01T00:00:00Z, updated: 2024-01-01T00:00:00Z"
GOOD = f"""\
- model: papers.organization
  fields: {{slug: lab-one, name: Lab One}}
- model: papers.paper
  fields: {{slug: fine-paper, title_en: A fine paper, {STAMPS}}}
"""
BROKEN = f"""\
- model: papers.paper
  fields: {{slug: another-paper, title_en: Another paper, {STAMPS}}}
- model: papers.paper
  fields: {{slug: broken-paper, title_en: A broken paper, month: 13, {STAMPS}}}
"""


def test_fixture_with_one_broken_record_loads_nothing_and_names_it(tmp_path):
    (tmp_path / "10_orgs.yaml").write_text(GOOD)
    (tmp_path / "20_papers.yaml").write_text(BROKEN)
    with pytest.raises(CommandError) as error:
        call_command("loaddemo", fixtures_dir=tmp_path)
    message = str(error.value)
    assert "20_papers.yaml" in message
    assert "broken-paper" in message
    assert Organization.objects.count() == Paper.objects.count() == 0
