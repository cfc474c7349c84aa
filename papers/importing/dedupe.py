"""Papers already in the library: the same arXiv ID (any version), the same DOI, or the
same title (compared by ``identifiers.title_key``) and year."""

from django.db.models import Q

from ..identifiers import title_key
from ..models import Paper


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
        if key and paper.title_key == key and same_year(paper.year, record.year):
            return paper
    return None


def same_year(a, b):
    return a is None or b is None or a == b


def same_paper(a, b):
    """Whether two records name the same paper (for duplicates within one paste)."""
    if a.arxiv_id and a.arxiv_id == b.arxiv_id:
        return True
    if a.doi and a.doi.lower() == b.doi.lower():
        return True
    key = title_key(a.title)
    return bool(key) and key == title_key(b.title) and same_year(a.year, b.year)
