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
    keys = {title_key(r.title) for r in records if title_key(r.title)}
    if not (arxiv_ids or dois or keys):
        return [None for _ in records]
    papers = list(
        Paper.objects.filter(Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois) | Q(title_key__in=keys))
    )
    return [match(record, papers) for record in records]


def match(record, papers):
    """Return the first paper the record names: by arXiv ID, DOI, then title and year."""
    key = title_key(record.title)
    for paper in papers:
        if record.arxiv_id and paper.arxiv_id == record.arxiv_id:
            return paper
    for paper in papers:
        if record.doi and paper.doi == record.doi.lower():
            return paper
    for paper in papers:
        if (
            key
            and paper.title_key == key
            and same_year(paper, record)
            and not told_apart(paper, record)
        ):
            return paper
    return None


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
    """Whether two records name the same paper (for duplicates within one paste)."""
    if a.arxiv_id and a.arxiv_id == b.arxiv_id:
        return True
    if a.doi and a.doi.lower() == b.doi.lower():
        return True
    key = title_key(a.title)
    return bool(key) and key == title_key(b.title) and same_year(a, b) and not told_apart(a, b)
