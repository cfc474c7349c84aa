"""Figures in the admin: listed with a thumbnail, added by uploading a file.

An upload is judged as the editor's is (notes.figures.read_image). The bytes are never
changed here: a figure's address is its content. Staff add and look at figures; renaming
one (which its embeds go by) or deleting it takes Django's model permissions, and a
figure that notes show is not deleted: the admin lists them (notes.figures.used_by), as
it lists what a protected foreign key keeps.
"""

from pathlib import PurePosixPath

from django import forms
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.language import colon, names_separator
from notes import figures
from notes.models import Figure, FigureName
from notes.models.figures import EXTENSIONS

# The endings an image's name may have: the addresses' (jpg), and jpeg.
ENDINGS = {*EXTENSIONS.values(), "jpeg"}


class FigureForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("image"),
        help_text=_(
            "PNG, JPEG, GIF or WebP. The name is the file's unless given; a name without "
            "the image's ending gets it (wide chart: wide chart.png)."
        ),
    )

    class Meta:
        model = Figure
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean_upload(self):
        image = figures.read_image(self.cleaned_data["upload"])
        kept = Figure.objects.filter(sha256=image.sha256).first()
        if kept:
            link = format_html(
                '<a href="{}">{}</a>', reverse("admin:notes_figure_change", args=[kept.pk]), kept
            )
            raise forms.ValidationError(
                format_html(_("This image was uploaded before, as {}."), link), code="duplicate"
            )
        return image

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("upload")
        if image is None:
            return cleaned
        # Notes embed a figure by its whole file name (![[name.png]]): a name given
        # without the ending gets the image's, as an uploaded file's has it.
        given = cleaned.get("name") or ""
        name = given or image.name
        if PurePosixPath(name).suffix.lower().lstrip(".") not in ENDINGS:
            name = f"{name}.{EXTENSIONS[image.content_type]}"
        longest = Figure._meta.get_field("name").max_length
        if len(name) > longest:
            # With its ending it no longer fits the column: a 500 on PostgreSQL.
            self.add_error(
                "name" if given else "upload",
                _(
                    "The name with its ending (%(name)s…) has %(length)s characters; a "
                    "figure's name may have at most %(max)s. Give a shorter name."
                )
                % {"name": name[:40], "length": len(name), "max": longest},
            )
        cleaned["full_name"] = name
        return cleaned

    def save(self, commit=True):
        image = self.cleaned_data["upload"]
        figure = self.instance
        figure.name = self.cleaned_data["full_name"]
        figure.data, figure.sha256 = image.data, image.sha256
        figure.content_type, figure.size = image.content_type, len(image.data)
        figure.width, figure.height = image.width, image.height
        return super().save(commit)


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["name", "thumbnail", "file_size", "dimensions", "uploaded_by", "created"]
    list_select_related = ["uploaded_by"]
    search_fields = ["name"]
    date_hierarchy = "created"
    readonly_fields = [
        "preview",
        "embed",
        "also_named",
        "markdown",
        "file_size",
        "dimensions",
        "content_type",
        "sha256",
        "uploaded_by",
        "created",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = FigureForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "name"]
        return ["name", *self.readonly_fields]

    def get_deleted_objects(self, objs, request):
        """Django's, with the records that show a figure as what keeps it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for figure in objs:
            for record in figures.used_by(figure):
                name = capfirst(record._meta.verbose_name)
                url = getattr(record, "get_absolute_url", None)
                if url is None:
                    protected.append(format_html("{}{}{}", name, colon(), record))
                else:
                    link = format_html('<a href="{}">{}</a>', url(), record)
                    protected.append(format_html("{}{}{}", name, colon(), link))
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def _staff(self, request):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._staff(request) or super().has_add_permission(request)

    @admin.display(description=_("image"))
    def thumbnail(self, figure):
        return format_html(
            '<img src="{}" width="80" alt="" loading="lazy">', figure.get_absolute_url()
        )

    @admin.display(description=_("image"))
    def preview(self, figure):
        return format_html(
            '<img src="{}" width="{}" alt="">', figure.get_absolute_url(), min(figure.width, 600)
        )

    @admin.display(description=_("Markdown"))
    def markdown(self, figure):
        return figure.markdown

    @admin.display(description=_("embedded by name"))
    def embed(self, figure):
        """What a note writes to show it by its name (Obsidian's embed)."""
        return f"![[{figure.name}]]"

    @admin.display(description=_("also uploaded as"))
    def also_named(self, figure):
        """The other names it was uploaded under (FigureName): embeds of them show it too,
        and a rename here does not change them."""
        others = figure.other_names.exclude(name=figure.name).order_by("name")
        names = others.values_list("name", flat=True).distinct()
        return names_separator().join(f"![[{name}]]" for name in names) or "—"

    @admin.display(description=pgettext_lazy("file", "size"), ordering="size")
    def file_size(self, figure):
        return filesizeformat(figure.size)

    @admin.display(description=_("width × height"))
    def dimensions(self, figure):
        return f"{figure.width} × {figure.height}"


@admin.register(FigureName)
class FigureNameAdmin(admin.ModelAdmin):
    """The other names figures were uploaded under (made by uploading): listed, each
    with its figure, not added or changed here."""

    list_display = ["name", "figure", "uploaded_by", "created"]
    list_select_related = ["figure", "uploaded_by"]
    search_fields = ["name", "figure__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
