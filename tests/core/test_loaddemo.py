"""manage.py loaddemo on fixtures of its own (the demo data itself is tested in
tests/fixtures/)."""

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
