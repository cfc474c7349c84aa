import pytest
from django.core.management import call_command

from notes.models import Meeting, Note
from papers.models import LanguageModel, Paper
from search.query import search

pytestmark = pytest.mark.django_db


def test_bench_data_generates_a_small_searchable_library(client):
    call_command("bench_data", papers=20, no_progress=True, stdout=None)
    assert (Paper.objects.count(), Note.objects.count()) == (20, 60)
    assert (LanguageModel.objects.count(), Meeting.objects.count()) == (30, 10)
    note = Note.objects.first()
    assert note.body_zh_html.startswith(("<h1", "<h2"))
    assert "QQ" not in note.body_zh + note.body_zh_html
    assert LanguageModel.objects.filter(base_model__isnull=False).count() == 28
    member = Note.objects.get(slug=note.slug).group.members.get(username="bench")
    assert search(member, "指令微调").total > 0
    assert client.login(username="bench", password="bench")
    assert client.get("/healthz/auth/").content == b"ok bench\n"
