"""Figures: images members upload for their notes and meetings, kept in the database.

The bytes are a column of the row, not a file: several app servers need no shared
volume, and a backup (core/backup.py), dumpdata and loaddata carry figures with
everything else. A figure is named by its content (``sha256``): the same image uploaded
twice is one figure, and its address never changes. Notes embed it by the file name it
was uploaded under (``![[Pasted image 20230615110232.png]]``, notes/figures.py).
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.addresses import address

# What the site accepts, as Pillow names the format: content type and the address's ending.
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
EXTENSIONS = dict(FORMATS.values())


class FigureManager(models.Manager):
    """Rows without their bytes: lists, the admin and the embeds' look-up read only what
    describes a figure; the bytes are read when one figure is served (a deferred field
    loads on first use). Backups read every column (``_base_manager``)."""

    def get_queryset(self):
        return super().get_queryset().defer("data")

    def get_by_natural_key(self, sha256):
        return self.get(sha256=sha256)


class Figure(models.Model):
    data = models.BinaryField(_("image"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    name = models.CharField(
        _("name"),
        max_length=255,
        db_index=True,
        help_text=_("The file name notes embed it by: ![[name.png]]."),
    )
    content_type = models.CharField(_("content type"), max_length=20, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    size = models.PositiveIntegerField(pgettext_lazy("file", "size"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="figures",
        verbose_name=_("uploaded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FigureManager()

    # A page shows the HTML its note stored when saved: a new figure changes no page.
    affects_pages = False

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("notes:figure", self.sha256, self.extension)

    def natural_key(self):
        return (self.sha256,)

    @property
    def extension(self):
        return EXTENSIONS[self.content_type]

    @property
    def markdown(self):
        """The Markdown that shows it: the name it was uploaded under without the ending
        as the description (``uploaded_as``, notes.figures.store; else its name)."""
        alt = PurePosixPath(getattr(self, "uploaded_as", self.name)).stem
        for sign in "\\[]":
            alt = alt.replace(sign, f"\\{sign}")
        return f"![{alt}]({self.get_absolute_url()})"


class FigureName(models.Model):
    """Another name a figure was uploaded under, by whom and when: the same bytes saved
    from a paper by two members, as "loss.png" and "Pasted image 20230615110232.png".
    The figure kept its first name alone, and the second member's ``![[Pasted image
    …]]`` showed "not uploaded yet". A text's embed of this name finds the figure as
    one of the name's own (notes.figures.figures_named)."""

    figure = models.ForeignKey(
        Figure, on_delete=models.CASCADE, related_name="other_names", verbose_name=_("figure")
    )
    name = models.CharField(_("name"), max_length=255, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    affects_pages = False

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("other name of a figure")
        verbose_name_plural = _("other names of figures")
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "name", "uploaded_by"], name="one_figure_name_per_uploader"
            )
        ]

    def __str__(self):
        return self.name
