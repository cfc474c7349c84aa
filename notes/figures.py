"""Figures members upload: what is accepted, how one is stored, and how notes find them.

An upload is judged by its bytes, opened with Pillow, never by its file name or the
content type the browser sent: PNG, JPEG, GIF and WebP only. SVG is refused by name,
since a drawing can carry scripts. A file over ``FIGURE_MAX_BYTES`` is refused before it
is read, and an image over ``FIGURE_MAX_PIXELS`` before it is decoded (a small file can
declare a picture that takes gigabytes to open); an image is then decoded whole, so that
a truncated or damaged one is refused now, not shown broken in a meeting. The upload
endpoint (figure_views.py) and the admin's form both call ``read_image``.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, UnidentifiedImageError

from core.rendering import markdown_models
from core.uploads import over_limit
from core.wikilinks import figure_names_in

from .models import Figure, FigureName
from .models.figures import FORMATS

# A JPEG with more than one picture (some cameras and phones write them) is still a JPEG.
SAME_AS = {"MPO": "JPEG"}
TOO_LARGE = "too_large"  # the code of the refusal the upload endpoint answers with 413


@dataclass(frozen=True)
class Accepted:
    """An accepted image: its bytes and what describes it."""

    data: bytes
    name: str
    sha256: str
    content_type: str
    width: int
    height: int


def too_large(size):
    """The refusal of an image of ``size`` bytes, over FIGURE_MAX_BYTES."""
    shown, limit = over_limit(size, settings.FIGURE_MAX_BYTES)
    return ValidationError(
        _("The image is %(size)s, at most %(limit)s: crop it, scale it down or save it as JPEG.")
        % {"size": shown, "limit": limit},
        code=TOO_LARGE,
    )


def read_image(upload):
    """Return the uploaded file as an accepted image, or raise ValidationError saying
    what to do instead (code ``too_large`` for a file over the limit)."""
    if not upload.size:
        raise ValidationError(_("The file is empty; choose the image again."), code="empty")
    if upload.size > settings.FIGURE_MAX_BYTES:
        raise too_large(upload.size)
    data = upload.read()
    kind, (width, height) = _opened(data)
    content_type, extension = FORMATS[kind]
    sha256 = hashlib.sha256(data).hexdigest()
    name = "".join(c for c in (upload.name or "") if c.isprintable()).strip()[:255]
    return Accepted(
        data=data,
        name=name or f"{sha256[:12]}.{extension}",
        sha256=sha256,
        content_type=content_type,
        width=width,
        height=height,
    )


def _opened(data):
    """Return (format, (width, height)) of the image in ``data``, decoded whole."""
    # The limit in the language's own unit of large numbers: 40 million, 4000 万 (a
    # catalogue's number; a million where it gives none that reads as one).
    unit = pgettext("the pixels of the unit an image's limit is counted in", "1000000")
    unit = int(unit) if unit.isascii() and unit.isdigit() and int(unit) > 0 else 1_000_000
    too_many = ValidationError(
        _("The image has more than %(limit)s million pixels; scale it down and upload it again.")
        % {"limit": settings.FIGURE_MAX_PIXELS // unit},
        code="pixels",
    )
    try:
        # Pillow's own limit warns, then refuses; both are refusals here.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                if image.width * image.height > settings.FIGURE_MAX_PIXELS:
                    raise too_many
                image.load()
                return SAME_AS.get(image.format, image.format), image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except UnidentifiedImageError:
        if b"<svg" in data[:65536].lower():
            raise ValidationError(
                _(
                    "SVG drawings are not accepted, since they can carry scripts; export the "
                    "drawing as PNG."
                ),
                code="svg",
            ) from None
        raise ValidationError(
            _("PNG, JPEG, GIF or WebP only; export the drawing as PNG."), code="format"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):  # what Pillow raises on bad data
        raise ValidationError(
            _("The image is damaged or incomplete; save it again and upload the new file."),
            code="damaged",
        ) from None


def store(upload, user):
    """Keep the uploaded image as a figure; return (figure, created). The same bytes
    uploaded again are the figure already kept; under another name, that name is kept
    too (FigureName), for the uploader's embeds of it. The figure returned says the name
    it was uploaded under (``uploaded_as``)."""
    image = read_image(upload)
    figure, created = Figure.objects.get_or_create(
        sha256=image.sha256,
        defaults={
            "data": image.data,
            "name": image.name,
            "content_type": image.content_type,
            "width": image.width,
            "height": image.height,
            "size": len(image.data),
            "uploaded_by": user,
        },
    )
    # Another name, or its name by another member: theirs to embed by it (the figure
    # index prefers a text's author's own upload of a name).
    if not created and (image.name != figure.name or user.pk != figure.uploaded_by_id):
        FigureName.objects.get_or_create(figure=figure, name=image.name, uploaded_by=user)
    figure.uploaded_as = image.name
    return figure, created


def figures_named(names=None):
    """Return {name: [(address, width, height, uploader's id), …]} of the figures of these
    names (of every figure for None), the first uploaded first: core.wikilinks.Index
    chooses among those that share a name (the text's author's own, else the first).

    Markdown's ``![[name.png]]`` embeds are looked up with it: core.wikilinks.Index
    calls it through ``settings.MARKDOWN_FIGURES``, since core reads no app.
    """
    rows = Figure.objects.order_by("created", "pk")
    others = FigureName.objects.select_related("figure").order_by("created", "pk")
    if names is not None:
        rows, others = rows.filter(name__in=names), others.filter(name__in=names)
    # Each name's figures as they were uploaded under it, by whom and when: a figure's
    # first name and the names it was uploaded under again (FigureName).
    uploads = [(figure.name, figure, figure.uploaded_by_id, figure.created) for figure in rows]
    uploads += [(row.name, row.figure, row.uploaded_by_id, row.created) for row in others]
    found = {}
    for name, figure, uploader, _created in sorted(uploads, key=lambda upload: upload[3]):
        found.setdefault(name, []).append(
            (figure.get_absolute_url(), figure.width, figure.height, uploader)
        )
    return found


def used_by(figure):
    """Return the records whose Markdown shows the figure: by its address (what the
    editor writes, ``![…](/figures/<sha256>.png)``), by its name (``![[name]]``,
    ``![[name|400]]``) or by its file name at a relative address, as a vault links it
    (``![…](attachments/name)``), read from their source texts: the texts that hold its
    address, its name or its name %-escaped, one query per kind of record, and of those
    the ones whose figure names (core.wikilinks.figure_names_in, what rendering looks up)
    have it. The admin keeps a figure so used from being deleted: its notes would show a
    broken image."""
    names = {figure.name, *figure.other_names.values_list("name", flat=True)}
    written = {figure.sha256, *names, *(quote(name) for name in names)}
    used = []
    for model in markdown_models():
        sources = model.rendered_fields()
        condition = Q()
        for source in sources:
            for text in written:
                condition |= Q(**{f"{source}__contains": text})
        for record in model._base_manager.filter(condition).order_by("pk"):
            texts = [getattr(record, source) or "" for source in sources]
            if any(figure.sha256 in text for text in texts) or names & set(figure_names_in(texts)):
                used.append(record)
    return used
