"""Papers already in the library: the same arXiv ID (any version), the same DOI, or the
same title (compared by ``identifiers.title_key``) and year; a preprint and a published
version (one with an arXiv ID, the other without) by the same title within PUBLISHED_WITHIN
years. Two records whose arXiv IDs (or DOIs) differ are two papers, whatever their titles:
as Paper.clean says, two papers may share a title, and an identifier tells them apart."""

from django.db.models import Q

from ..identifiers import title_key
from ..models import Paper

# A journal or a conference publishes a preprint a year or two after arXiv has it (BERT:
# arXiv 2018, NAACL 2019): its DOI, added later, made a second paper of the same title.
PUBLISHED_WITHIN = 2


def find_existing(records):
    """Return, for each record, the paper of the library it names, or None; in one query."""
    arxiv_ids = {r.arxiv_id for r in records if r.arxiv_id}
    dois = {r.doi.lower() for r in records if r.doi}
    record_keys = [title_key(r.title) for r in records]
    keys = set(record_keys) - {""}
    if not (arxiv_ids or dois or keys):
        return [None for _ in records]
    papers = Paper.objects.filter(
        Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois) | Q(title_key__in=keys)
    )
    library = Seen()
    for paper in papers:
        library.add(paper, paper.title_key, paper)
    return [library.find(record, key) for record, key in zip(records, record_keys, strict=True)]


class Seen:
    """Records (or papers) by arXiv ID, DOI and title key, each with what names it (a
    paper, an entry): which of them a record is the same paper as (``same_paper``), found
    by a look-up of each of its identifiers and its title key, each computed once. Each
    entry of an import was compared with every earlier one, its title key made again at
    each comparison: 3,000 entries took 74 seconds."""

    def __init__(self):
        self.by_arxiv_id, self.by_doi, self.by_title = {}, {}, {}

    def add(self, record, key, item):
        """Remember a record, with its title key, as ``item``; the first of each
        identifier is the one found."""
        if record.arxiv_id:
            self.by_arxiv_id.setdefault(record.arxiv_id, item)
        if record.doi:
            self.by_doi.setdefault(record.doi.lower(), item)
        if key:
            self.by_title.setdefault(key, []).append((record, item))

    def find(self, record, key=None):
        """Return the item of the first record remembered that names the same paper as
        the record: by arXiv ID, DOI, then title (``key``, made when None) and year."""
        if record.arxiv_id and record.arxiv_id in self.by_arxiv_id:
            return self.by_arxiv_id[record.arxiv_id]
        if record.doi and record.doi.lower() in self.by_doi:
            return self.by_doi[record.doi.lower()]
        key = title_key(record.title) if key is None else key
        for earlier, item in self.by_title.get(key, ()) if key else ():
            if same_year(earlier, record) and not told_apart(earlier, record):
                return item
        return None

    def first(self, record, item):
        """Return the item of a record remembered that names the same paper as the
        record, else remember the record as ``item`` and return None."""
        key = title_key(record.title)
        earlier = self.find(record, key)
        if earlier is None:
            self.add(record, key, item)
        return earlier


def told_apart(a, b):
    """Whether two records (or a record and a paper) are two papers by their identifiers:
    both have an arXiv ID, or both a DOI, and these differ. Another arXiv paper titled
    "Attention Is All You Need" was called the one in the library, and could not be
    added."""
    arxiv_ids = (a.arxiv_id or "", b.arxiv_id or "")
    dois = ((a.doi or "").lower(), (b.doi or "").lower())
    return all(arxiv_ids) and arxiv_ids[0] != arxiv_ids[1] or all(dois) and dois[0] != dois[1]


def same_year(a, b):
    """Whether two records of the same title are of the same year, or of close years as
    a preprint and its published version are."""
    if a.year is None or b.year is None or a.year == b.year:
        return True
    versions = bool(a.arxiv_id) != bool(b.arxiv_id)
    return versions and abs(a.year - b.year) <= PUBLISHED_WITHIN


def same_paper(a, b):
    """Whether two records name the same paper: what Seen finds, by look-ups."""
    if a.arxiv_id and a.arxiv_id == b.arxiv_id:
        return True
    if a.doi and a.doi.lower() == b.doi.lower():
        return True
    key = title_key(a.title)
    return bool(key) and key == title_key(b.title) and same_year(a, b) and not told_apart(a, b)
