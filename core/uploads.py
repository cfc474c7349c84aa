"""Uploads past what any form of the site accepts are counted, never kept.

Django receives an uploaded file whole before a form looks at it: into memory up to
FILE_UPLOAD_MAX_MEMORY_SIZE, then into a temporary file on disk, however large. Every
file the site takes has a limit of its own (a figure FIGURE_MAX_BYTES, a .bib file
2 MB), checked by its form on the file's ``size``; a gigabyte sent to the admin's
figure form filled the disk first. ``LimitedUploadHandler``, first of
FILE_UPLOAD_HANDLERS, passes a file on to Django's handlers up to
``settings.FILE_UPLOAD_MAX_BYTES`` (at least the largest of those limits); past it, the
rest of the file is read from the request and counted, and the form is given an empty
``OversizedUpload`` of the file's whole size: it refuses it with its own message ("The
image is 1.0 GB, at most 5.0 MB"), and the form's other fields are kept as typed.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import ngettext


def over_limit(size, limit):
    """Return (size, limit) as a refusal of a file over its limit writes them: rounded
    ("6.8 MB", "2.0 MB"), or in bytes where the two round alike ("5,242,980 bytes",
    "5,242,880 bytes"), which said "The image is 5.0 MB, at most 5.0 MB"."""
    shown = filesizeformat(size), filesizeformat(limit)
    if shown[0] != shown[1]:
        return shown
    return tuple(
        ngettext("%(count)s byte", "%(count)s bytes", count)
        % {"count": number_format(count, force_grouping=True)}
        for count in (size, limit)
    )


class OversizedUpload(UploadedFile):
    """A file past FILE_UPLOAD_MAX_BYTES: its name, type and whole size, no content."""

    def __init__(self, name, content_type, size, charset):
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        if self.over:
            return None  # the handlers after this one get no more of the file
        if start + len(raw_data) > settings.FILE_UPLOAD_MAX_BYTES:
            self.over = True
            # What they kept of it so far (up to the limit) goes now: a temporary file
            # is deleted as it is closed.
            for handler in self.request.upload_handlers:
                if handler is not self and hasattr(handler, "file"):
                    handler.file.close()
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.over:
            return OversizedUpload(self.file_name, self.content_type, file_size, self.charset)
        return None  # the next handler's file
