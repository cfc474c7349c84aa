"""Backup and restore: everything out, into an empty database, identical data back."""

import gzip
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from api.models import ApiToken, Change, LibraryVersion
from core.backup import backup_models, is_log, snapshot
from notes import figures
from notes.models import Figure, Meeting, Note
from papers.models import Paper
from tests.factories import (
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
    UserFactory,
    picture,
)


def make_records():
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(codename__in=["change_paper", "view_note"]))
    user = UserFactory(first_name="李", last_name="雷")
    user.groups.add(editors)
    membership = MembershipFactory(user=user, role="organiser")
    paper = PaperFactory(title_en="Attention is all you need", title_zh="注意力")
    paper.tags.add("Transformers", "基础")
    doomed = PaperFactory()
    base = LanguageModelFactory()
    LanguageModelFactory(base_model=base, relation="lora", facts={"layers": 32, "rope": True})
    meeting = MeetingFactory(group=membership.group, body_zh="$$x^2$$ [[Attention]]")
    meeting.papers.add(paper)
    meeting.presenters.add(user)
    note = NoteFactory(author=user, group=membership.group, paper=doomed, body_en="# Old")
    note.body_en = "# New\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    note.paper = paper
    note.save()
    note.tags.add("Surveys")
    NoteFactory(author=user, paper=paper, visibility=Note.Visibility.PRIVATE)
    ReadingListFactory(group=membership.group).items.create(paper=paper, position=1)
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[paper], action_flag=CHANGE, change_message="edited"
    )
    doomed.delete()  # its history and the note's history now point at a deleted paper
    figures.store(SimpleUploadedFile("图 1.png", picture()), user)
    return note


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_identical_data(tmp_path):
    make_records()
    before = snapshot()
    path = tmp_path / "site.jsonl.gz"  # JSON Lines: restored a record at a time
    call_command("backup", output=path)

    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    assert Paper.objects.count() == Note.history.count() == 0

    call_command("restore", path)
    after = snapshot()
    # The sync counter goes on past where it was, and the restore is marked (api.sync).
    moved = {"api.libraryversion", "api.restore"}
    assert [r for r in after if r["model"] in moved] != [r for r in before if r["model"] in moved]
    after = [r for r in after if r["model"] not in moved]
    before = [r for r in before if r["model"] not in moved]
    assert len(after) == len(before) > 25
    assert after == before
    figure = Figure._base_manager.get()
    assert (bytes(figure.data), figure.name) == (picture(), "图 1.png")
    assert '<span class="arithmatex">\\[x^2\\]</span>' in Meeting.objects.get().body_zh_html
    restored = Note.objects.get(body_en__startswith="# New")
    assert [h.body_en for h in restored.history.order_by("history_date")] == [
        "# Old",
        restored.body_en,
    ]


@pytest.mark.django_db(transaction=True)
def test_backup_file_holds_every_kind_of_record(tmp_path):
    make_records()
    path = tmp_path / "site"
    call_command("backup", output=path)
    path = tmp_path / "site.jsonl.gz"  # the name's ending added: JSON Lines
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        records = [json.loads(line) for line in stream]
    labels = {record["model"] for record in records}
    assert {
        *("auth.user", "auth.group", "taggit.tag", "admin.logentry"),
        *("papers.paper", "papers.historicalpaper", "papers.languagemodel"),
        *("notes.note", "notes.historicalnote", "notes.meeting", "notes.readinglistitem"),
        "notes.figure",
    } <= labels
    assert "auth.permission" not in labels
    group = next(r for r in records if r["model"] == "auth.group")
    assert sorted(group["fields"]["permissions"]) == [
        ["change_paper", "papers", "paper"],
        ["view_note", "notes", "note"],
    ]
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    path = tmp_path / "empty.json.gz"
    call_command("backup", output=path)
    PaperFactory()
    with pytest.raises(CommandError) as error:
        call_command("restore", path)
    assert str(error.value) == (
        "Refusing to restore: the database is not empty (1 papers.HistoricalPaper, "
        "1 papers.Paper). Restore into a new, migrated database."
    )


@pytest.mark.django_db
def test_restore_of_a_broken_file_changes_nothing(tmp_path):
    path = tmp_path / "broken.json.gz"
    with gzip.open(path, "wt") as stream:
        stream.write('[{"model": "papers.paper", "pk": 1, "fields": {"slug": "x"}}, {"model": ')
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", path)
    assert all(not m._base_manager.exists() for m in backup_models() if not is_log(m))


@pytest.mark.django_db
def test_dumpdata_writes_history_that_points_at_deleted_records(tmp_path):
    paper = PaperFactory(slug="gone")
    note = NoteFactory(paper=paper)
    note.paper = None
    note.save()
    pk = paper.pk
    paper.delete()
    out = tmp_path / "dump.json"
    call_command("dumpdata", "notes.historicalnote", natural_foreign=True, output=str(out))
    records = json.loads(out.read_text())
    assert [r["fields"]["paper"] for r in records] == [pk, None]


@pytest.mark.django_db(transaction=True)
def test_api_tokens_and_the_sync_log_come_back_as_they_were(tmp_path, client):
    """The API's rows were left out: every token was lost, and loading the rest wrote a
    sync log of its own, numbered from below the version clients held, who then saw no
    change until the library caught up with them."""
    make_records()
    member = UserFactory(username="syncer")
    _token, secret = ApiToken.issue(member, "laptop", ApiToken.Scope.READ)
    for n in range(5):
        PaperFactory(title_en=f"Paper {n}")
    version = LibraryVersion.current()
    changes = sorted(Change.objects.values_list("kind", "object_id", "version"))
    path = tmp_path / "site.json.gz"
    call_command("backup", output=path)
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()

    call_command("restore", path)
    assert sorted(Change.objects.values_list("kind", "object_id", "version")) == changes
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(f"/api/v1/sync?since={version}", **headers).json()["changed"] == {}
    paper = PaperFactory(title_en="After the restore")
    answer = client.get(f"/api/v1/sync?since={version}", **headers).json()
    assert answer["version"] > version
    assert answer["changed"] == {"papers": [paper.slug]}
    # A client of the library the backup replaced, which went on past the backup, is
    # told to fetch everything again, though the restored library's version has passed
    # its number since.
    for _ in range(3):
        PaperFactory()
    assert client.get(f"/api/v1/sync?since={version + 2}", **headers).status_code == 410
    latest = answer["version"]
    assert client.get(f"/api/v1/sync?since={latest}", **headers).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_backup_without_the_sync_log_keeps_the_log_the_restore_writes(tmp_path):
    """A backup made before it held the API's rows: the restore's own log stands."""
    PaperFactory(title_en="Old")
    path = tmp_path / "old.json.gz"
    call_command("backup", output=path)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        records = [r for r in json.load(stream) if not r["model"].startswith("api.")]
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        json.dump(records, stream)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", path)
    paper = Paper.objects.get()
    assert Change.objects.filter(kind="papers", object_id=paper.pk).exists()
    assert LibraryVersion.current() >= 1
    # No version before the restore is this library's: every client fetches anew.
    from ninja.errors import HttpError

    from api.sync import check_since

    with pytest.raises(HttpError):
        check_since(1, LibraryVersion.current())


@pytest.mark.django_db
def test_a_backup_is_its_owners_alone_while_written_and_gone_if_stopped(tmp_path, monkeypatch):
    """The file was world-readable until it was whole, and left so when the backup
    stopped: password hashes and private notes, for anyone on the machine."""
    from core.management.commands import backup

    path = tmp_path / "site.json.gz"
    modes = []

    def stopped(stream, serializer):
        (partial,) = tmp_path.glob(".site.json.gz.*.partial")
        modes.append(partial.stat().st_mode & 0o777)
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "write_backup", stopped)
    with pytest.raises(KeyboardInterrupt):
        call_command("backup", output=path)
    assert modes == [0o600]
    assert list(tmp_path.iterdir()) == []
    # One left by a backup killed (not stopped) a day ago is cleared by the next.
    import os

    left = tmp_path / ".site.json.gz.killed.partial"
    left.write_text("half")
    os.utime(left, (0, 0))
    monkeypatch.undo()
    call_command("backup", output=path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.json.gz"]
