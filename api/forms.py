from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from notes.forms import NoteForm, check_tags
from papers.topics import as_topics

from .models import ApiToken

MAX_TOKENS = 50  # active tokens per member


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {
            "name": _("What the token is for, e.g. “Zotero sync” or “chat bot”."),
            "scope": _(
                "A read-only token can read what you can; read and write also lets "
                "it write and edit notes as you."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        # Tokens are told apart by their names (the list, the revoke message): two live
        # ones may not share one, whatever the case of its letters.
        if ApiToken.objects.of(self.user).active().filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _(
                    "You already have a token of this name: give this one another name, "
                    "or revoke that one first."
                ),
                code="duplicate",
            )
        return name

    def clean(self):
        data = super().clean()
        if ApiToken.objects.of(self.user).active().count() >= MAX_TOKENS:
            raise forms.ValidationError(
                _("You have %(count)s tokens; revoke one you no longer use first.")
                % {"count": MAX_TOKENS}
            )
        return data


class ApiNoteForm(NoteForm):
    """The site's note form, with the topics given as a list (the API's JSON) rather than
    as the site's tag string, which split a name at its commas. Each name is set as it
    is given, a topic's Chinese name read as the topic (papers.topics); a name with a
    double quote is refused: the site's form writes topics as that string, which cannot
    hold one, so the note's next edit on the site split it (``x"y`` into ``x`` and
    ``y``)."""

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_names = tags

    # The topics come as a list, not as the form's data: its tags field tells nothing.
    unchanged_apart_from = ("revision", "tags")
    # A paper, model or meeting that is none is named by its field's error (NoteForm lets
    # go of one only on the site's page, where it is a hidden field).
    SUBJECTS = ()

    @cached_property
    def unchanged(self):
        """As RevisionForm's, with the list of topics compared to the note's."""
        if not super().unchanged:
            return False
        given = as_topics([name.strip() for name in self.tag_names])
        return given == sorted(tag.name for tag in self.instance.tags.all())

    def clean_tags(self):
        names = [name.strip() for name in self.tag_names]
        unnamed = [name for name in names if not any(c.isalnum() for c in name)]
        if unnamed:
            # As the site's parser would drop it (core.topics), but said, not silently.
            raise forms.ValidationError(
                _("A topic needs a letter or a digit: “%(tag)s”.") % {"tag": unnamed[0]}
            )
        quoted = [name for name in names if '"' in name]
        if quoted:
            raise forms.ValidationError(
                _('A topic cannot hold a double quote ("): “%(tag)s”.') % {"tag": quoted[0]}
            )
        return check_tags(as_topics(names))
