"""The base of what the group writes in two languages: notes, meetings, glossary terms."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.language import full_name, in_interface_language, names_separator
from core.models import Bilingual, Language, RenderedMarkdown, Revised, TextField, TimeStamped


def display_name(user):
    """Return how the site names a member: full name (a Chinese one family name first,
    ``core.language.full_name``), else username."""
    return full_name(user) or user.get_username()


@dataclass(frozen=True)
class Contents:
    """The headings a page lists beside a text (``includes/_text_with_contents.html``).
    A text shown in both languages (``sides``) has a list for each side, ``zh`` and
    ``en``, each shown with its side; a text of one language, or the same on both sides,
    has one, ``zh`` whatever its language. False when there is nothing to list."""

    zh: list
    en: list
    sides: bool

    def __bool__(self):
        return bool(self.zh or self.en)

    @property
    def lists(self):
        """(side, rows) of each list to show: side "zh" or "en" beside a text in both
        languages, "" for the one list of a text in one."""
        if not self.sides:
            return [("", self.zh)] if self.zh else []
        return [(side, rows) for side, rows in (("zh", self.zh), ("en", self.en)) if rows]


class Writing(RenderedMarkdown, Revised, TimeStamped):
    """Bilingual Markdown the group writes, whose wiki links are kept as mentions.

    A title and a body in Chinese and/or English (``title_zh``/``title_en``,
    ``body_zh``/``body_en``, each body rendered to HTML on save), which side is a
    translation of the other, and a ``revision`` that the stale-save check of site
    forms and admin alike reads (``core.revisions``). Subclasses relabel the pairs by
    declaring them again (a meeting's body is its write-up), name their mention
    foreign key in ``mention_field`` and the people behind the text in ``people()``.
    """

    title = Bilingual(models.CharField, _("title"), max_length=300, blank=True)
    body = Bilingual(TextField, _("body"), markdown=True, blank=True)
    translation = models.CharField(
        _("translated side"),
        max_length=2,
        choices=Language,
        blank=True,
        help_text=_("Which language's text is a translation of the other, if either."),
    )
    mention_field: str = ""  # this model's foreign key on Mention
    history_excluded = ["body_zh_html", "body_en_html", "toc"]

    class Meta:
        abstract = True

    def __str__(self):
        """The title in the interface's language, else the other (the admin in English
        names a note by its English title where it has one)."""
        return in_interface_language(self)

    def contents(self):
        """The body's Contents. A side with one heading lists none: one line is no
        contents, and its column would only narrow the text."""

        def listed(rows):
            return rows if len(rows) > 1 else []

        chinese, english = self.toc_of("body_zh_html"), self.toc_of("body_en_html")
        zh, en = self.body_zh_html, self.body_en_html
        if zh and en and zh != en:  # as the bilingual tag shows them: side by side
            return Contents(listed(chinese), listed(english), sides=True)
        return Contents(listed(chinese or english), [], sides=False)

    def people(self):
        """Return the names of who wrote or presents the text."""
        return []

    @property
    def byline(self):
        """The names, as the interface's language joins them ("alice, bob", "alice、bob")."""
        return names_separator().join(self.people())

    @property
    def original_language(self):
        """The side that is not a translation: "en" when Chinese is the translation."""
        return "en" if self.translation == Language.CHINESE else "zh"

    def record_mentions(self):
        targets = getattr(self, "wikilink_targets", None)
        if targets is None or self.pk is None:
            return
        from .mentions import Mention

        Mention.objects.filter(**{self.mention_field: self}).delete()
        types = ContentType.objects
        Mention.objects.bulk_create(
            Mention(
                **{self.mention_field: self},
                target_type=types.get_for_model(apps.get_model(label)),
                target_id=pk,
            )
            for label, pk in sorted(targets)
        )

    def figure_owners(self):
        """Its author, then the members of its group (a meeting's write-up has no author:
        its group's members): a figure's name means their upload of it first, not the
        latest by anyone (a member of another group uploading a "loss.png")."""
        from .groups import member_ids  # groups is made after this module

        author = getattr(self, "author_id", None)
        return [{author}, member_ids(getattr(self, "group_id", None))]
