"""manage.py loaddemo on fixtures of its own (the demo data itself is tested in
tests/fixtures/)."""

import io

import pytest
from django.core.management import CommandError, call_command

from papers.models import Organization, Paper

pytestmark = pytest.mark.django_db

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


def test_a_load_moves_the_page_cache_on_once_not_once_a_record(
    tmp_path, django_capture_on_commit_callbacks
):
    from core import pagecache

    (tmp_path / "10_orgs.yaml").write_text(GOOD)
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("loaddemo", fixtures_dir=tmp_path, stdout=io.StringIO())
    assert Paper.objects.get().slug == "fine-paper"
    bumps = [c for c in callbacks if c.__qualname__.startswith("_move_on")]
    assert len(bumps) == 1
    assert pagecache.generation() != generation
