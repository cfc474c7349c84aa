"""The "Add papers" form: identifiers or BibTeX pasted, or a .bib file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.revisions import RevisionForm

from .importing import bibtex

MAX_BIB_BYTES = 2 * 1024 * 1024
MAX_PASTE_CHARS = 500_000


class AddPapersForm(forms.Form):
    entries = forms.CharField(
        label=_("arXiv IDs or links, DOIs, or BibTeX"),
        required=False,
        max_length=MAX_PASTE_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "spellcheck": "false",
                "placeholder": "2303.18223\nhttps://arxiv.org/abs/2201.11903\n"
                "10.18653/v1/2023.acl-long.1\n@article{…}",
            }
        ),
        help_text=_(
            "One per line (or space apart): 2303.18223, 2303.18223v15, arXiv:2303.18223, "
            "arxiv.org links, old-style IDs such as hep-th/9901001, DOIs or doi.org links; "
            "or BibTeX entries."
        ),
    )
    bibfile = forms.FileField(
        label=_("or a .bib file"),
        required=False,
        help_text=_("BibTeX, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.bibtex,.txt,text/x-bibtex"}),
    )

    def clean_bibfile(self):
        upload = self.cleaned_data.get("bibfile")
        if not upload:
            return ""
        if upload.size > MAX_BIB_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most 2 MB can be read at a time."),
                params={"size": f"{upload.size / 1024 / 1024:.1f}"},
                code="too_big",
            )
        try:
            return bibtex.decode(upload.read())
        except ValueError as error:
            raise forms.ValidationError(_("The file is not a text file."), code="binary") from error

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("entries", "").strip() or data.get("bibfile")):
            raise forms.ValidationError(
                _("Paste at least one arXiv ID, link, DOI or BibTeX entry, or choose a .bib file."),
                code="empty",
            )
        return data


class AffiliationsField(forms.CharField):
    """A paper's affiliations as organisers read them: one line per author, in the
    authors' order, each author's affiliations separated by ";" (stored as a list of
    lists, as arXiv gives them)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, str):  # as typed, when the form is shown again
            return value
        return "\n".join("; ".join(names) for names in value or [])

    def to_python(self, value):
        lines = [
            [name.strip() for name in line.split(";") if name.strip()]
            for line in (value or "").splitlines()
        ]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)


class PaperAdminForm(RevisionForm):
    affiliations = AffiliationsField(
        label=_("affiliations"),
        required=False,
        help_text=_(
            "One line per author, in the authors' order; an author's affiliations "
            "separated by “;”. Leave a line empty for an author without one."
        ),
    )
