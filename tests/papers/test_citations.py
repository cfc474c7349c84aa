"""Citing papers: keys as Better BibTeX makes them, BibTeX and CSL-JSON that parse."""

import importlib
import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from papers.citations import base_key, split_authors, to_bibtex, to_csl_json, unique_key
from papers.models import Paper
from tests.factories import PaperFactory, ReadingListFactory

pytestmark = pytest.mark.django_db


def test_keys_are_surname_three_significant_title_words_and_year():
    paper = Paper(
        title_en="A Survey of Large Language Models", authors="Wayne Xin Zhao, Kun Zhou", year=2023
    )
    assert base_key(paper) == "zhaoSurveyLargeLanguage2023"
    accented = Paper(title_en="Émergence of Über-Models", authors="José Müller", year=2021)
    assert base_key(accented).isascii() and base_key(accented).startswith("muller")


def test_a_clash_gets_a_letter_and_saved_papers_keep_their_keys():
    first = PaperFactory(title_en="Attention Is All You Need", authors="Ashish Vaswani", year=2017)
    second = PaperFactory(title_en="Attention Is All You Need", authors="A. Vaswani", year=2017)
    assert first.citation_key == "vaswaniAttentionAllYou2017"
    assert second.citation_key == "vaswaniAttentionAllYou2017a"
    first.title_en = "Changed"
    first.save()
    first.refresh_from_db()
    assert first.citation_key == "vaswaniAttentionAllYou2017"  # stable once made
    assert unique_key(first, {"vaswaniChanged2017"}) == "vaswaniChanged2017a"


def test_authors_are_split_in_order():
    assert split_authors("A. One, B. Two and C. Three; D. Four, et al.") == [
        "A. One",
        "B. Two",
        "C. Three",
        "D. Four",
    ]


def test_bibtex_escapes_what_bibtex_treats_specially():
    paper = PaperFactory(title_en="Costs & 100% of R_t #1", arxiv_id="2303.18223", year=2023)
    entry = to_bibtex([paper])
    assert r"{Costs \& 100\% of R\_t \#1}" in entry
    assert "eprint = {2303.18223}" in entry and "archiveprefix = {arXiv}" in entry
    assert entry.startswith(f"@misc{{{paper.citation_key},")


def test_a_papers_page_offers_its_citation_and_the_meta_tags_zotero_reads(member_client):
    paper = PaperFactory(
        title_en="LLaMA",
        authors="Hugo Touvron, Thibaut Lavril",
        year=2023,
        month=2,
        arxiv_id="2302.13971",
    )
    response = member_client.get(paper.get_absolute_url())
    assertContains(response, '<meta name="citation_title" content="LLaMA">', html=True)
    assertContains(response, '<meta name="citation_author" content="Thibaut Lavril">', html=True)
    assertContains(response, '<meta name="citation_arxiv_id" content="2302.13971">', html=True)
    assertContains(response, reverse("papers:paper_bibtex", args=[paper.slug]))
    assertContains(response, paper.citation_key)
    bib = member_client.get(reverse("papers:paper_bibtex", args=[paper.slug]))
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert "author = {Hugo Touvron and Thibaut Lavril}" in bib.content.decode()
    csl = json.loads(member_client.get(reverse("papers:paper_csl", args=[paper.slug])).content)
    assert csl[0]["author"][0] == {"family": "Touvron", "given": "Hugo"}
    assert csl[0]["issued"] == {"date-parts": [[2023, 2]]}


def test_a_journal_papers_page_cites_it_escaped(member_client):
    """The meta tags and the "Cite" box (papers/templatetags/citing.py) of a paper with no
    arXiv ID: its PDF, journal and DOI, every text escaped, the BibTeX too."""
    paper = PaperFactory(
        title_en="Costs & <benefits>",
        authors="Ada Lovelace",
        year=1843,
        month=None,
        arxiv_id=None,
        pdf_url="https://example.org/a.pdf?x=1&y=2",
        venue="Journal of R&D",
        doi="10.1000/x&y",
    )
    response = member_client.get(paper.get_absolute_url())
    for name, content in [
        ("citation_title", "Costs &amp; &lt;benefits&gt;"),
        ("citation_publication_date", "1843"),
        ("citation_pdf_url", "https://example.org/a.pdf?x=1&amp;y=2"),
        ("citation_journal_title", "Journal of R&amp;D"),
        ("citation_doi", "10.1000/x&amp;y"),
    ]:
        assertContains(response, f'<meta name="{name}" content="{content}">')
    assertNotContains(response, "citation_arxiv_id")
    bibtex_url = reverse("papers:paper_bibtex", args=[paper.slug])
    assertContains(
        response, f'<link rel="alternate" type="application/x-bibtex" href="{bibtex_url}"'
    )
    assertContains(response, f'<a href="{bibtex_url}" download>BibTeX</a>')
    assertContains(response, r"title = {{Costs \&amp; &lt;benefits&gt;}}")
    assertContains(response, f"<code>{paper.citation_key}</code>")


def test_the_paper_list_and_a_reading_list_export_all_their_papers(member_client):
    papers = PaperFactory.create_batch(30, year=2023)  # more than a page
    response = member_client.get(reverse("reading:paper_list"), {"format": "bibtex"})
    assert response.content.decode().count("@misc{") == 30
    filtered = member_client.get(reverse("reading:paper_list"), {"q": papers[0].title_en})
    assertContains(filtered, "format=bibtex")
    assertContains(filtered, "BibTeX of these papers</a>")
    # Nothing to cite: no link to an empty file.
    empty = member_client.get(reverse("reading:paper_list"), {"q": "no such paper at all"})
    assertContains(empty, "No paper's title or arXiv ID contains")
    assertNotContains(empty, "BibTeX of these papers")
    reading_list = ReadingListFactory()
    for position, paper in enumerate(papers[:3]):
        reading_list.items.create(paper=paper, position=position)
    exported = member_client.get(reading_list.get_absolute_url(), {"format": "csl-json"})
    assert [item["id"] for item in json.loads(exported.content)] == [
        paper.citation_key for paper in papers[:3]
    ]


@pytest.mark.parametrize(
    ("venue", "bibtex", "csl"),
    [
        ("ACM Transactions on Software Engineering and Methodology", "@article", "article-journal"),
        ("Transactions of the ACL", "@article", "article-journal"),
        ("NeurIPS 2023", "@inproceedings", "paper-conference"),
        ("Findings of EMNLP 2023", "@inproceedings", "paper-conference"),
        ("arXiv preprint", "@misc", "article"),
        ("", "@misc", "article"),
    ],
)
def test_bibtex_and_csl_agree_on_where_a_paper_was_published(venue, bibtex, csl):
    """A journal paper was @article in BibTeX and "paper-conference" in CSL-JSON."""
    paper = PaperFactory(venue=venue, doi="10.1145/3605943" if venue else None)
    assert to_bibtex([paper]).startswith(bibtex + "{")
    assert to_csl_json([paper])[0]["type"] == csl


@pytest.mark.parametrize(
    "language, shown", [("en", " · arXiv preprint</p>"), ("zh-hans", " · arXiv 预印本</p>")]
)
def test_a_preprint_is_called_so_in_the_readers_language(member_client, language, shown):
    preprint = PaperFactory(venue="arXiv preprint", year=2023)
    published = PaperFactory(venue="NeurIPS 2023", year=2023)
    member_client.cookies["django_language"] = language
    assertContains(member_client.get(preprint.get_absolute_url()), shown)
    assertContains(member_client.get(published.get_absolute_url()), " · NeurIPS 2023</p>")


@pytest.mark.parametrize(
    "authors", ["Hugo Touvron et al.", "Hugo Touvron, et al.", "Hugo Touvron et al"]
)
def test_an_author_line_ending_in_et_al_cites_the_named_author_and_others(authors):
    """A browser walk found the key alLLaMAOpenEfficient2023, BibTeX's author
    {Hugo Touvron et al.} (a person surnamed "al.") and CSL's family name "al."."""
    paper = PaperFactory(title_en="LLaMA: Open and Efficient Foundation Language Models")
    paper.authors, paper.year = authors, 2023
    assert base_key(paper) == "touvronLLaMAOpenEfficient2023"
    assert "author = {Hugo Touvron and others}" in to_bibtex([paper])
    assert to_csl_json([paper])[0]["author"] == [{"family": "Touvron", "given": "Hugo"}]


def test_an_author_line_without_et_al_names_everyone():
    paper = PaperFactory(authors="Ashish Vaswani, Noam Shazeer and Niki Parmar", year=2017)
    assert "author = {Ashish Vaswani and Noam Shazeer and Niki Parmar}" in to_bibtex([paper])
    assert [a["family"] for a in to_csl_json([paper])[0]["author"]] == [
        "Vaswani",
        "Shazeer",
        "Parmar",
    ]


def test_keys_made_from_et_al_are_made_again_by_the_migration():
    from django.apps import apps as django_apps

    migration = importlib.import_module("papers.migrations.0015_et_al_citation_keys")
    llama = PaperFactory(title_en="LLaMA: Open and Efficient Foundation Language Models")
    kept = PaperFactory(title_en="Attention Is All You Need", authors="Ashish Vaswani")
    flamingo = PaperFactory(title_en="Flamingo", authors="Jean-Baptiste Alayrac, Jeff Donahue")
    Paper.objects.filter(pk=llama.pk).update(
        authors="Hugo Touvron et al.", year=2023, citation_key="alLLaMAOpenEfficient2023"
    )
    # A surname beginning with "al", and a key typed in the admin: both kept.
    Paper.objects.filter(pk=flamingo.pk).update(
        authors="Jean-Baptiste Alayrac, Jeff Donahue et al.", citation_key="alayrac2022flamingo"
    )
    before = Paper.objects.get(pk=kept.pk).citation_key
    migration.rekey(django_apps, None)
    assert Paper.objects.get(pk=llama.pk).citation_key == "touvronLLaMAOpenEfficient2023"
    assert Paper.objects.get(pk=kept.pk).citation_key == before
    assert Paper.objects.get(pk=flamingo.pk).citation_key == "alayrac2022flamingo"


def test_the_paper_list_and_a_reading_list_link_their_csl_json_too(member_client):
    """CSL-JSON was answered but linked nowhere: only BibTeX had a link."""
    paper = PaperFactory()
    reading_list = ReadingListFactory()
    reading_list.items.create(paper=paper, position=1)
    for page in (reverse("reading:paper_list"), reading_list.get_absolute_url()):
        assertContains(member_client.get(page), 'format=csl-json" download')


def test_a_company_author_is_one_author_cited_as_written():
    """ "Huawei Technologies Co., Ltd." was two authors (the first with the surname
    "Co."), in BibTeX, CSL-JSON, the key and the page's citation_author tags."""
    assert split_authors("Huawei Technologies Co., Ltd., Jane Doe and OpenAI, Inc.") == [
        "Huawei Technologies Co., Ltd.",
        "Jane Doe",
        "OpenAI, Inc.",
    ]
    assert split_authors("Smith, Co-Author") == ["Smith", "Co-Author"]
    paper = PaperFactory(
        authors="Huawei Technologies Co., Ltd.",
        title_en="Huawei MindSpore AI Development Framework",
        year=2022,
    )
    assert paper.citation_key == "huaweiHuaweiMindSporeAI2022"
    assert "  author = {{Huawei Technologies Co., Ltd.}}," in to_bibtex([paper])
    assert to_csl_json([paper])[0]["author"] == [{"literal": "Huawei Technologies Co., Ltd."}]


@pytest.mark.parametrize(
    ("venue", "tag"),
    [
        ("NeurIPS 2019", "citation_conference_title"),
        ("Transactions of the ACL", "citation_journal_title"),
        ("arXiv preprint", None),
    ],
)
def test_the_page_names_the_venue_by_its_kind(member_client, venue, tag):
    """Every venue was a citation_journal_title: Zotero's connector saved a conference
    paper as an article of the journal "NeurIPS 2019", a preprint of "arXiv preprint"."""
    paper = PaperFactory(venue=venue)
    response = member_client.get(paper.get_absolute_url())
    for name in ("citation_conference_title", "citation_journal_title"):
        if name == tag:
            assertContains(response, f'<meta name="{name}" content="{venue}">')
        else:
            assertNotContains(response, f'<meta name="{name}"')


def test_a_doi_is_exported_as_written():
    """biblatex reads a DOI verbatim: "\\_" stayed in its link."""
    paper = PaperFactory(doi="10.1007/978-3-030-58452-8_13", arxiv_id=None)
    assert "  doi = {10.1007/978-3-030-58452-8_13}" in to_bibtex([paper])
