"""Resolve ``[[wiki links]]`` to the pages of models, papers, datasets and glossary terms.

A target is matched, case-insensitively, against (in this order) a model's name
or slug, a paper's slug, arXiv ID or title, a dataset's name or slug, and a
glossary term (English, Chinese, abbreviation or slug). A prefix picks the kind
when names collide: ``[[dataset:BookCorpus]]``, ``[[paper:…]]``, ``[[model:…]]``,
``[[term:…]]``. ``Index`` does the matching, for one text's targets or for all.

A name is also looked for in the forms it is stored in (``stored_forms``): an arXiv ID
written with an old-style subject class, or in full-width digits.

The same index answers the figures a text embeds (``![[name.png]]``, which is not a
link) or shows at a relative address, by their file names (``figure_names_in``): it
asks the callable ``settings.MARKDOWN_FIGURES`` names (the notes app's, since core reads
no app) for the figures of those names.
"""

import copy
import posixpath
import re
from urllib.parse import unquote

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.module_loading import import_string

from core.models import Bilingual

# kind prefix → (model label, title field, fields matched exactly, fields matched ignoring case)
KINDS = {
    "model": ("papers.LanguageModel", "name", [], ["name", "slug"]),
    "paper": ("papers.Paper", "title", ["arxiv_id"], ["slug", "title_en", "title_zh"]),
    "dataset": ("papers.Dataset", "name", [], ["name", "slug"]),
    "term": ("notes.GlossaryTerm", "title", ["title_zh"], ["title_en", "abbreviation", "slug"]),
}


def _columns(model, name):
    """Return the database columns behind a name: itself, or both sides of a Bilingual."""
    declared = getattr(model, name, None)
    return declared.field_names() if isinstance(declared, Bilingual) else [name]


def stored_forms(name):
    """The name, and the forms it is stored in where they differ: ``[[math.GT/0309136]]``
    names the paper stored as math/0309136 (``settings.MARKDOWN_STORED_FORMS``, the
    papers app's reading of an identifier, since core reads no app)."""
    forms = import_string(settings.MARKDOWN_STORED_FORMS)(name)
    return [name, *(form for form in forms if form and form != name)]


def split_kind(target):
    """Return (kind or None, name) for a target such as 'dataset:BookCorpus'."""
    prefix, sep, rest = target.partition(":")
    if sep and prefix.strip().lower() in KINDS and rest.strip():
        return prefix.strip().lower(), rest.strip()
    return None, target.strip()


# [[target]], [[target|label]], [[target#heading]]; in a table cell the bar is escaped.
# The same after "!" is an embed (![[name.png]], ![[name.png|400]]), not a link.
TARGET = re.compile(r"(?<!!)\[\[([^\[\]\n|#\\]+)")
EMBED = re.compile(r"!\[\[([^\[\]\n|#\\]+)")
MAX_TARGETS = 300  # distinct targets resolved per text; further links stay unresolved


def _names(pattern, texts):
    seen = {}
    for text in texts:
        for match in pattern.finditer(text or ""):
            name = match.group(1).strip()
            if name and len(seen) < MAX_TARGETS:
                seen.setdefault(name, None)
    return list(seen)


def targets_in(texts):
    """Return the distinct wiki-link targets of the texts, in order, at most MAX_TARGETS."""
    return _names(TARGET, texts)


# A figure's file name at a relative address, as a vault links its files
# (``![](attachments/loss.png)``, ``![](<loss.png>)``, ``[r]: loss.png``, ``loss.png?v=2``):
# core.markdown.ImageWidth shows the figure uploaded under that name.
IMAGE_FILE = re.compile(r"[^\s()<>\[\]\"'|!#?]+\.(?:png|jpe?g|gif|webp)(?!\w)", re.IGNORECASE)
# …and one with spaces or parentheses in it, where an address may hold them: a Markdown
# link's ``](…)`` or ``](<…>)``, raw HTML's ``src="…"`` ("Pasted image 1.png", Obsidian's
# own name for a pasted image).
IMAGE_ADDRESS = re.compile(
    r"(?:\]\(\s*<?|\bsrc\s*=\s*[\"']?)([^<>\"'\n]+?\.(?:png|jpe?g|gif|webp))(?!\w)",
    re.IGNORECASE,
)


def image_file_name(address):
    """The file name an image's relative address names: after its last "/", less its
    query and fragment, its %-escapes read ("attachments/Pasted%20image.png?v=2" →
    "Pasted image.png")."""
    return posixpath.basename(unquote(address.split("?", 1)[0].split("#", 1)[0]))


def figure_names_in(texts):
    """Return the distinct names of figures the texts may show, at most MAX_TARGETS: those
    they embed (``![[name]]``) and the file names of images at relative addresses (any
    word that looks like one: a name no figure has is looked up in vain)."""
    texts = list(texts)
    names = dict.fromkeys(_names(EMBED, texts))
    for text in texts:
        found = [m.group() for m in IMAGE_FILE.finditer(text or "")]
        found += [m.group(1) for m in IMAGE_ADDRESS.finditer(text or "")]
        for address in found:
            if len(names) >= MAX_TARGETS:
                break
            if name := image_file_name(address):
                names.setdefault(name, None)
    return list(names)


class Index:
    """Resolve targets from one in-memory snapshot: of everything (for bulk
    re-rendering), or of just the names a text links to (``Index.for_texts``), which
    costs one query per kind however many links the text has."""

    def __init__(self, names=None, figures=None):
        """``names`` and ``figures``: the link targets and the figure names to resolve
        (``figure_names_in``); both None for everything."""
        self.names = {key: {} for key in KINDS}
        self.figures = {}
        # Whose uploads a figure's name means, in order (``preferring``): none until a
        # text's are asked for, and read only when a name is shared.
        self.owners, self.owners_read = None, None
        if names is None or figures:
            self.figures = import_string(settings.MARKDOWN_FIGURES)(figures)
        if names is not None:
            names = [form for name in names for form in stored_forms(split_kind(name)[1])]
            names = [name for name in names if name]
        for key, (label, title_field, exact, loose) in KINDS.items():
            model = apps.get_model(label)
            fields = {*_columns(model, title_field), *exact, *loose}
            objects = model.objects.order_by("-pk").only(*fields)
            if names is not None:
                if not names:
                    continue
                # SQLite's lower() folds ASCII letters only; PostgreSQL's folds all.
                lowered = {name.lower() for name in names} | {
                    "".join(c.lower() if c.isascii() else c for c in name) for name in names
                }
                objects = objects.annotate(
                    **{f"lower_{field}": Lower(field) for field in loose}
                ).filter(
                    Q(**{f"{exact[0]}__in": names} if exact else {"pk__in": []})
                    | Q(*[Q(**{f"lower_{field}__in": lowered}) for field in loose], _connector=Q.OR)
                )
            for obj in objects:
                entry = (
                    obj.get_absolute_url(),
                    getattr(obj, title_field),
                    (model._meta.label_lower, obj.pk),
                )
                for field in exact:
                    if value := getattr(obj, field):
                        self.names[key][value] = entry
                for field in loose:
                    if value := getattr(obj, field):
                        self.names[key][value.lower()] = entry

    @classmethod
    def for_texts(cls, texts):
        texts = list(texts)
        return cls(names=targets_in(texts), figures=figure_names_in(texts))

    def _entry(self, target):
        kind, name = split_kind(target)
        if not name:
            return None
        for key in [kind] if kind else KINDS:
            names = self.names[key]
            for form in stored_forms(name):
                found = names.get(form) or names.get(form.lower())
                if found:
                    return found
        return None

    def __call__(self, target):
        entry = self._entry(target)
        return entry[:2] if entry else None

    def locate(self, target):
        entry = self._entry(target)
        return entry[2] if entry else None

    def figure(self, name):
        """Return (address, width, height) of the figure of that name (embedded,
        ``![[name]]``, or at a relative address), or None. Where several share the name:
        the latest of those its owners uploaded (``preferring``: its author's, then its
        group's members'), else the first uploaded.
        The latest by anyone was taken: a member of another group uploading a
        "loss.png" changed what a note showed at its next save."""
        uploads = self.figures.get(name)
        if not uploads:
            return None
        if len(uploads) > 1:
            for owners in self._owners():
                if own := [upload for upload in uploads if upload[3] in owners]:
                    return own[-1][:3]
        return uploads[0][:3]

    def preferring(self, owners):
        """This index, choosing among figures of one name the latest uploaded by the
        first of ``owners()`` (a callable: sets of user ids, in order, a text's author
        then its group's members) who uploaded one, else the first uploaded. Asked only
        when a name is shared: re-rendering every note asks for no group's members."""
        chosen = copy.copy(self)
        chosen.owners = owners
        chosen.owners_read = None
        return chosen

    def _owners(self):
        if self.owners_read is None:
            named = self.owners() if self.owners is not None else ()
            self.owners_read = [frozenset(ids) - {None} for ids in named]
        return self.owners_read
