"""The "Add papers" form: identifiers or BibTeX pasted, or a .bib file; the paper admin's
form and a month's field."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.language import PlainTitles
from core.revisions import RevisionForm
from core.uploads import over_limit

from .importing import bibtex
from .importing.records import without_nul
from .models import TopicName

MAX_BIB_BYTES = 2 * 1024 * 1024
MAX_PASTE_CHARS = 500_000


MONTH = re.compile(r"\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?)?\s*(?:[-/.]\s*\d{1,2}\s*日?)?\s*$")


class MonthInput(forms.DateInput):
    """A month written as 2023-07."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "2023-07", "size": 10, **(attrs or {})}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month (a date on its first day): 2023-07, 2023/7, 2023年7月, 2023 (January) or
    a whole date (its month). Django's date field took only a day's date, so a release
    month typed as a month was refused ("Enter a valid date")."""

    widget = MonthInput
    default_error_messages = {
        "invalid": _("Enter a month as year and month, e.g. 2023-07."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        match = MONTH.match(str(value))
        month = int(match.group(2) or 1) if match else 0
        if not match or not 1 <= month <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(int(match.group(1)), month, 1)


class PastedText(forms.CharField):
    """A paste's text with its NUL characters dropped, where Django's field refused the
    whole paste for one ("Null characters are not allowed"): a NUL is never meaningful
    text, and the importer drops any it meets (importing.records.without_nul)."""

    def to_python(self, value):
        return without_nul(super().to_python(value))


class AddPapersForm(forms.Form):
    entries = PastedText(
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
        help_text=_("BibTeX, or arXiv IDs and DOIs as you would paste them; up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.bibtex,.txt,text/x-bibtex"}),
    )

    def clean_bibfile(self):
        upload = self.cleaned_data.get("bibfile")
        if not upload:
            return ""
        if upload.size > MAX_BIB_BYTES:
            size, limit = over_limit(upload.size, MAX_BIB_BYTES)
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be read at a time."),
                params={"size": size, "limit": limit},
                code="too_big",
            )
        try:
            text, self.bibfile_encoding = bibtex.decoded(upload.read())
        except ValueError as error:
            raise forms.ValidationError(_("The file is not a text file."), code="binary") from error
        return text

    bibfile_encoding = ""  # what the upload was read in (bibtex.decoded)

    def encoding_note(self):
        """What the page says of an upload that is not in Unicode: the encoding assumed
        (bibtex.LEGACY), which a member whose text looks wrong can then correct; "" for
        one in Unicode or none."""
        encoding = bibtex.LEGACY.get(self.bibfile_encoding)
        if not encoding:
            return ""
        return _(
            "The file is not in UTF-8; it was read as %(encoding)s. If its text looks "
            "wrong, save it as UTF-8 and choose it again."
        ) % {"encoding": encoding}

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


class PaperAdminForm(PlainTitles, RevisionForm):
    affiliations = AffiliationsField(
        label=_("Affiliations"),
        required=False,
        help_text=_(
            "One line per author, in the authors' order; an author's affiliations "
            "separated by “;”. Leave a line empty for an author without one."
        ),
    )


class TopicAdminForm(forms.ModelForm):
    """A topic (taggit's Tag) with its Chinese name (papers.TopicName) as one of its
    fields: organisers name a topic in both languages in one place, and clear the
    Chinese name to show the name alone."""

    name_zh = forms.CharField(
        label=TopicName._meta.get_field("name_zh").verbose_name,
        max_length=TopicName._meta.get_field("name_zh").max_length,
        required=False,
        help_text=_("Shown instead of the name when the site speaks Chinese."),
        # As wide as the name above it (the admin's own text inputs carry this class).
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )

    class Meta:
        model = Tag
        fields = ["name", "name_zh", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        named = getattr(self.instance, "chinese_name", None)  # None when it has none
        self.initial.setdefault("name_zh", named.name_zh if named else "")

    def save_chinese_name(self):
        """Give the saved topic the Chinese name typed, or none when it is blank."""
        TopicName.objects.rename(self.instance, self.cleaned_data["name_zh"])
