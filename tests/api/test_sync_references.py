"""Sync: records changed by what the database writes for them, with no save of theirs:
a family moved below a model that changed its base, a reference set to null when what
it named was deleted."""

import pytest

from api.models import Change, LibraryVersion
from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db


def _changed(caller, version):
    answer = caller.get(f"/sync?since={version}").json()
    return {kind: sorted(keys) for kind, keys in answer["changed"].items()}


def _models(caller, version):
    return {
        m["slug"]: (m["family"], m["base_model"] and m["base_model"]["slug"])
        for m in caller.get(f"/models?since={version}").json()["items"]
    }


def test_models_moved_to_another_family_are_changed(api_as, world):
    root = LanguageModelFactory(slug="root-model")
    middle = LanguageModelFactory(slug="middle-model", base_model=root)
    LanguageModelFactory(slug="leaf-model", base_model=middle)
    LanguageModelFactory(slug="other-leaf", base_model=root)
    caller = api_as(world.member)
    version = LibraryVersion.current()
    middle.base_model = None
    middle.save()
    # The leaf's family is now the middle model's; the root's other derivative is as it was.
    assert _changed(caller, version) == {"models": ["leaf-model", "middle-model"]}
    assert _models(caller, version) == {
        "middle-model": ("middle-model", None),
        "leaf-model": ("middle-model", "middle-model"),
    }


def test_the_derivatives_of_a_deleted_model_are_changed(api_as, world):
    root = LanguageModelFactory(slug="root-model")
    middle = LanguageModelFactory(slug="middle-model", base_model=root)
    LanguageModelFactory(slug="leaf-model", base_model=middle)
    caller = api_as(world.member)
    version = LibraryVersion.current()
    middle.delete()
    assert _changed(caller, version) == {"models": ["leaf-model"]}
    assert _models(caller, version) == {"leaf-model": ("leaf-model", None)}
    assert caller.get(f"/sync?since={version}").json()["deleted"] == {"models": ["middle-model"]}


def test_what_named_a_deleted_organisation_or_paper_is_changed(api_as, world):
    lab = OrganizationFactory(slug="gone-lab")
    model = LanguageModelFactory(slug="lab-model", organization=lab)
    dataset = DatasetFactory(slug="lab-bench", organization=lab)
    paper = PaperFactory(slug="gone-paper")
    note = NoteFactory(author=world.member, group=world.group_a, paper=paper)
    caller = api_as(world.member)
    version = LibraryVersion.current()
    lab.delete()
    paper.delete()
    assert _changed(caller, version) == {
        "models": [model.slug],
        "datasets": [dataset.slug],
        "notes": [note.slug],
    }
    assert caller.get(f"/models/{model.slug}").json()["organization"] is None
    assert caller.get(f"/notes/{note.slug}").json()["paper"] is None


def test_a_record_deleted_with_what_it_named_is_deleted_not_changed(api_as, world):
    """Deleting a group deletes its notes (a cascade) and sets to null what only named
    it: a deleted note is named deleted, never changed."""
    caller = api_as(world.superuser)
    version = LibraryVersion.current()
    world.group_b.delete()
    answer = caller.get(f"/sync?since={version}").json()
    assert world.note_b.slug in answer["deleted"]["notes"]
    assert world.note_b.slug not in answer["changed"].get("notes", [])


def test_what_listed_a_deleted_record_among_others_is_changed(api_as, world):
    """A link of Django's own many-to-many table goes with no signal: a paper whose
    organisation went, a meeting, model or dataset that listed a deleted paper."""
    lab = OrganizationFactory(slug="gone-lab")
    lab_paper = PaperFactory(slug="lab-paper")
    lab_paper.organizations.add(lab)
    paper = PaperFactory(slug="gone-paper")
    world.meeting.papers.add(paper)
    model = LanguageModelFactory(slug="paper-model")
    model.papers.add(paper)
    dataset = DatasetFactory(slug="paper-bench")
    dataset.papers.add(paper)
    caller = api_as(world.member)
    version = LibraryVersion.current()
    lab.delete()
    paper.delete()
    changed = caller.get(f"/sync?since={version}").json()["changed"]
    assert {kind: sorted(keys) for kind, keys in changed.items() if kind != "meetings"} == {
        "papers": ["lab-paper"],
        "models": ["paper-model"],
        "datasets": ["paper-bench"],
    }
    assert len(changed["meetings"]) == 1
    assert caller.get("/papers/lab-paper").json()["organizations"] == []


def test_deleting_a_member_lists_what_shows_them_not_what_they_added(api_as, world):
    added = [PaperFactory(added_by=world.presenter) for _ in range(3)]
    caller = api_as(world.member)
    version = LibraryVersion.current()
    world.presenter.delete()
    changed = caller.get(f"/sync?since={version}").json()["changed"]
    assert "papers" not in changed, [p.slug for p in added]
    assert len(changed["meetings"]) == 1  # the meeting they presented


def test_a_family_that_moves_takes_one_version(api_as, world):
    root = LanguageModelFactory(slug="root-model")
    middle = LanguageModelFactory(slug="middle-model", base_model=root)
    for n in range(5):
        LanguageModelFactory(slug=f"leaf-{n}", base_model=middle)
    version = LibraryVersion.current()
    middle.base_model = None
    middle.save()
    moved = Change.objects.filter(kind="models", version__gt=version).exclude(object_id=middle.pk)
    assert moved.count() == 5
    assert len(set(moved.values_list("version", flat=True))) == 1
