"""Building blocks shared by the apps' models.

Bilingual fields follow one scheme everywhere: ``<name>_zh`` and ``<name>_en``,
declared in one line with ``Bilingual``; the abstract bases below give every model
the same pairs under the same names.
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Lower
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.language import LANG_ATTRIBUTE, field_language

# A tag of rendered HTML (a "<" in text or code is written "&lt;"), and an id or a link
# within the page in it (the renderer writes attributes in double quotes).
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_ID_OR_LINK = re.compile(r'(\s(?:id="|href="#))([^"]+)"')


def _ids_in(html):
    """The ids of the elements of rendered HTML."""
    return {
        found.group(2)
        for tag in _TAG.findall(html)
        for found in _ID_OR_LINK.finditer(tag)
        if found.group(1).endswith('id="')
    }


def _rename_ids(html, renamed):
    """The HTML with the ids in ``renamed`` (old: new) changed in its tags, and the links
    to them, in one pass."""

    def in_tag(tag):
        def one(found):
            return f'{found.group(1)}{renamed.get(found.group(2), found.group(2))}"'

        return _ID_OR_LINK.sub(one, tag.group(0))

    return _TAG.sub(in_tag, html)


def message_and_link(message, url, text):
    """``message`` then a link, with no space after a full-width colon ("…的模型：LLaMA")."""
    space = "" if str(message).endswith("：") else " "
    return format_html('{}{}<a href="{}">{}</a>', message, space, url, text)


def linked_message(message, record):
    """``message`` then a link to ``record`` ("A model of this name is already in the
    library: LLaMA")."""
    return message_and_link(message, record.get_absolute_url(), record)


def refuse_duplicate(record, field, message, rows=None):
    """Refuse, on ``field``, a record that another record of its model already is:
    ``message`` then a link to that one. The other is one of ``rows``, or, by default,
    one whose ``field`` has the same value whatever the case of its letters."""
    if rows is None:
        value = (getattr(record, field) or "").strip()
        if not value:
            return
        rows = type(record)._default_manager.filter(**{f"{field}__iexact": value})
    other = rows.exclude(pk=record.pk).first() if record.pk else rows.first()
    if other is not None:
        raise ValidationError({field: linked_message(message, other)}, code="duplicate")


class Literal(models.Value):
    """A whole number written into the SQL, where Django's Value passes it as a parameter.

    PostgreSQL keeps one plan of a prepared statement for all its parameters (a generic
    plan) only where that plan is as cheap as those it makes for each call, and a plan
    reads an index on an expression only where the query's expression is the index's.
    ORDER BY COALESCE(year, $1) is not the index's COALESCE(year, 0): its generic plan
    sorted the whole table, so PostgreSQL planned the paper list's statement anew on
    every call (0.2-0.4 ms each time)."""

    def as_sql(self, compiler, connection):
        return str(int(self.value)), []


def as_read(field):
    """Order by a name as people read it: ignoring case (ASDiv after AmbigNQ)."""
    return Lower(field).asc()


def unknown_last(field, descending=False):
    """Order by a value that may be unknown (NULL): the unknown ones last, on every
    database (PostgreSQL puts NULL first when descending, SQLite when ascending)."""
    return (F(field).desc if descending else F(field).asc)(nulls_last=True)


@dataclass(frozen=True)
class RelatedRecord:
    """A linked record as a page lists it: its name, its address and a short extra (a
    Chinese name, an organisation, a kind)."""

    name: str
    url: str
    extra: str = ""


@dataclass(frozen=True)
class SourceTitle:
    """A source as the provenance line shows it (``{% picked source "title" %}``)."""

    title_zh: str
    title_en: str


def labelled_rows(queryset, kind, label, extra=None):
    """Return the queryset's rows as (kind, label, slug, extra) text tuples, to read the
    records of several models linked to one page in a single UNION query."""
    extra = models.Value("") if extra is None else extra
    return (
        queryset.order_by()
        .annotate(
            rel=models.Value(kind),
            label=F(label),
            link=F("slug"),
            extra=Coalesce(extra, models.Value(""), output_field=models.CharField()),
        )
        .values_list("rel", "label", "link", "extra")
    )


class NaturalKeyManager(models.Manager):
    """Look records up by their slug, so fixtures can refer to them by name."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TypedText(forms.CharField):
    """The text of a textarea with its lines ended as the library keeps them ("\n"). A
    browser sends each line end of a textarea as CR LF (HTML's form encoding): a form
    sent back as it was opened read as changed, and its record was saved again, its
    revision, history and "updated" moved on, by nobody's edit."""

    def to_python(self, value):
        return _line_ends(super().to_python(value))

    def has_changed(self, initial, data):
        # What is kept is the text as sent, stripped: a stored text that ends in a line
        # end (an import, a fixture) is not changed by a form that sends it back.
        if isinstance(initial, str) and self.strip:
            initial = _line_ends(initial).strip()
        return super().has_changed(initial, data)


def _line_ends(text):
    return text.replace("\r\n", "\n").replace("\r", "\n") if text and "\r" in text else text


class TextField(models.TextField):
    """A text people write (a note's body, a model's remarks): Django's TextField whose
    form field is TypedText. Migrations see Django's own: the column is the same."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TypedText, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class MonthDateField(models.DateField):
    """A month, kept as its first day (a model's release month): shown as 2023-07 where
    the record's changes are listed (core.history), not as a first of the month nobody
    gave. Migrations see Django's own DateField: the column is the same."""

    month_precision = True

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs


class Language(models.TextChoices):
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")


class Bilingual:
    """Declare a Chinese/English pair of fields in one line.

    ``title = Bilingual(models.CharField, _("title"), max_length=300, blank=True)`` adds
    ``title_zh`` ("title (Chinese)") and ``title_en`` ("title (English)"); with
    ``markdown=True`` each side also gets its rendered HTML (``title_zh_html`` …), which
    ``RenderedMarkdown`` fills on save. The name itself reads the pair's first side that
    is not empty, in the order ``prefer`` gives (``obj.title``), else the model's
    ``<name>_missing`` text, if it has one.
    """

    def __init__(self, field_class, label, *, markdown=False, prefer=("zh", "en"), **options):
        self.field_class = field_class
        self.label = label
        # An admin column of the name ("title" in a list_display) is headed by its label.
        self.short_description = label
        self.markdown = markdown
        self.prefer = prefer
        self.options = options

    def contribute_to_class(self, cls, name):
        self.name = name
        for code, language in Language.choices:
            label = format_lazy(_("{field} ({language})"), field=self.label, language=language)
            field = self.field_class(label, **self.options)
            cls.add_to_class(f"{name}_{code}", field)
            if self.markdown:
                cls.add_to_class(
                    f"{name}_{code}_html", models.TextField(editable=False, blank=True)
                )
        setattr(cls, name, self)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        for code in self.prefer:
            if value := getattr(obj, f"{self.name}_{code}"):
                return value
        return getattr(obj, f"{self.name}_missing", "")

    def field_names(self):
        """Return the names of the source fields, Chinese first."""
        return [f"{self.name}_{code}" for code in Language.values]


class Revised(models.Model):
    """A record people edit in forms: its ``revision`` goes up with every save through
    one, and a form opened at an older one is refused (core.revisions.RevisionForm)."""

    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        abstract = True


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BilingualTitle(models.Model):
    """A title in Chinese and/or English; ``title`` shows the English one first."""

    title = Bilingual(models.CharField, _("title"), prefer=("en", "zh"), max_length=400, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def title_lang(self):
        """The ``lang`` of ``title``: the English side's, or the Chinese one's when it is
        the only one, so that a screen reader reads it in its own voice."""
        return LANG_ATTRIBUTE["en" if self.title_en else "zh"]


class BilingualDescription(models.Model):
    """A description in Chinese and/or English (plain text)."""

    description = Bilingual(TextField, _("description"), blank=True)

    class Meta:
        abstract = True


class RenderedMarkdown(models.Model):
    """Render Markdown source fields to sanitised HTML once, when saved.

    Every ``Bilingual(..., markdown=True)`` pair of the model is rendered, and so are
    the single fields listed in ``markdown_fields`` (source → HTML field). The table of
    contents of each rendered field is kept in ``toc`` ({HTML field: [(level, id,
    title), …]}), so pages show it without parsing the HTML again. After rendering,
    ``wikilink_targets`` holds the records the text links to, as (model label, pk)
    pairs, for subclasses that keep track of mentions.
    """

    markdown_fields: dict[str, str] = {}

    toc = models.JSONField(_("contents"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render_markdown()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            touched = set(update_fields)
            sources = self.rendered_fields()
            if touched & set(sources):
                touched |= {sources[name] for name in touched if name in sources} | {"toc"}
            kwargs["update_fields"] = touched
        super().save(*args, **kwargs)
        self.record_mentions()

    @classmethod
    def rendered_fields(cls):
        """Return {source field: HTML field} for every Markdown field of the model."""
        pairs, seen = {}, set()
        for klass in cls.__mro__:
            for attr, declared in vars(klass).items():
                if attr in seen:
                    continue
                seen.add(attr)
                if isinstance(declared, Bilingual) and declared.markdown:
                    pairs.update({name: f"{name}_html" for name in declared.field_names()})
        return {**pairs, **cls.markdown_fields}

    @classmethod
    def stored_fields(cls):
        """Return the fields rendering writes: every HTML field and the contents."""
        return [*cls.rendered_fields().values(), "toc"]

    def figure_owners(self):
        """The user ids whose uploads a figure's name in the texts means, in order of
        preference (core.wikilinks.Index.preferring): its author."""
        return [{getattr(self, "author_id", None)}]

    def render_markdown(self, resolve_wikilink=None):
        """Render every Markdown field; resolve_wikilink, if given, is a wikilinks.Index."""
        from core import wikilinks
        from core.markdown import render_document

        sources = self.rendered_fields()
        resolver = resolve_wikilink or wikilinks.Index.for_texts(
            getattr(self, source) for source in sources
        )
        # A figure's name means its writers' upload of that name first (Index.figure).
        resolver = resolver.preferring(self.figure_owners)
        targets, toc = [], {}
        for source, target in sources.items():
            rendered = render_document(
                getattr(self, source), resolve_wikilink=resolver, language=field_language(source)
            )
            setattr(self, target, rendered.html)
            if rendered.toc:
                toc[target] = rendered.toc
            targets.extend(rendered.wikilinks)
        self._sides_apart(sources, toc)
        self.toc = toc
        self.own_ids()
        self.wikilink_targets = {found for name in targets if (found := resolver.locate(name))}

    def _sides_apart(self, sources, toc):
        """Give the English side's elements ids of their own where its Chinese side has
        the same ones: "## LoRA" on both sides was ``#lora`` twice, and each side's first
        footnote ``#fn:1``, so the English contents, footnotes and links within the
        English text led to the Chinese side's, hidden when English is read alone. A
        clashing id gets "-en" (or "-en-2", … where the English side has that already),
        in the tags of the HTML (ids and the links to them, never text or code) and in
        the contents."""
        for source, target in sources.items():
            twin = sources.get(source.removesuffix("_en") + "_zh")
            if not source.endswith("_en") or twin is None:
                continue
            html = getattr(self, target)
            own, taken = _ids_in(html), _ids_in(getattr(self, twin))
            renamed, used = {}, own | taken
            for ident in sorted(own & taken):
                new, count = f"{ident}-en", 1
                while new in used:
                    count += 1
                    new = f"{ident}-en-{count}"
                renamed[ident] = new
                used.add(new)
            self._rename(target, renamed, toc)

    def _rename(self, target, renamed, toc):
        """Change ids (old: new) in one rendered field, the links to them and its contents."""
        if not renamed:
            return
        setattr(self, target, _rename_ids(getattr(self, target), renamed))
        if target in toc:
            toc[target] = [
                (level, renamed.get(ident, ident), title) for level, ident, title in toc[target]
            ]

    def id_prefix(self):
        """What the ids of the rendered HTML begin with: nothing, unless the text is
        shown on a page among others of its kind (Comment), whose footnotes and headings
        would otherwise take the page's ids."""
        return ""

    def own_ids(self):
        """Begin every id of the rendered fields with ``id_prefix()`` (the links to them
        and the contents follow); return whether there was one. Done by render_markdown,
        and by a record whose prefix is known only once it is stored (its pk)."""
        prefix, found = self.id_prefix(), False
        if not prefix:
            return False
        for target in self.rendered_fields().values():
            renamed = {ident: prefix + ident for ident in _ids_in(getattr(self, target))}
            self._rename(target, renamed, self.toc)
            found = found or bool(renamed)
        return found

    def toc_of(self, html_field):
        """Return the stored contents of one rendered field as (level, id, title) rows."""
        return [tuple(row) for row in self.toc.get(html_field, [])]

    def record_mentions(self):
        """Store what the text links to; a no-op unless a subclass keeps mentions."""
