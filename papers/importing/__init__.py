"""Getting papers into the library: from arXiv (its API and its OAI-PMH interface), from
DOIs (doi.org's content negotiation) and from BibTeX.

Each outside service has one small client here (``arxiv``, ``doi``), rate-limited through
``ratelimit``; ``bibtex`` reads files; ``dedupe`` finds papers already in the library;
``plan`` turns what a member pasted into a preview (one ``Candidate`` per entry) and saves
the chosen ones. The "Add papers" page and the ``import_arxiv`` / ``import_bibtex``
commands use the same plan.
"""
