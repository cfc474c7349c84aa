"""From what a member pasted to papers in the library, in two steps: ``build`` makes a
Plan (one Candidate per entry: new, already in the library, or invalid, with the metadata
found), ``save`` adds the chosen new ones in one transaction. The "Add papers" page and
the import commands share it; ``refresh`` brings papers up to arXiv's latest version."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import IMPORTED_REASON, REFRESHED_REASON
from core.language import colon, names_separator

from ..identifiers import arxiv_id_problem, is_arxiv_id, is_doi, normalize_doi, pasted_arxiv_id
from ..models import Paper
from . import arxiv, bibtex, dedupe, doi
from .records import Record, ServiceError, differences, without_nul

MAX_ENTRIES = 200
BIBTEX_START = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
PREFIX = re.compile(r"(?:arxiv|doi):?", re.IGNORECASE)  # written apart from the identifier
BRACKETS = ("()", "[]")
# What begins an identifier: a DOI, an arXiv ID (new or old style), a prefix or a link,
# in brackets or quotes or not.
IDENTIFIER_START = (
    r"[(\[\"'“‘「]*(?:10\.[0-9]|[0-9]{4}\.[0-9]|[a-z]+(?:-[a-z]+)*(?:\.[a-z-]+)?/[0-9]"
    r"|arxiv|doi|https?://|www\.|export\.)"
)
# Between pasted identifiers: spaces, commas, and a ";" that ends one, before a space or
# another identifier. A DOI may hold a ";" (SICI DOIs: 10.1002/(SICI)…3.0.CO;2-N) and
# was cut in two there.
SEPARATOR = re.compile(rf"(?:[\s,、]|;(?=[\s,;、]|$|{IDENTIFIER_START}))+", re.IGNORECASE)
SIGNING_SALT = "papers.importing.plan"
RESERVED_SLUGS = {"add"}
LIMITS = {"title_en": 400, "title_zh": 400, "venue": 200, "journal_ref": 400}
LIMITS |= {"primary_category": 40, "categories": 300, "authors": 20000}
# The record's name of a Paper field, where it is not the field's own.
RECORD_NAMES = {"title_en": "title", "title_zh": "title", "summary_en": "abstract"}


class Status:
    NEW = "new"
    EXISTING = "existing"
    INVALID = "invalid"
    REPEAT = "repeat"
    LABELS = {
        NEW: gettext_lazy("new"),
        EXISTING: gettext_lazy("already in the library"),
        INVALID: gettext_lazy("cannot be added"),
        REPEAT: gettext_lazy("repeated"),
    }


@dataclass
class Candidate:
    """One entry of the paste: what was given, what was found, and what would happen."""

    entry: str  # as given: the ID, link or DOI, or "key (line n)" of a BibTeX entry
    kind: str  # "arxiv", "doi", "bibtex" or "" when unrecognised
    record: Record | None = None
    status: str = Status.INVALID
    reason: str = ""
    existing: Paper | None = None
    changes: list = field(default_factory=list)
    lookup: str = ""  # the arXiv ID or DOI asked for
    notes: list = field(default_factory=list)  # the values left out of the record (``fit``)
    prose: bool = False  # words that are no identifier, one row (``_words_together``)
    key: str = ""  # a BibTeX entry's key

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def is_new(self):
        return self.status == Status.NEW


@dataclass
class Plan:
    candidates: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # service failures, for the top of the page
    waited: float = 0.0  # seconds spent waiting for arXiv's turn

    @property
    def new(self):
        return [c for c in self.candidates if c.status == Status.NEW]

    @property
    def existing(self):
        return [c for c in self.candidates if c.status == Status.EXISTING]

    @property
    def invalid(self):
        return [c for c in self.candidates if c.status == Status.INVALID]

    @property
    def repeated(self):
        return [c for c in self.candidates if c.status == Status.REPEAT]

    def picked(self, chosen):
        """The candidates whose index is in ``chosen`` that save() would add: new at the
        preview, so new or (come in meanwhile) in the library now."""
        return [
            c
            for i, c in enumerate(self.candidates)
            if i in chosen and c.record and c.status in (Status.NEW, Status.EXISTING)
        ]

    def dumps(self):
        """Return the plan signed, for the confirm form (checked again on saving)."""
        rows = [
            {
                "entry": c.entry,
                "kind": c.kind,
                "record": c.record.to_dict() if c.record else None,
                "reason": c.reason if c.status == Status.INVALID else "",
                "notes": [str(note) for note in c.notes],
            }
            for c in self.candidates
        ]
        data = {"rows": rows, "errors": self.errors}
        return signing.dumps(data, salt=SIGNING_SALT, compress=True)

    @classmethod
    def loads(cls, value, max_age=24 * 3600):
        """Return the Plan a confirm form carried, its statuses looked up again; raise
        signing.BadSignature when it was altered or is too old."""
        data = signing.loads(value, salt=SIGNING_SALT, max_age=max_age)
        plan = cls(errors=data["errors"])
        for row in data["rows"]:
            record = Record.from_dict(row["record"]) if row["record"] else None
            candidate = Candidate(row["entry"], row["kind"], record, reason=row["reason"])
            candidate.notes = row.get("notes", [])  # none in a plan signed before notes were
            candidate.status = Status.INVALID if row["reason"] or not record else Status.NEW
            plan.candidates.append(candidate)
        judge(plan.candidates)
        return plan


def split_entries(text):
    """Return the identifiers of a paste (one per line, or space, comma or ";" apart), in
    NFKC form: a Chinese input method types ２３０３．１８２２３ and ，for 2303.18223 and ",".
    A prefix written apart from its identifier ("arXiv: 2401.00001", "DOI 10.1145/…") is
    left out, as the identifier is known without it: it was a row of its own, refused.
    Invisible format signs (a zero-width space a page puts in a long link to break it, a
    byte order mark, a direction mark) are dropped, as the paper list's search drops them
    (reading.queries.title_words): "2303.18223\u200b" was "not an arXiv ID"."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(sign for sign in text if unicodedata.category(sign) != "Cf")
    parts = [trimmed(part) for part in SEPARATOR.split(text)]
    parts = [part for part in parts if part]
    return [
        part for i, part in enumerate(parts) if not (PREFIX.fullmatch(part) and i + 1 < len(parts))
    ]


def trimmed(part):
    """Return a pasted word without the punctuation around it, as a sentence puts it:
    quotes (“2401.12345”, as a Chinese input method types them), a full stop after it,
    brackets that enclose it ("(2401.12345)", "(10.1016/S0140-6736(20)30183-5)") or that
    it does not close ("(see", "2401.12345)"); brackets within a DOI stay."""
    while True:
        before = part
        part = part.strip(" ,;<>\"'“”‘’「」").rstrip(".")
        for opening, closing in BRACKETS:
            if (
                part[:1] == opening
                and part[-1:] == closing
                and _balanced(part[1:-1], opening, closing)
            ):
                part = part[1:-1]
            elif part.endswith(closing) and part.count(closing) > part.count(opening):
                part = part[:-1]
            elif part.startswith(opening) and part.count(opening) > part.count(closing):
                part = part[1:]
        if part == before:
            return part


def _balanced(text, opening, closing):
    """Whether every bracket in ``text`` is closed, and none before it opens."""
    depth = 0
    for char in text:
        depth += (char == opening) - (char == closing)
        if depth < 0:
            return False
    return depth == 0


def looks_like_bibtex(text):
    return bool(BIBTEX_START.search(text or ""))


def build(text="", bib_text="", progress=None, limit=MAX_ENTRIES):
    """Return the Plan for a paste (identifiers, BibTeX, or both) and an uploaded file's
    text (``uploaded``), of at most ``limit`` entries (None: all, for the commands);
    arXiv and doi.org are asked here, never inside a transaction. Entries beyond one more
    than the limit are not read at all (one more: to know there are more), and with a
    limit, no more LaTeX is decoded than bibtex.MAX_DECODED characters. NUL
    characters are dropped first: within an identifier ("2401.00\x00001") as within a
    BibTeX value, they are nothing the member meant."""
    text, bib_text = without_nul(text), without_nul(bib_text)
    most = limit + 1 if limit else None
    budget = bibtex.Budget(bibtex.MAX_DECODED) if limit else None
    plan = Plan(candidates=pasted(text, most, budget))
    if bib_text:
        room = None if most is None else max(most - len(plan.candidates), 0)
        in_file = uploaded(bib_text, room, budget)
        note_keys_in_both(plan.candidates, in_file)
        plan.candidates += in_file
    if limit and len(plan.candidates) > limit:
        plan.errors.append(
            _("At most %(max)s entries at a time; the first %(max)s are shown.") % {"max": limit}
        )
        del plan.candidates[limit:]
    mark_repeated_identifiers(plan.candidates)
    look_up_arxiv(plan, progress)
    look_up_dois(plan, progress)
    for candidate in plan.candidates:
        if candidate.record is not None:
            candidate.notes = [*candidate.notes, *fit(candidate.record)]
    judge(plan.candidates)
    return plan


def note_keys_in_both(in_paste, in_file):
    """Note on each entry of the file whose key an entry of the paste has: a citation of
    that key cannot tell them apart (each text's own repeats bibtex.read notes)."""
    first = {}
    for candidate in in_paste:
        if candidate.key:
            first.setdefault(candidate.key, candidate)
    for candidate in in_file:
        if (earlier := first.get(candidate.key)) is not None and candidate.key:
            candidate.notes = [
                *candidate.notes,
                _("The entry %(entry)s of the paste has the same key “%(key)s”.")
                % {"entry": earlier.entry, "key": candidate.key},
            ]


def pasted(text, most=None, budget=None):
    """Return the Candidates of a paste, in its order: one per BibTeX entry, and the text
    around the entries read as identifiers, as a paste without BibTeX is, so that a member
    may paste both and nothing of it goes unanswered. BibTeX would skip that text as a
    comment (a .bib file's is); here only its ``%`` lines are, as a copied file's header.
    The first ``most`` of them (None: all), within the ``budget`` (bibtex.read)."""
    if not looks_like_bibtex(text):
        return _words_together(map(identify, split_entries(text)), most)
    candidates = []
    for block in bibtex.read(text, most, budget):
        if isinstance(block, bibtex.Entry):
            candidates.append(from_bibtex(block))
        else:
            room = None if most is None else most - len(candidates)
            candidates += _words_together(map(identify, split_entries(block)), room)
    return candidates[:most]


# A word that is no attempt at an identifier: letters alone (of any script), as in a line
# of prose between BibTeX entries.
PROSE_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# The most of a run of such words a row shows.
PROSE_SHOWN = 80


def _words_together(candidates, most=None):
    """The candidates with each run of words that are no identifier one row, refused once
    with the words as they read: a sentence between BibTeX entries ("this is not bibtex
    at all") was a row a word, each refused alike. An attempt at an identifier
    ("2303.1822x", "arxiv:abcd") keeps its row and its own reason. The first ``most``
    rows (None: all), the candidates made (``identify``) no further than they need."""
    together = []
    for candidate in candidates:
        if most is not None and len(together) >= most:
            break
        candidate.prose = candidate.kind == "" and bool(PROSE_WORD.fullmatch(candidate.entry))
        if candidate.prose and together and together[-1].prose:
            words = f"{together[-1].entry} {candidate.entry}"
            shown = words if len(words) <= PROSE_SHOWN else words[: PROSE_SHOWN - 1] + "…"
            together[-1].entry = shown
            continue
        together.append(candidate)
    return together


def uploaded(text, most=None, budget=None):
    """Return the Candidates of an uploaded file: its BibTeX entries, the text between
    them skipped as BibTeX skips it; or, in a file with no BibTeX, its identifiers, read
    as a paste's are (a .txt list of arXiv IDs was read as a .bib with no entry, and
    nothing was said). The first ``most`` of them (None: all), within the ``budget``
    (bibtex.read)."""
    if not looks_like_bibtex(text):
        return [identify(part) for part in split_entries(text)[:most]]
    return [from_bibtex(entry) for entry in bibtex.parse(text, most, budget)]


def from_bibtex(entry):
    """Return the Candidate of a BibTeX entry, named by its key and line."""
    return Candidate(
        entry=_("%(key)s (line %(line)s)") % {"key": entry.key or "?", "line": entry.line},
        kind="bibtex",
        record=entry.record,
        reason=entry.error,
        status=Status.NEW if entry.record else Status.INVALID,
        notes=entry.notes,
        key=entry.key,
    )


def identify(text):
    """Return a Candidate for one pasted identifier, not yet looked up."""
    arxiv_id = pasted_arxiv_id(text)
    problem = arxiv_id_problem(arxiv_id)
    if is_arxiv_id(arxiv_id) and not problem:
        return Candidate(entry=text, kind="arxiv", lookup=arxiv_id, status=Status.NEW)
    if is_doi(text):
        return Candidate(entry=text, kind="doi", lookup=normalize_doi(text), status=Status.NEW)
    reason = problem or _("Not an arXiv ID, arXiv link or DOI (nor BibTeX).")
    return Candidate(entry=text, kind="", reason=reason)


def repeated(candidate, earlier):
    candidate.status = Status.REPEAT
    candidate.reason = _("The same paper as %(entry)s above.") % {"entry": earlier.entry}


def mark_repeated_identifiers(candidates):
    """Mark each entry that names the same arXiv ID or DOI as an earlier one (2401.01335
    and arXiv's DOI of it, 10.48550/arXiv.2401.01335) a repeat before anything is looked
    up: it is not asked for again, and is known as a repeat even when the service does not
    answer. Repeats whose identifiers differ (a paper's arXiv ID and its journal DOI) are
    found once their records are (``judge``)."""
    first = {}
    for candidate in candidates:
        if candidate.kind not in ("arxiv", "doi") or not candidate.lookup:
            continue
        earlier = first.setdefault((candidate.kind, candidate.lookup.lower()), candidate)
        if earlier is not candidate:
            repeated(candidate, earlier)


def _to_look_up(candidate, kind):
    return (
        candidate.kind == kind
        and candidate.lookup
        and candidate.record is None
        and candidate.status != Status.REPEAT
    )


def look_up_arxiv(plan, progress=None):
    asked = [c for c in plan.candidates if _to_look_up(c, "arxiv")]
    if not asked:
        return
    try:
        answer = arxiv.fetch([c.lookup for c in asked], progress=progress)
    except ServiceError as error:
        plan.errors.append(str(error))  # said once, above the rows
        for candidate in asked:
            candidate.status, candidate.reason = Status.INVALID, not_looked_up("arXiv")
        known_without_service(asked, "arXiv")
        return
    plan.waited += answer.waited
    for candidate in asked:
        record = answer.records.get(candidate.lookup)
        if record is None:
            candidate.status = Status.INVALID
            candidate.reason = _("arXiv has no paper %(id)s.") % {"id": candidate.lookup}
        elif record.withdrawn:
            candidate.record, candidate.status = record, Status.INVALID
            candidate.reason = _("arXiv marks this paper as withdrawn: %(comment)s") % {
                "comment": record.withdrawn
            }
        else:
            candidate.record = record


def look_up_dois(plan, progress=None):
    """Ask doi.org for each DOI of the plan, one at a time. When doi.org fails (no answer
    in time, an error status), the DOIs after it are not asked for, and the page says
    why once, above the rows. An answer that is not CSL-JSON is that DOI's alone: it is
    said on the DOI's row, and the others are still asked for (one odd record had left
    the rest of the paste "not looked up")."""
    failure, unanswered = None, []
    for candidate in [c for c in plan.candidates if _to_look_up(c, "doi")]:
        if failure is not None:
            candidate.status, candidate.reason = Status.INVALID, not_looked_up("doi.org")
            unanswered.append(candidate)
            continue
        try:
            candidate.record = doi.fetch(candidate.lookup)
        except ServiceError as error:
            candidate.status = Status.INVALID
            if error.kind == "malformed":
                candidate.reason = str(error)
                known_without_service([candidate], "doi.org", reason=str(error))
            else:
                failure = str(error)
                plan.errors.append(failure)
                candidate.reason = not_looked_up("doi.org")
                unanswered.append(candidate)
        else:
            if candidate.record is None:
                candidate.status = Status.INVALID
                candidate.reason = _("doi.org knows no DOI %(doi)s.") % {"doi": candidate.lookup}
        if progress:
            progress(1)
    known_without_service(unanswered, "doi.org")


def not_looked_up(service):
    """An entry's reason when the service that describes it failed: the page says what
    failed once, above the rows (``Plan.errors``)."""
    return _("Not looked up: %(service)s did not answer (see above).") % {"service": service}


def known_without_service(candidates, service, reason=None):
    """Mark the entries whose identifier the library already holds as in the library,
    though the service that would have described them could not be reached (or gave
    ``reason`` instead of a description): a member is told the paper is there, not only
    that arXiv or doi.org failed."""
    arxiv_ids = {c.lookup for c in candidates if c.kind == "arxiv"}
    dois = {c.lookup.lower() for c in candidates if c.kind == "doi"}
    if not (arxiv_ids or dois):
        return
    papers = Paper.objects.filter(Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois))
    by_identifier = {}
    for paper in papers:
        by_identifier.update({("arxiv", paper.arxiv_id): paper, ("doi", paper.doi): paper})
    for candidate in candidates:
        lookup = candidate.lookup.lower() if candidate.kind == "doi" else candidate.lookup
        paper = by_identifier.get((candidate.kind, lookup))
        if paper is not None:
            candidate.status, candidate.existing = Status.EXISTING, paper
            candidate.reason = reason or _(
                "%(service)s could not be reached, so whether it has newer details of "
                "this paper is not known."
            ) % {"service": service}


def judge(candidates):
    """Mark each candidate with a record new, already in the library (with what would
    change), or a repeat of an earlier entry of the same paste."""
    rows = [c for c in candidates if c.record is not None and c.status != Status.INVALID]
    for candidate, paper in zip(rows, dedupe.find_existing([c.record for c in rows]), strict=True):
        candidate.existing = paper
        if paper is not None:
            candidate.status = Status.EXISTING
            candidate.changes = differences(candidate.record, paper)
        else:
            candidate.status = Status.NEW
    seen = dedupe.Seen()  # a look-up per entry, not a comparison with each earlier one
    for candidate in rows:
        if candidate.status != Status.NEW:
            continue
        earlier = seen.first(candidate.record, candidate)
        if earlier is not None:
            repeated(candidate, earlier)


class Conflict(Exception):
    """Papers that were added by someone else between preview and confirmation."""


def save(plan, user=None, chosen=None, progress=None):
    """Add the plan's new papers (those whose index in plan.candidates is in chosen, or all)
    in one transaction, and return them. Raise Conflict, saving nothing, when one of them
    has meanwhile come into the library."""
    picked = plan.new if chosen is None else plan.picked(chosen)
    try:
        with transaction.atomic():
            found = dedupe.find_existing([c.record for c in picked])
            clashes = [c.entry for c, paper in zip(picked, found, strict=True) if paper]
            if clashes:
                raise Conflict(clashes)
            taken, added = set(), []
            for candidate in picked:
                added.append(create_paper(candidate.record, user, taken))
                if progress:
                    progress(1)
            return added
    except IntegrityError as error:  # added by another request between check and insert
        raise Conflict([c.entry for c in picked]) from error


def paper_values(record):
    """Return the Paper field values of a record, texts cut to their columns' length."""
    return {
        name: value[: LIMITS[name]] if name in LIMITS else value
        for name, value in record.paper_values().items()
    }


def fit(record):
    """Leave out of the record each value the Paper model's validators refuse (a year
    9999 or 0, a URL with a space, an arXiv ID or version beyond its column), so that
    no such value is stored and the paper stays one the admin can save; return a note
    on each, for the preview. Texts too long for their column are cut instead (LIMITS),
    keeping most of them."""
    values = paper_values(record)
    unset = [f.name for f in Paper._meta.fields if f.name not in values]
    try:
        Paper(**values).clean_fields(exclude=unset)
    except ValidationError as error:
        refused = error.message_dict
    else:
        return []
    notes = []
    for name, reasons in refused.items():
        notes.append(
            _("The %(field)s “%(value)s” is left out: %(reason)s")
            % {
                "field": Paper._meta.get_field(name).verbose_name,
                "value": Truncator(str(values[name])).chars(80),
                "reason": " ".join(reasons),
            }
        )
        attribute = RECORD_NAMES.get(name, name)
        setattr(record, attribute, getattr(Record(), attribute))
    return notes


def create_paper(record, user=None, taken=None):
    """Save a new Paper from a record (its topics too, and none of the values the model
    refuses) and return it."""
    fit(record)
    paper = Paper(
        **paper_values(record),
        provenance=record.provenance,
        added_by=user,
        slug=unique_slug(record, taken),
    )
    paper._change_reason = IMPORTED_REASON  # what a refresh may write over (given_by_imports)
    paper.save()
    if record.topics:
        paper.tags.add(*[topic[:100] for topic in record.topics])
    return paper


def unique_slug(record, taken=None):
    taken = set() if taken is None else taken
    base = slugify(record.title)[:80].strip("-") or slugify(record.arxiv_id) or "paper"
    used = set(Paper.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    used |= taken | RESERVED_SLUGS
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


# Refreshing from arXiv ------------------------------------------------------------------

# What a refresh brings up to date, each value only where the paper still holds what its
# import or last refresh gave it (``given_by_imports``), or nothing.
REFRESHED = ["title_en", "authors", "affiliations", "summary_en", "primary_category"]
REFRESHED += ["categories", "comment", "journal_ref"]


@dataclass
class Refresh:
    updated: list = field(default_factory=list)
    current: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    waited: float = 0.0
    notes: list = field(default_factory=list)  # what arXiv gave that was left unset or kept


def refresh(papers):
    """Bring papers up to arXiv's latest version (history keeps the old values); raise
    ServiceError when arXiv fails. A paper whose stored version is arXiv's latest is
    current; one without a version (entered by hand, or the demo's) is compared value by
    value, and is current when arXiv gives nothing it can take but the version.

    A value is written over only where the paper still holds what its import or last
    refresh gave it (``given_by_imports``), or nothing: an organiser's title, authors
    or summary stay, and ``notes`` says which were kept. Every value arXiv gave was
    written over, and the demo's papers, which have no version, counted as out of date:
    their first refresh replaced the curated titles with arXiv's.

    What the paper cannot take is left unset and said in ``notes`` too: a value the model
    refuses, or a DOI that another paper of the library has (two papers cannot share
    one, and saving it would fail all)."""
    papers = [paper for paper in papers if paper.arxiv_id]
    answer = arxiv.fetch([paper.arxiv_id for paper in papers])
    result = Refresh(waited=answer.waited)
    with transaction.atomic():
        # Each paper as it is now, locked: arXiv's turn takes seconds, and an organiser's
        # save meanwhile (a Chinese summary) was written over with what was read before.
        fresh = Paper.objects.select_for_update().in_bulk([paper.pk for paper in papers])
        for paper in [fresh[paper.pk] for paper in papers if paper.pk in fresh]:
            record = answer.records.get(paper.arxiv_id)
            if record is None:
                result.missing.append(paper)
                continue
            if paper.arxiv_version and (record.arxiv_version or 0) <= paper.arxiv_version:
                result.current.append(paper)
                continue
            if _refresh_paper(paper, record, result):
                result.updated.append(paper)
            else:
                result.current.append(paper)
    return result


def _refresh_paper(paper, record, result):
    """Write what arXiv's record gives over the paper where it may (``refresh``), and
    save it; return whether anything but its version changed."""
    notes = [f"{paper.arxiv_id}{colon()}{note}" for note in fit(record)]
    values = paper_values(record)
    before = {name: getattr(paper, name) for name in [*REFRESHED, "doi", "venue"]}
    given = given_by_imports(paper)
    kept = []
    for name in REFRESHED:
        value, current = values.get(name), getattr(paper, name)
        if value is None or value == current:
            continue
        if current in ("", None, []) or (name in given and given[name] == current):
            setattr(paper, name, value)
        else:
            kept.append(str(Paper._meta.get_field(name).verbose_name))
    if kept:
        notes.append(
            f"{paper.arxiv_id}{colon()}"
            + _("%(fields)s kept: edited since the paper was imported, or not imported.")
            % {"fields": names_separator().join(kept)}
        )
    if record.doi and not paper.doi:
        holder = Paper.objects.filter(doi=record.doi).exclude(pk=paper.pk).first()
        if holder is None:
            paper.doi = record.doi
        else:
            notes.append(
                _(
                    "The DOI %(doi)s that arXiv gives %(id)s is already the DOI of "
                    "“%(other)s”; it was left unset."
                )
                % {"id": paper.arxiv_id, "doi": record.doi, "other": holder.title}
            )
    if record.journal_ref and (not paper.venue or paper.venue.lower().startswith("arxiv")):
        paper.venue = record.journal_ref[:200]
    changed = any(getattr(paper, name) != value for name, value in before.items())
    result.notes += notes
    if "arxiv_version" in values:
        paper.arxiv_version = values["arxiv_version"]
    # A form opened before the refresh must not save its old values over it.
    paper.revision += 1
    paper._change_reason = REFRESHED_REASON
    paper.save()
    return changed


def given_by_imports(paper):
    """Return {field: value} of the REFRESHED fields as the paper's import or a refresh
    last wrote them, read from its history: the import's first version gives them all, a
    refresh those it changed (a value a refresh kept is not arXiv's, and stays the
    organiser's at the next). Empty for a paper no import added (entered by hand, loaded
    with the demo)."""
    given, previous = {}, None
    for version in paper.history.order_by("history_date", "history_id"):
        if version.history_type == "+":
            given = {}
        if by_import(version, previous):
            for name in REFRESHED:
                value = getattr(version, name)
                if (
                    previous is None
                    or version.history_type == "+"
                    or value != getattr(previous, name)
                ):
                    given[name] = value
        previous = version
    return given


def by_import(version, previous=None):
    """Whether a version of a paper's history is one an import or a refresh saved: so
    named since they are; the first version of a paper imported before (not added in
    the admin, whose papers are "admin", nor loaded, whose versions are named so); and a
    change saved before refreshes were named that moved the paper to a later arXiv
    version, which only a refresh did (else what an earlier refresh wrote counted as an
    organiser's edit, and was kept for ever)."""
    if version.history_change_reason in (IMPORTED_REASON, REFRESHED_REASON):
        return True
    if version.history_change_reason:
        return False
    if version.history_type == "+":
        return version.provenance != Paper.Provenance.ADMIN
    return (
        version.history_type == "~"
        and previous is not None
        and (version.arxiv_version or 0) > (previous.arxiv_version or 0)
    )
