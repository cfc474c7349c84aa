"""A file past what any form takes is counted to its end, never kept (core/uploads.py):
its form refuses it by its whole size, with its own message."""

import pytest
from django.conf import settings as project_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes.models import Figure
from papers.forms import MAX_BIB_BYTES

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def kept(monkeypatch):
    """How many bytes of each upload Django's own handlers were given to keep."""
    given = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        receive = handler.receive_data_chunk

        def counted(self, raw_data, start, receive=receive):
            if getattr(self, "activated", True):  # the memory's: only for a small request
                given.append(len(raw_data))
            return receive(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counted)
    return given


def test_the_limit_lets_every_form_judge_its_own_files():
    assert project_settings.FILE_UPLOAD_MAX_BYTES >= project_settings.FIGURE_MAX_BYTES
    assert project_settings.FILE_UPLOAD_MAX_BYTES >= MAX_BIB_BYTES


def test_a_huge_figure_in_the_admin_is_refused_without_being_kept(staff_client, settings, kept):
    settings.FILE_UPLOAD_MAX_BYTES = settings.FIGURE_MAX_BYTES = 256 * 1024
    huge = SimpleUploadedFile("huge.png", b"\x89PNG" + b"\0" * (3 * MB), "image/png")
    response = staff_client.post(
        reverse("admin:notes_figure_add"), {"upload": huge, "name": "scaling chart"}
    )
    assertContains(response, "The image is 3.0\xa0MB, at most 256.0\xa0KB")
    assertContains(response, 'value="scaling chart"')  # what was typed stays
    assert not Figure.objects.exists()
    assert sum(kept) <= settings.FILE_UPLOAD_MAX_BYTES  # the rest was read and dropped


def test_a_huge_bib_file_is_refused_by_its_size(member_client, kept):
    huge = SimpleUploadedFile("refs.bib", b"@misc{x,}\n" * (700 * 1024))  # 7 MB
    response = member_client.post(
        reverse("papers:add"), {"entries": "", "bibfile": huge, "preview": ""}
    )
    assertContains(response, "The file is 6.8\xa0MB; at most 2.0\xa0MB can be read at a time.")
    assert sum(kept) <= project_settings.FILE_UPLOAD_MAX_BYTES


def test_a_file_within_the_limit_is_kept_whole(staff_client, kept):
    from tests.factories import picture

    data = picture((20, 10))
    response = staff_client.post(
        reverse("admin:notes_figure_add"), {"upload": SimpleUploadedFile("d.png", data)}
    )
    assert response.status_code == 302
    assert Figure.objects.get().data == data
    assert sum(kept) == len(data)
