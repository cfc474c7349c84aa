"""The import clients against recorded answers, BibTeX reading, duplicates, the plan."""

import codecs
import datetime
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from papers import citations, identifiers
from papers.identifiers import is_doi, normalize_doi, split_version, title_key
from papers.importing import arxiv, bibtex, dedupe, doi
from papers.importing import plan as importing
from papers.importing.records import Record, ServiceError
from papers.models import Paper
from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db
RECORDED = Path(__file__).parent / "recorded"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("10.18653/v1/2023.acl-long.1", "10.18653/v1/2023.acl-long.1"),
        ("https://doi.org/10.18653/V1/N19-1423", "10.18653/v1/n19-1423"),
        ("http://dx.doi.org/10.1145/3605943", "10.1145/3605943"),
        ("doi:10.1023/A:1026654312961", "10.1023/a:1026654312961"),
    ],
)
def test_normalize_doi_cleans_pasted_forms(pasted, expected):
    assert normalize_doi(pasted) == expected
    assert is_doi(pasted)


def test_split_version_and_title_key():
    assert split_version("https://arxiv.org/pdf/2303.18223v15.pdf") == ("2303.18223", 15)
    assert split_version("arXiv:hep-th/9711200v3") == ("hep-th/9711200", 3)
    assert split_version("2303.18223") == ("2303.18223", None)
    assert title_key("GPT-4: Technical Report.") == title_key("gpt 4 technical report")
    assert title_key("Über Müller") == "ubermuller"


def test_arxiv_fetch_asks_once_for_many_ids(recorded_services):
    answer = arxiv.fetch(["2303.18223", "1706.03762", "hep-th/9711200", "1810.04805"])
    assert len(recorded_services.api_calls()) == 1
    assert recorded_services.api_calls()[0]["id_list"] == (
        "2303.18223,1706.03762,hep-th/9711200,1810.04805"
    )
    survey = answer.records["2303.18223"]
    assert survey.title == "A Survey of Large Language Models"
    assert survey.authors[:2] == ["Wayne Xin Zhao", "Kun Zhou"]
    assert (survey.arxiv_version, survey.year, survey.month) == (15, 2023, 3)
    assert survey.primary_category == "cs.CL"
    assert survey.categories == ["cs.CL", "cs.AI"]
    assert survey.comment == "ongoing work; 144 pages, 1081 citations"
    assert survey.abstract.startswith("Language is essentially a complex, intricate system")
    assert "\n" not in survey.abstract
    old = answer.records["hep-th/9711200"]
    assert (old.arxiv_version, old.year, old.month) == (3, 1997, 11)
    assert old.doi == "10.1023/a:1026654312961"
    assert old.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    bert = answer.records["1810.04805"]
    assert bert.title == (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )
    assert bert.affiliations == [
        ["Google AI Language"],
        ["Google AI Language"],
        [],
        ["Google AI Language", "University of Washington"],
    ]


def test_arxiv_unknown_id_is_missing_and_error_feed_raises(recorded_services):
    assert arxiv.fetch(["2401.99999"]).records == {}
    with pytest.raises(ServiceError, match="incorrect id format for 0704.00001"):
        arxiv.fetch(["0704.00001"])


@pytest.mark.parametrize(
    ("path", "kind"), [("/hang", "timeout"), ("/garbage", "malformed"), (None, "unreachable")]
)
def test_arxiv_failures_are_clear(recorded_services, settings, path, kind):
    if path is None:
        settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"  # nothing listens there
    else:
        recorded_services.point(settings, recorded_services.url + path)
    with pytest.raises(ServiceError) as raised:
        arxiv.fetch(["2303.18223"])
    assert raised.value.kind == kind
    assert "arXiv" in str(raised.value)


def test_doi_fetch_reads_csl_json(recorded_services):
    record = doi.fetch("10.1145/3605943")
    assert record.title.startswith("Large Language Models for Software Engineering")
    assert record.authors == ["Xinyi Hou", "Yanjie Zhao"]
    assert (record.year, record.month) == (2024, 9)
    assert record.venue == "ACM Transactions on Software Engineering and Methodology"
    assert record.abstract.startswith("Large Language Models (LLMs) have")  # JATS tags gone
    assert doi.fetch("10.9999/nothing") is None


def test_a_doi_title_with_markup_is_plain_text_and_found_in_the_library(recorded_services):
    """Crossref's "<i>in vivo</i>", "H<sub>2</sub>O" and "&amp;" were stored as written,
    and the paper was not found to be the one already in the library."""
    there = PaperFactory(
        arxiv_id=None, title_en="Emergent in vivo reasoning in H2O & beyond", year=2023
    )
    (candidate,) = importing.build("10.5555/markup").candidates
    assert candidate.record.title == "Emergent in vivo reasoning in H2O & beyond"
    assert (candidate.status, candidate.existing) == ("existing", there)


def test_doi_failures_are_clear(recorded_services, settings):
    recorded_services.point(settings, recorded_services.url + "/hang")
    with pytest.raises(ServiceError, match="doi.org did not answer"):
        doi.fetch("10.1145/3605943")


def test_bibtex_decodes_the_traps():
    entries = {e.key: e for e in bibtex.parse((RECORDED / "tricky.bib").read_text())}
    mueller = entries["mueller2024gpt"].record
    assert mueller.title == "GPT-Style Models for Müller's Corpus: Über 50% & More"
    assert mueller.authors == ["Jörg Müller", "María García", "OpenAI"]
    assert (mueller.arxiv_id, mueller.arxiv_version) == ("2403.01234", 2)
    assert mueller.topics == ["GPT", "evaluation", "German"]
    survey = entries["zhao2023survey"].record
    assert survey.arxiv_id == "2303.18223"  # journal = {arXiv preprint arXiv:…}
    assert survey.topics == ["Surveys", "Large language models", "Scaling laws"]
    bert = entries["devlin-etal-2019-bert"].record
    assert bert.venue == "Proceedings of NAACL-HLT"  # @string
    assert (bert.doi, bert.month, bert.url) == (
        "10.18653/v1/n19-1423",
        6,
        "https://aclanthology.org/N19-1423",
    )
    assert entries["vaswani2017attention"].record.arxiv_id == "1706.03762"
    assert entries["knuth1984texbook"].record.title == "The TeXbook"
    broken = entries["broken2022"]
    assert (broken.record, broken.line) == (None, 48)
    assert broken.error == (
        "This entry cannot be read: the value of the field “title” (line 49) has no closing "
        "“}” before the field “author” (line 50)"
    )


GOOD = "@misc{fine, title = {Fine}}\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        # A brace left open: the value runs into the next field's line.
        (
            GOOD + "@article{b2,\n  title = {Broken title,\n  year = {2023}\n}\n\n" + GOOD,
            2,
            "the value of the field “title” (line 3) has no closing “}” before the field "
            "“year” (line 4)",
        ),
        (
            '@article{b2,\n  title = "Broken,\n  year = {2023}\n}\n' + GOOD,
            1,
            'the value of the field “title” (line 2) has no closing “"” before the field '
            "“year” (line 3)",
        ),
        (
            "@article{b2,\n  title = {ok},\n  note = {one line\n\n" + GOOD,
            1,
            "the value of the field “note” (line 3) has no closing “}” before the next entry "
            "(line 5)",
        ),
        (
            "@article{b2,\n  title = {ok},\n  year = {2023\n",
            1,
            "the value of the field “year” (line 3) has no closing “}” before the end of the file",
        ),
        (
            "@article{b2,\n  title {Broken},\n  year = {2023}\n}\n",
            1,
            "the field “title” (line 2) is followed by “{” where “=” should be",
        ),
        (
            "@article{b2,\n  title = {ok},\n  year = {2023}\n\n" + GOOD,
            1,
            "the entry has no closing “}” before the next entry (line 5)",
        ),
        (
            "@article{b2,\n  title = {ok},\n  year = {2023}\n",
            1,
            "the entry has no closing “}” before the end of the file",
        ),
    ],
)
def test_a_broken_bibtex_entry_says_where(text, line, reason):
    """Where in the file an entry breaks: the field whose value is not closed, and its
    line in the file, or the line at which the parser gave up."""
    (broken,) = [entry for entry in bibtex.parse(text) if entry.error]
    assert (broken.line, broken.error) == (line, f"This entry cannot be read: {reason}")


def test_a_broken_bibtex_entry_says_where_in_chinese():
    text = "@article{b2,\n  title = {Broken title,\n  year = {2023}\n}\n"
    with translation.override("zh-hans"):
        (broken,) = bibtex.parse(text)
    assert broken.error == (
        "无法读取这个条目：字段“title”（第 2 行）的值在字段“year”（第 3 行）之前缺少闭合的“}”"
    )


def test_dedupe_by_arxiv_id_doi_and_title_year():
    by_id = PaperFactory(arxiv_id="2303.18223")
    by_doi = PaperFactory(arxiv_id=None, doi="10.1145/3605943")
    by_title = PaperFactory(arxiv_id=None, title_en="Attention Is All You Need", year=2017)
    records = [
        Record(title="x", arxiv_id="2303.18223", arxiv_version=2),
        Record(title="y", doi="10.1145/3605943"),
        Record(title="Attention is all you need.", year=2017),
        Record(title="Attention is all you need", year=2018),
    ]
    assert dedupe.find_existing(records) == [by_id, by_doi, by_title, None]


def test_a_published_version_a_year_after_its_preprint_is_the_same_paper():
    """BERT is on arXiv from 2018 and in NAACL 2019: its DOI, added later, made a second
    paper. Two papers of one title in different years that are not a preprint and its
    version stay two."""
    preprint = PaperFactory(
        arxiv_id="1810.04805", doi=None, title_en="BERT: Pre-training", year=2018
    )
    records = [
        Record(title="BERT: pre-training", doi="10.18653/v1/n19-1423", year=2019),
        Record(title="BERT: pre-training", doi="10.1/later", year=2022),  # too far apart
        Record(title="BERT: pre-training", arxiv_id="2001.00001", year=2019),  # two preprints
    ]
    assert dedupe.find_existing(records) == [preprint, None, None]
    assert dedupe.same_paper(
        Record(title="T", arxiv_id="1810.04805", year=2018),
        Record(title="t", doi="10.1/x", year=2019),
    )


def test_two_papers_of_one_title_are_told_apart_by_their_identifiers(recorded_services):
    """Another arXiv paper titled "Attention Is All You Need" was called the one in the
    library, and could not be added: two papers may share a title, and an identifier
    tells them apart (Paper.clean)."""
    other = PaperFactory(
        arxiv_id="1707.01234", doi=None, title_en="Attention Is All You Need", year=2017
    )
    [candidate] = importing.build("1706.03762").candidates
    assert (candidate.status, candidate.existing) == ("new", None)
    same_title = {"title": "Attention Is All You Need", "year": 2017}
    assert not dedupe.same_paper(
        Record(**same_title, arxiv_id="1706.03762"), Record(**same_title, arxiv_id="1707.01234")
    )
    assert not dedupe.same_paper(
        Record(**same_title, doi="10.1/a"), Record(**same_title, doi="10.1/b")
    )
    assert dedupe.same_paper(
        Record(**same_title, arxiv_id="1706.03762"), Record(**same_title, doi="10.1/a")
    )
    assert dedupe.find_existing([Record(**same_title, doi="10.1/b")]) == [other]


def test_duplicates_within_an_import_are_found_by_look_ups(monkeypatch):
    """Each entry was compared with every earlier one, its title key made again at each
    comparison: 3,000 entries took 74 seconds. A title key is made once or twice an entry
    now, and a repeat is still found by its arXiv ID, DOI or title."""
    made = []

    def counted(title):
        made.append(title)
        return title_key(title)

    monkeypatch.setattr(dedupe, "title_key", counted)
    entries = [
        f"@article{{k{i}, title={{Part {i} of a study}}, doi={{10.5555/t.{i}}}, year=2020}}"
        for i in range(300)
    ]
    entries += [
        "@article{again, title={Another title}, doi={10.5555/T.7}, year=2020}",
        "@article{retitled, title={Part 8 of a Study.}, year=2020}",
        "@article{other, title={Part 9 of a study}, doi={10.5555/elsewhere}, year=2020}",
    ]
    plan = importing.build(bib_text="\n".join(entries), limit=None)
    assert len(made) <= 2 * len(entries)
    assert [c.status for c in plan.candidates[-3:]] == ["repeat", "repeat", "new"]
    assert [c.reason for c in plan.candidates[-3:-1]] == [
        "The same paper as k7 (line 8) above.",
        "The same paper as k8 (line 9) above.",
    ]


def test_plan_sorts_entries_into_new_existing_invalid(recorded_services):
    existing = PaperFactory(arxiv_id="1706.03762", arxiv_version=5, title_en="Attention")
    plan = importing.build(
        "2303.18223v15\nhttps://arxiv.org/abs/1706.03762\narXiv:2303.18223 1304.5678 "
        "2401.99999 not-an-id\nhttps://doi.org/10.1145/3605943\n10.9999/nothing"
    )
    rows = [(c.entry, c.status) for c in plan.candidates]
    assert rows == [
        ("2303.18223v15", "new"),
        ("https://arxiv.org/abs/1706.03762", "existing"),
        ("arXiv:2303.18223", "repeat"),
        ("1304.5678", "invalid"),
        ("2401.99999", "invalid"),
        ("not-an-id", "invalid"),
        ("https://doi.org/10.1145/3605943", "new"),
        ("10.9999/nothing", "invalid"),
    ]
    assert len(recorded_services.api_calls()) == 1
    reasons = [c.reason for c in plan.candidates]
    assert reasons[2] == "The same paper as 2303.18223v15 above."
    assert "withdrawn" in reasons[3]
    assert reasons[4] == "arXiv has no paper 2401.99999."
    assert reasons[7] == "doi.org knows no DOI 10.9999/nothing."
    changes = {str(label): (old, new) for label, old, new in plan.candidates[1].changes}
    assert changes["arXiv version"] == (5, 7)
    assert changes["title"] == ("Attention", "Attention Is All You Need")
    assert plan.candidates[1].existing == existing


def test_only_arxivs_withdrawal_notices_mark_a_paper_withdrawn(recorded_services):
    """Any "was withdrawn" in the comment or the abstract's first 200 characters refused
    the paper: "Meta's Galactica demo was withdrawn after three days." The row quotes the
    notice, not the whole comment."""
    (candidate,) = importing.build("2401.00001").candidates
    assert candidate.status == "new", candidate.reason
    assert arxiv.withdrawal(
        "",
        "We study X. This submission has been withdrawn by arXiv "
        "administrators: it repeats 2301.00001. More follows.",
    ) == ("This submission has been withdrawn by arXiv administrators: it repeats 2301.00001.")
    assert arxiv.withdrawal("Withdrawn.", "") == "Withdrawn."
    assert (
        arxiv.withdrawal("21 pages; withdrawn by the authors", "")
        == "21 pages; withdrawn by the authors"
    )
    assert arxiv.withdrawal("the tool was withdrawn by its vendor", "It was withdrawn.") == ""
    with translation.override("en"):
        (withdrawn,) = importing.build("1304.5678").candidates
    assert withdrawn.reason == (
        "arXiv marks this paper as withdrawn: This paper has been withdrawn by the author due "
        "to an error in the proof of Theorem 2"
    )


def test_plan_keeps_doi_and_bibtex_rows_when_arxiv_is_down(recorded_services, settings):
    settings.ARXIV_API_URL = recorded_services.url + "/hang/api/query"
    plan = importing.build("2303.18223 10.1145/3605943")
    assert [c.status for c in plan.candidates] == ["invalid", "new"]
    assert "did not answer" in plan.errors[0]


def test_an_identifier_given_twice_is_a_repeat_even_when_arxiv_is_down(recorded_services, settings):
    settings.ARXIV_API_URL = recorded_services.url + "/hang/api/query"
    plan = importing.build("2303.18223 10.48550/arXiv.2303.18223v2 10.1145/3605943")
    rows = [(c.status, c.reason) for c in plan.candidates]
    assert rows[0] == ("invalid", "Not looked up: arXiv did not answer (see above).")
    assert rows[1] == ("repeat", "The same paper as 2303.18223 above.")
    assert rows[2][0] == "new"


def test_an_identifier_given_twice_is_asked_for_once(recorded_services):
    plan = importing.build(
        "https://doi.org/10.1145/3605943\n10.1145/3605943\n2303.18223\narxiv.org/abs/2303.18223v3"
    )
    assert [c.status for c in plan.candidates] == ["new", "repeat", "new", "repeat"]
    assert plan.candidates[1].reason == "The same paper as https://doi.org/10.1145/3605943 above."
    asked = [path for path, _query, _time in recorded_services.requests]
    assert asked.count("/api/query") == 1
    assert len([path for path in asked if path.startswith("/doi/")]) == 1


MIXED_PASTE = r"""2303.1822x
arxiv:abcd
https://arxiv.org/abs/not-an-id
10.xyz
@string{nat = {Nature}}
% read these first: 1810.04805
@comment{jabref-meta: 1810.04805}
@preamble{"\newcommand{\x}{x}"}
@misc{mixtral, title = {Mixtral of Experts}, year = {2024}}
see also 10.1145/3605943
@article{attention, title = {Attention Is All You Need}, eprint = {1706.03762}}
@article{letter, title = {A Letter}, journal = nat}
2303.18223
"""


def test_a_paste_mixes_identifiers_and_bibtex_in_its_order(recorded_services):
    PaperFactory(arxiv_id="1706.03762")
    plan = importing.build(MIXED_PASTE)
    rows = [(c.entry, c.kind, c.status) for c in plan.candidates]
    assert rows == [
        ("2303.1822x", "", "invalid"),
        ("arxiv:abcd", "", "invalid"),
        ("https://arxiv.org/abs/not-an-id", "", "invalid"),
        ("10.xyz", "", "invalid"),
        ("mixtral (line 9)", "bibtex", "new"),
        ("see also", "", "invalid"),  # words that are no identifier: one row
        ("10.1145/3605943", "doi", "new"),
        ("attention (line 11)", "bibtex", "existing"),
        ("letter (line 12)", "bibtex", "new"),
        ("2303.18223", "arxiv", "new"),
    ]
    unrecognised = {c.reason for c in plan.candidates if c.kind == ""}
    assert unrecognised == {"Not an arXiv ID, arXiv link or DOI (nor BibTeX)."}
    assert plan.candidates[8].record.venue == "Nature"  # @string still serves the entries
    # The % line and @comment are comments: their 1810.04805 is not asked for.
    assert [call["id_list"] for call in recorded_services.api_calls()] == ["2303.18223"]
    assert plan.candidates[9].record.title == "A Survey of Large Language Models"


def test_a_bib_file_keeps_the_text_between_entries_as_comments():
    plan = importing.build(bib_text=MIXED_PASTE)
    assert [c.entry for c in plan.candidates] == [
        "mixtral (line 9)",
        "attention (line 11)",
        "letter (line 12)",
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("张, 三", "张三"),
        ("{张三}", "张三"),
        ("张三", "张三"),
        ("张 三", "张三"),
        ("欧阳, 修文", "欧阳修文"),
        ("张\uff0c三", "张三"),  # a full-width comma
        ("Li, Si", "Si Li"),
        ("Zhao, Wayne Xin", "Wayne Xin Zhao"),
        ("van der Berg, Jan", "Jan van der Berg"),
        ("King, Jr, Martin Luther", "Martin Luther King Jr"),
        ("Li, Si, Jr, X", "Li, Si, Jr, X"),  # too many commas: as written
    ],
)
def test_bibtex_names_chinese_authors_family_name_first(written, expected):
    (entry,) = bibtex.parse(f"@misc{{x, title = {{T}}, author = {{{written} and others}}}}")
    assert entry.record.authors == [expected, "et al."]


def test_chinese_bibtex_authors_are_stored_family_name_first():
    plan = importing.build("@misc{zh, title = {大语言模型综述}, author = {张, 三 and Li, Si}}")
    assert plan.candidates[0].record.authors == ["张三", "Si Li"]
    (paper,) = importing.save(plan)
    assert paper.authors == "张三, Si Li"
    assert paper.author_list == ["张三", "Si Li"]


def test_a_braced_group_stays_one_author_once_saved_cited_and_exported():
    """ "{Meta AI, FAIR} and Hugo Touvron" was two names in the preview, and three once
    saved ("Meta AI, FAIR, Hugo Touvron"): in the page's meta tags, the BibTeX and the
    CSL-JSON, and in the citation key."""
    text = "@misc{k, title={Llama Two}, author={{Meta AI, FAIR} and Hugo Touvron}, year=2023}"
    (paper,) = importing.save(importing.build(bib_text=text))
    assert paper.authors == "{Meta AI, FAIR}, Hugo Touvron"
    assert paper.author_list == ["Meta AI, FAIR", "Hugo Touvron"]
    assert paper.authors_shown == "Meta AI, FAIR, Hugo Touvron"
    assert paper.citation_key == "metaLlamaTwo2023"
    assert "author = {{Meta AI, FAIR} and Hugo Touvron}" in citations.to_bibtex([paper])
    assert citations.to_csl_json([paper])[0]["author"] == [
        {"literal": "Meta AI, FAIR"},
        {"family": "Touvron", "given": "Hugo"},
    ]


def test_save_adds_all_or_nothing(recorded_services):
    user = UserFactory()
    plan = importing.build("2303.18223 hep-th/9711200 1810.04805")
    signed = plan.dumps()
    PaperFactory(arxiv_id="1810.04805")  # someone adds BERT meanwhile
    with pytest.raises(importing.Conflict):
        importing.save(importing.Plan.loads(signed), user, chosen={0, 1, 2})
    assert not Paper.objects.filter(arxiv_id="2303.18223").exists()
    plan = importing.Plan.loads(signed)
    assert [c.status for c in plan.candidates] == ["new", "new", "existing"]
    added = importing.save(plan, user)
    survey, maldacena = added
    assert (survey.arxiv_id, survey.arxiv_version, survey.year, survey.month) == (
        "2303.18223",
        15,
        2023,
        3,
    )
    assert (survey.added_by, survey.provenance, survey.venue) == (user, "arxiv", "arXiv preprint")
    assert survey.categories == "cs.CL cs.AI"
    assert survey.author_list[0] == "Wayne Xin Zhao"
    assert survey.slug == "a-survey-of-large-language-models"
    assert survey.citation_key == "zhaoSurveyLargeLanguage2023"
    assert maldacena.doi == "10.1023/a:1026654312961"  # the journal DOI beside the arXiv ID
    assert maldacena.venue == "Adv.Theor.Math.Phys.2:231-252,1998"


def test_saved_bibtex_topics_become_tags():
    plan = importing.build(bib_text=(RECORDED / "tricky.bib").read_text())
    importing.save(plan)
    paper = Paper.objects.get(arxiv_id="2403.01234")
    assert sorted(tag.name for tag in paper.tags.all()) == ["GPT", "German", "evaluation"]
    assert paper.provenance == "bibtex"


def test_chinese_keywords_are_split_at_full_width_separators():
    """A Chinese input method types "，" "；" and "、": "大模型，综述；对齐" was one topic."""
    text = "@misc{k, title={综述}, keywords={大模型，综述；对齐、评测, LLM; 大模型}}"
    assert bibtex.parse(text)[0].record.topics == ["大模型", "综述", "对齐", "评测", "LLM"]


def test_refresh_updates_to_a_new_version_and_keeps_history(recorded_services):
    importing.save(importing.build("2303.18223"))
    paper = Paper.objects.get(arxiv_id="2303.18223")
    assert importing.refresh([paper]).current == [paper]
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    result = importing.refresh([paper])
    assert result.updated == [paper]
    paper.refresh_from_db()
    assert paper.arxiv_version == 16
    assert paper.comment.endswith("v16 adds the o1 and DeepSeek-R1 sections")
    assert (paper.year, paper.month) == (2023, 3)  # the first version's
    assert [h.arxiv_version for h in paper.history.order_by("history_date")] == [15, 16]


def test_a_refresh_keeps_an_edit_saved_while_it_waited_for_arxiv(recorded_services, monkeypatch):
    """The refresh saved the papers it had read before asking arXiv (seconds, in turn
    with the site's other requests): an organiser's Chinese summary saved meanwhile was
    lost."""
    importing.save(importing.build("2303.18223"))
    paper = Paper.objects.get(arxiv_id="2303.18223")
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    ask = arxiv.fetch

    def slow_fetch(ids):
        answer = ask(ids)
        Paper.objects.filter(pk=paper.pk).update(summary_zh="组织者刚写的中文摘要", revision=5)
        return answer

    monkeypatch.setattr(arxiv, "fetch", slow_fetch)
    assert [p.pk for p in importing.refresh([paper]).updated] == [paper.pk]
    paper.refresh_from_db()
    assert (paper.summary_zh, paper.arxiv_version, paper.revision) == (
        "组织者刚写的中文摘要",
        16,
        6,
    )


def test_a_refresh_keeps_what_an_organiser_edited_and_says_so(recorded_services):
    """A refresh wrote every value arXiv gave over the paper: an organiser's title and
    summary were lost to the next version. It writes a value only where the paper still
    holds what its import gave it."""
    importing.save(importing.build("2303.18223"))
    paper = Paper.objects.get(arxiv_id="2303.18223")
    arxivs_title = paper.title_en
    paper.title_en = "A Survey of Large Language Models (curated)"
    paper.summary_en = "The organiser's own summary."
    paper.save()
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    with translation.override("en"):
        result = importing.refresh([paper])
    paper.refresh_from_db()
    assert result.updated == [paper]
    assert paper.title_en == "A Survey of Large Language Models (curated)"
    assert paper.summary_en == "The organiser's own summary."
    assert paper.comment.endswith("v16 adds the o1 and DeepSeek-R1 sections")  # as imported
    assert paper.arxiv_version == 16
    assert result.notes == [
        "2303.18223: title (English), summary (English) kept: edited since the paper was "
        "imported, or not imported."
    ]
    # The next refresh still knows the kept title for the organiser's, not arXiv's.
    given = importing.given_by_imports(paper)
    assert (given["title_en"], given["comment"]) == (arxivs_title, paper.comment)


def test_a_paper_without_a_version_is_compared_value_by_value(recorded_services):
    """A paper without an arXiv version (the demo's) counted as out of date, and its
    first refresh replaced its curated title with arXiv's."""
    importing.save(importing.build("2303.18223"))
    Paper.objects.filter(arxiv_id="2303.18223").update(arxiv_version=None)
    imported = Paper.objects.get(arxiv_id="2303.18223")
    result = importing.refresh([imported])
    assert (result.updated, result.current) == ([], [imported])
    imported.refresh_from_db()
    assert imported.arxiv_version == 15
    curated = Paper.objects.create(
        slug="attention", title_en="Attention Is All You Need (curated)", arxiv_id="1706.03762"
    )
    importing.refresh([curated])
    curated.refresh_from_db()
    assert curated.title_en == "Attention Is All You Need (curated)"
    assert curated.authors.startswith("Ashish Vaswani")  # empty, so filled


def test_bibtex_as_other_tools_write_it():
    text = r"""
@string{nat = {Nature}}
@article{s2, title = {Mixtral of Experts}, journal = {ArXiv}, volume = {abs/2401.04088},
  year = {2024}}
@article{dblp, title = {Attention is All you Need}, journal = {CoRR},
  volume = {abs/1706.03762}, year = {2017}, eprinttype = {arXiv}, eprint = {1706.03762}}
@online{biblatex, title = {Z}, date = {2023-03-31}, journaltitle = nat,
  eprintclass = {cs.CL}, eprint = {2303.00001}, eprinttype = {arxiv}}
@article{same, title = {First {\"U}ber}, journal = nat}
@article{same, title = {Second {\"U}ber}, journal = nat}
@misc{twice, title = {Twice}, url = {http://example.org},
  url = {https://arxiv.org/abs/2303.18223v2}}
"""
    entries = bibtex.parse(text)
    assert [(e.key, e.record.arxiv_id) for e in entries] == [
        ("s2", "2401.04088"),
        ("dblp", "1706.03762"),
        ("biblatex", "2303.00001"),
        ("same", ""),
        ("same", ""),
        ("twice", "2303.18223"),
    ]
    biblatex = entries[2].record
    assert (biblatex.year, biblatex.month, biblatex.venue, biblatex.primary_category) == (
        2023,
        3,
        "Nature",
        "cs.CL",
    )
    assert [e.record.title for e in entries[3:5]] == ["First Über", "Second Über"]
    assert entries[4].record.venue == "Nature"  # the repeated key's entry, read as the others


def test_bibtex_joins_the_parts_of_a_concatenation():
    """bibtexparser 2 resolves a macro that is a whole value: "Part " # "Two" was kept as
    written, quotes, "#" and all, and so was a macro joined to text."""
    text = """@string{acl = "Proc. of ACL"}
@string{full = "In " # acl}
@inproceedings{a, title = "Part " # "Two", booktitle = "In " # acl, year = 2023,
  author = "Jane Doe" # " and John Roe", month = jan # "~1"}
@article{b, title = {C# } # "in {D}epth", journal = full, note = "C# stays"}"""
    first, second = [entry.record for entry in bibtex.parse(text)]
    assert (first.title, first.venue, first.authors) == (
        "Part Two",
        "In Proc. of ACL",
        ["Jane Doe", "John Roe"],
    )
    assert first.month == 1
    assert (second.title, second.venue) == ("C# in Depth", "In Proc. of ACL")


def test_a_crossref_gives_the_paper_its_volumes_year_and_venue():
    """A paper of a conference's proceedings and the volume it names by crossref were two
    new papers: the volume one of its own, the paper one without a year or venue."""
    text = """@inproceedings{child, author = {Ann Bee}, title = {A Child Paper},
  crossref = {Conf}}
@inproceedings{own, author = {Cy Dee}, title = {Its Own Venue}, booktitle = {Workshop},
  crossref = {conf}}
@proceedings{conf, editor = {Ed Itor}, title = {Proceedings of {ACL} 2023}, year = {2023},
  month = jul, doi = {10.5555/volume}}
@proceedings{alone, title = {A Volume No Entry Names}, year = 2020}"""
    with translation.override("en"):
        plan = importing.build(bib_text=text)
    assert [c.status for c in plan.candidates] == ["new", "new", "invalid", "new"]
    child, own = plan.candidates[0].record, plan.candidates[1].record
    assert (child.year, child.month, child.venue, child.doi) == (
        2023,
        7,
        "Proceedings of ACL 2023",
        "",
    )
    assert (own.year, own.venue) == (2023, "Workshop")
    assert plan.candidates[2].reason.startswith("A volume that other entries of the file name")


def test_bibtex_decode_falls_back_for_old_files():
    assert bibtex.decode("Müller".encode("cp1252")) == "Müller"
    # Windows-1252 reads as GB18030 where an accented letter comes before a letter.
    assert bibtex.decoded("Müller, Gödel, naïve".encode("cp1252")) == (
        "Müller, Gödel, naïve",
        "cp1252",
    )
    assert bibtex.decoded("{赵, 鑫} and {朱镕基}：综述".encode("gbk")) == (
        "{赵, 鑫} and {朱镕基}：综述",
        "gb18030",
    )
    assert bibtex.decode("\ufeff@misc{a}".encode()) == "@misc{a}"
    with pytest.raises(ValueError):
        bibtex.decode(b"PK\x03\x04\x00\x00")


NUL_BIBTEX = (
    "@article{nul\x00key, title = {Null\x00 Characters}, author = {Love\x00lace, Ada and Li, Si},"
    "\n  abstract = {An\x00 abstract.}, journal = {Odd\x00 Journal}, year = {20\x0024},"
    "\n  doi = {10.5555/bib\x00tex}, keywords = {n\x00ul, odd}}\n"
)


def test_nul_characters_are_dropped_from_every_text_value(recorded_services):
    """PostgreSQL's text cannot hold a NUL: a paper whose BibTeX or doi.org answer had
    one in a value failed its insert there (a 500 on confirming), and a pasted
    identifier with one was refused. A NUL is never meaningful text: it is dropped."""
    plan = importing.build(NUL_BIBTEX + "10.5555/nul-characters\n1706.03\x00762")
    assert [(c.entry, c.status) for c in plan.candidates] == [
        ("nulkey (line 1)", "new"),
        ("10.5555/nul-characters", "new"),
        ("1706.03762", "new"),
    ]
    papers = importing.save(importing.Plan.loads(plan.dumps()))
    values = [
        (p.title_en, p.authors, p.summary_en, p.venue, p.year, p.doi, p.arxiv_id) for p in papers
    ]
    assert values[:2] == [
        ("Null Characters", "Ada Lovelace, Si Li", "An abstract.", "Odd Journal", 2024,
         "10.5555/bibtex", None),
        ("Null Characters in Metadata", "Ada Lovelace", "An abstract with a NUL in it.",
         "Journal of Odd Answers", 2024, "10.5555/nul-characters", None),
    ]  # fmt: skip
    assert sorted(tag.name for tag in papers[0].tags.all()) == ["nul", "odd"]
    assert papers[1].url == "https://doi.org/10.5555/nul-characters"
    assert papers[2].title_en == "Attention Is All You Need"


def test_a_bib_file_with_a_stray_nul_is_read_and_a_binary_one_is_not():
    """Any file with a NUL was refused as not a text file, every entry of it lost."""
    assert bibtex.decode(b"@misc{a, title = {A\x00B}}") == "@misc{a, title = {A\x00B}}"
    for binary in (b"PK\x03\x04\x00\x00", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00"):
        with pytest.raises(ValueError):
            bibtex.decode(binary)


def test_a_chinese_title_is_the_chinese_one():
    record = Record(title="大语言模型综述", authors=["赵鑫"], year=2023)
    paper = importing.create_paper(record)
    assert (paper.title_zh, paper.title_en) == ("大语言模型综述", "")
    assert dedupe.find_existing([Record(title="大语言模型综述", year=2023)]) == [paper]


def test_identifiers_typed_full_width_are_read_as_typed_half_width(recorded_services):
    """A Chinese input method types digits, dots, colons and commas full width."""
    plan = importing.build(
        "ａｒＸｉｖ：２３０３．１８２２３，１７０６．０３７６２、１０．１１４５／３６０５９４３"
    )
    assert [(c.kind, c.lookup) for c in plan.candidates] == [
        ("arxiv", "2303.18223"),
        ("arxiv", "1706.03762"),
        ("doi", "10.1145/3605943"),
    ]
    assert all(c.status == "new" for c in plan.candidates)


def test_an_arxiv_id_field_takes_a_full_width_id():
    from papers.identifiers import normalize_arxiv_id

    assert normalize_arxiv_id("２３０３．１８２２３") == "2303.18223"


def test_an_arxiv_id_of_this_month_is_one_and_of_the_next_is_not_yet():
    today = datetime.date(2026, 12, 6)
    assert identifiers.arxiv_id_problem("2612.00001", today) == ""
    assert "2701.00001 is not an arXiv ID yet" in identifiers.arxiv_id_problem("2701.00001", today)
    assert identifiers.arxiv_id_problem("0704.0001", today) == ""
    assert identifiers.arxiv_id_problem("Attention is all you need", today) == ""
    assert identifiers.arxiv_id_problem("hep-th/9901001", today) == ""


@pytest.mark.django_db
def test_the_admin_refuses_an_arxiv_id_of_a_month_to_come():
    paper = PaperFactory.build(arxiv_id="9912.12345")
    with pytest.raises(ValidationError) as refused:
        paper.full_clean()
    assert "9912.12345 is not an arXiv ID yet" in refused.value.message_dict["arxiv_id"][0]


SUPERSCRIPT_YEAR = "@misc{sup, title = {Superscript}, year = {²⁰²³}, month = {¹²}}"


def test_digits_that_int_refuses_are_read_in_nfkc_form():
    """str.isdigit() takes ²⁰²³, int() refuses it: the import stopped with a traceback."""
    (entry,) = bibtex.parse(SUPERSCRIPT_YEAR)
    assert (entry.record.year, entry.record.month) == (2023, 12)
    (entry,) = bibtex.parse("@misc{wide, title = {Wide}, year = {２０２３}}")
    assert entry.record.year == 2023
    (entry,) = bibtex.parse("@misc{other, title = {Other}, year = {٢٠٢٣}}")
    assert entry.record.year is None  # digits of another script: no year, not a guess
    feed = (
        '<entry xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/abs/2401.00001v1</id>'
        "<published>²⁰²⁴-⁰¹-02T00:00:00Z</published><title>T</title></entry>"
    )
    record = arxiv.parse_entry(ET.fromstring(feed))
    assert (record.year, record.month) == (2024, 1)
    record = doi.parse_csl({"title": "T", "issued": {"date-parts": [["²⁰²⁴", "⁰⁹"]]}})
    assert (record.year, record.month) == (2024, 9)


@pytest.mark.parametrize(
    "odd",
    [
        {"DOI": 12345},
        {"author": [{"given": 1, "family": "Hou"}]},
        {"author": ["Xinyi Hou"]},
        {"author": 5},
        {"issued": {"date-parts": 5}},
        {"issued": {"date-parts": [2024, 9]}},
        {"issued": "2024-09-20"},
        {"container-title": {"en": "ACM"}},
        {"URL": 7},
    ],
)
def test_csl_json_of_odd_types_is_said_to_be_no_csl_json(odd):
    """A number where CSL-JSON has text, a date that is no list: a 500, where doi.org's
    other odd answers get this message."""
    with pytest.raises(ServiceError, match="doi.org answered something that is not CSL-JSON"):
        doi.parse_csl({"title": "T", **odd})


def test_an_answer_of_odd_types_is_that_dois_alone(recorded_services):
    """One DOI's odd answer left every DOI after it "not looked up", as if doi.org had
    not answered at all: it is said on its own row, and the others are asked for."""
    plan = importing.build(
        "10.5555/odd-types 10.1145/3605943 2303.18223\nhttps://doi.org/10.18653/v1/2023.acl-long.1"
    )
    assert plan.errors == []
    assert [(c.status, c.reason) for c in plan.candidates] == [
        ("invalid", "doi.org answered something that is not CSL-JSON."),
        ("new", ""),
        ("new", ""),
        ("new", ""),
    ]
    asked = [path for path, _query, _time in recorded_services.requests if "/doi/" in path]
    assert len(asked) == 3


def test_an_html_page_for_a_doi_is_that_dois_alone_too(recorded_services, settings):
    """A page where CSL-JSON was asked for (a DOI doi.org sends to its landing page)."""
    recorded_services.point(settings, recorded_services.url + "/garbage")
    plan = importing.build("10.1145/3605943 10.18653/v1/n19-1423")
    assert plan.errors == []
    assert [c.reason for c in plan.candidates] == [
        "doi.org answered something that is not CSL-JSON."
    ] * 2


def test_an_odd_answer_for_a_doi_in_the_library_says_the_paper_is_there(recorded_services):
    held = PaperFactory(arxiv_id=None, doi="10.5555/odd-types")
    plan = importing.build("10.5555/odd-types")
    ((status, reason, existing),) = [(c.status, c.reason, c.existing) for c in plan.candidates]
    assert (status, reason, existing) == (
        "existing",
        "doi.org answered something that is not CSL-JSON.",
        held,
    )


def test_doi_org_failing_still_stops_the_rest(recorded_services, settings):
    recorded_services.point(settings, recorded_services.url + "/hang")
    plan = importing.build("10.5555/odd-types 10.1145/3605943 10.18653/v1/n19-1423")
    assert plan.errors == ["doi.org did not answer within 1 seconds; try again later."]
    assert [c.reason for c in plan.candidates] == [
        "Not looked up: doi.org did not answer (see above)."
    ] * 3
    assert len([path for path, _q, _t in recorded_services.requests if "/doi/" in path]) == 1


REFUSED_VALUES = r"""
@misc{late, title = {Year Nine}, year = {9999}, url = {https://exa mple.org/<script>}}
@misc{early, title = {Year Zero}, year = {0000}, doi = {10.1145/3605943}}
@misc{archive, title = {Long Archive}, year = {2001},
  eprint = {averyveryveryverylongarchivename/0101001}}
@misc{version, title = {Huge Version}, eprint = {2303.18223v99999999999999999999}}
"""


def test_values_the_model_refuses_are_left_out_with_a_note():
    """A year of 9999 or 0, a URL with a space, an arXiv ID longer than its column, a
    version beyond its range: stored as found, the paper could not be saved in the admin
    (on PostgreSQL the insert itself failed). The rest of each entry is kept."""
    latest = datetime.date.today().year + 1
    plan = importing.build(bib_text=REFUSED_VALUES)
    assert [c.status for c in plan.candidates] == ["new"] * 4
    assert [c.notes for c in plan.candidates[:3]] == [
        [
            f"The year “9999” is left out: Enter a year no later than {latest}.",
            "The URL “https://exa mple.org/<script>” is left out: Enter a valid URL.",
        ],
        [
            "The year “0” is left out: Ensure this value is greater than or equal to 1900.",
        ],
        [
            "The arXiv ID “averyveryveryverylongarchivename/0101001” is left out: Ensure "
            "this value has at most 32 characters (it has 40)."
        ],
    ]
    (version,) = plan.candidates[3].notes  # the column's range is the database's
    assert version.startswith(
        "The arXiv version “99999999999999999999” is left out: Ensure this value is less "
        "than or equal to "
    )
    papers = importing.save(importing.Plan.loads(plan.dumps()))
    for paper in papers:
        paper.full_clean()  # as the admin's form would
    assert [(p.title, p.year, p.url, p.arxiv_id, p.arxiv_version) for p in papers] == [
        ("Year Nine", None, "", None, None),
        ("Year Zero", None, "", None, None),
        ("Long Archive", 2001, "", None, None),
        ("Huge Version", None, "", "2303.18223", None),
    ]
    assert papers[1].doi == "10.1145/3605943"


def test_a_year_doi_org_gives_beyond_the_column_is_left_out():
    """99999 overflowed PostgreSQL's smallint: a 500 on adding the paper."""
    record = doi.parse_csl({"title": "T", "issued": {"date-parts": [[99999, 1]]}})
    paper = importing.create_paper(record)
    paper.full_clean()
    assert (paper.year, paper.month) == (None, 1)


def test_entries_beyond_the_limit_are_not_read(monkeypatch):
    """Every entry of a file was parsed and decoded before the limit was applied: 20,000
    small entries, within the 2 MB an upload may be, took most of a minute to preview."""
    read = []
    monkeypatch.setattr(bibtex, "to_record", lambda fields: read.append(fields) or (None, "x"))
    text = "@string{j = {J}}\n" + "".join(f"@misc{{k{i}, title = {{T{i}}}}}\n" for i in range(1000))
    plan = importing.build("@misc{pasted, title = {Pasted}}\n2303.1822x", bib_text=text, limit=3)
    assert len(read) == 3  # the pasted entry and two of the file: one more than the limit
    assert [c.entry for c in plan.candidates] == ["pasted (line 1)", "2303.1822x", "k0 (line 2)"]
    assert plan.errors == ["At most 3 entries at a time; the first 3 are shown."]
    assert [entry.key for entry in bibtex.parse(text, 2)] == ["k0", "k1"]


def test_an_at_sign_within_a_field_is_no_entry_to_the_cap():
    """The cap counted "@home{x}" in a title as an entry, and cut the file short: of 150
    entries, 67 were read, and nothing said so."""
    text = "\n".join(
        f"@article{{k{n}, title = {{Me@home{{x}} and @misc(y) {n}}}}}" for n in range(150)
    )
    assert len(bibtex.parse(text, 200)) == 150
    assert [entry.key for entry in bibtex.parse(text, 3)] == ["k0", "k1", "k2"]
    # In round brackets, and entry types the parser reads (digits, underscores) counted.
    odd = "@a1(k0, title = {x)y})\n@misc_x{k1, title = {z}}\n@string{s = {@b{c}}}\n@misc{k2}"
    assert [entry.key for entry in bibtex.parse(odd, 2)] == ["k0", "k1"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("arXiv: 2401.00001", [("arxiv", "2401.00001")]),
        ("arXiv 2401.00001", [("arxiv", "2401.00001")]),
        ("ARXIV hep-th/9711200", [("arxiv", "hep-th/9711200")]),
        ("DOI: 10.1145/3605943", [("doi", "10.1145/3605943")]),
        ("doi 10.1145/3605943", [("doi", "10.1145/3605943")]),
        ("2401.12345.", [("arxiv", "2401.12345")]),
        ("(2401.12345)", [("arxiv", "2401.12345")]),
        ("[2401.12345]", [("arxiv", "2401.12345")]),
        ("(arXiv: 2401.12345).", [("arxiv", "2401.12345")]),
        ("(10.1145/3605943)", [("doi", "10.1145/3605943")]),
        ("10.1016/0010-0277(88)90032-8", [("doi", "10.1016/0010-0277(88)90032-8")]),
        ("(10.1016/S0140-6736(20)30183-5)", [("doi", "10.1016/s0140-6736(20)30183-5")]),
        ("(10.1016/S0140-6736(20)30183-5).", [("doi", "10.1016/s0140-6736(20)30183-5")]),
        ("“2401.00001”", [("arxiv", "2401.00001")]),
        ("arXiv", [("", "")]),  # a prefix alone is still answered
    ],
)
def test_pasted_identifiers_with_a_prefix_apart_or_in_brackets(text, found):
    """A prefix apart ("arXiv: 2401.00001") was a row of its own; "(2401.12345)" was refused."""
    candidates = [importing.identify(part) for part in importing.split_entries(text)]
    assert [(c.kind, c.lookup) for c in candidates] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2303.18223\u200b", [("arxiv", "2303.18223")]),  # a zero-width space after it
        ("\ufeff2303.18223", [("arxiv", "2303.18223")]),  # a byte order mark
        ("https://arxiv.org/abs/2303.\u200b18223", [("arxiv", "2303.18223")]),
        ("\u200e10.1145/3605943\u200f", [("doi", "10.1145/3605943")]),  # direction marks
        ("2303.18223\u200b 2201.11903", [("arxiv", "2303.18223"), ("arxiv", "2201.11903")]),
    ],
)
def test_invisible_signs_in_a_pasted_identifier_are_dropped(text, found):
    """An identifier copied with a sign that shows nothing (a page breaks long links with
    zero-width spaces) was refused as "Not an arXiv ID, arXiv link or DOI"."""
    candidates = [importing.identify(part) for part in importing.split_entries(text)]
    assert [(c.kind, c.lookup) for c in candidates] == found


SICI = "10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>3.0.CO;2-N"
SICI_DOI = SICI.lower()
AMS = "10.1175/1520-0469(1998)055<0041:TSOTUS>2.0.CO;2"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (SICI, [SICI]),
        (AMS, [AMS]),
        (f"doi:{SICI}.", [f"doi:{SICI}"]),
        (f"({SICI});", [SICI]),
        (f"{SICI}; 2401.00001", [SICI, "2401.00001"]),
        (f"{SICI};10.1145/3605943", [SICI, "10.1145/3605943"]),
        (f"{AMS};{SICI}", [AMS, SICI]),
        ("10.1/a;10.2/b", ["10.1/a", "10.2/b"]),
        ("2401.00001; 2401.00002", ["2401.00001", "2401.00002"]),
        ("2401.00001;2401.00002;", ["2401.00001", "2401.00002"]),
        ("2401.00001;hep-th/9901001", ["2401.00001", "hep-th/9901001"]),
        ("2401.00001;arXiv:2401.00002", ["2401.00001", "arXiv:2401.00002"]),
        (
            "10.1145/3605943;https://doi.org/10.1145/3",
            ["10.1145/3605943", "https://doi.org/10.1145/3"],
        ),
        ("2401.00001;(2401.00002)", ["2401.00001", "2401.00002"]),
    ],
)
def test_a_semicolon_within_a_doi_does_not_split_it(text, found):
    """A SICI DOI holds a ";" (…3.0.CO;2-N), where a paste was split: into a DOI that
    names nothing and a row "2-N" that cannot be added. A ";" splits a paste before a
    space, its end or another identifier."""
    assert importing.split_entries(text) == found


def test_a_sici_doi_is_asked_for_whole(recorded_services):
    plan = importing.build(f"{SICI}; {AMS}.")
    assert [(c.kind, c.lookup) for c in plan.candidates] == [
        ("doi", SICI_DOI),
        ("doi", AMS.lower()),
    ]
    assert normalize_doi(f"https://doi.org/{SICI};") == SICI_DOI
    assert normalize_doi(f"{AMS}.") == AMS.lower()
    asked = [unquote(path) for path, _query, _time in recorded_services.requests]
    assert asked == [f"/doi/{SICI_DOI}", f"/doi/{AMS.lower()}"]
    assert plan.candidates[0].reason == f"doi.org knows no DOI {SICI_DOI}."


@pytest.mark.parametrize(
    "written",
    [
        "math.gt/0309136",
        "math.GT/0309136",
        "MATH.Gt/0309136v2",
        "arXiv:math.gt/0309136",
        "math/0309136",
        "https://arxiv.org/abs/math.GT/0309136v1",
    ],
)
def test_an_old_style_id_is_stored_without_its_subject_class(written):
    """math.GT/0309136 and math/0309136 (the form arXiv's API gives) were two identifiers
    of one paper: it could be added twice, and neither was found under the other. The
    subject class is no part of what names an old-style paper."""
    assert identifiers.normalize_arxiv_id(written) == "math/0309136"
    assert importing.identify(written).lookup == "math/0309136"


def test_an_old_style_subject_class_with_a_hyphen_is_left_out_too():
    assert identifiers.normalize_arxiv_id("PHYSICS.AO-PH/0101001") == "physics/0101001"
    assert identifiers.normalize_arxiv_id("cond-mat.str-el/0101001v2") == "cond-mat/0101001"
    assert identifiers.normalize_arxiv_id("q-bio.NC/0401001") == "q-bio/0401001"


def test_an_old_style_paper_is_one_paper_whichever_way_it_is_written(recorded_services):
    """Pasted, in a BibTeX entry's eprint, journal or URL, or from arXiv's answer: one ID."""
    plan = importing.build(
        "math.GT/0309136\n"
        "@misc{eprint, title = {A}, eprint = {math.GT/0309136}, archivePrefix = {arXiv}}\n"
        "@misc{journal, title = {B}, journal = {arXiv preprint physics.ao-ph/0101001}}\n"
        "@misc{link, title = {C}, url = {https://arxiv.org/abs/cond-mat.str-el/0101002v3}}\n"
    )
    assert [(c.kind, c.lookup or c.record.arxiv_id) for c in plan.candidates] == [
        ("arxiv", "math/0309136"),
        ("bibtex", "math/0309136"),
        ("bibtex", "physics/0101001"),
        ("bibtex", "cond-mat/0101002"),
    ]
    assert [call["id_list"] for call in recorded_services.api_calls()] == ["math/0309136"]
    assert plan.candidates[0].record.title == "Knots and Their Old-Style Identifiers"
    assert [c.status for c in plan.candidates[:2]] == ["new", "repeat"]
    (paper, *_rest) = importing.save(plan)
    assert (paper.arxiv_id, paper.primary_category) == ("math/0309136", "math.GT")
    again = importing.build(
        "arXiv:math.gt/0309136v1\n@misc{d, title = {D}, eprint = {math/0309136}}"
    )
    assert [(c.status, c.existing) for c in again.candidates] == [
        ("existing", paper),
        ("existing", paper),
    ]


def test_a_sentence_between_bibtex_entries_is_one_refused_row(recorded_services):
    """Text between BibTeX entries is read as identifiers; a sentence there was a row a
    word ("this", "is", "garbage" …), each refused alike. Its words are one row, the
    identifiers among them their own, and an attempt at one keeps its own row."""
    text = (
        "@article{one, title={One}, year={2023}}\n"
        "this is garbage text, not bibtex at all 2303.18223 and then arxiv:abcd\n"
        "@article{two, title={Two}, year={2023}}\n"
    )
    plan = importing.build(text)
    assert [(c.entry, c.kind) for c in plan.candidates] == [
        ("one (line 1)", "bibtex"),
        ("this is garbage text not bibtex at all", ""),
        ("2303.18223", "arxiv"),
        ("and then", ""),
        ("arxiv:abcd", ""),
        ("two (line 3)", "bibtex"),
    ]
    long = importing.build("@article{one, title={One}}\n" + "word " * 40)
    assert len(long.candidates) == 2 and long.candidates[1].entry.endswith("word…")
    assert len(long.candidates[1].entry) == importing.PROSE_SHOWN


def test_a_paste_is_read_no_further_than_its_cap(monkeypatch):
    """Words beyond the cap are not read: a paste of the largest size (500,000 characters)
    took seconds when each of its words was identified before the list was cut."""
    read = []
    identify = importing.identify
    monkeypatch.setattr(importing, "identify", lambda part: read.append(part) or identify(part))
    rows = importing.pasted("x1 " * 5000, most=201)
    assert len(rows) == 201 and len(read) <= 202


def huge_entry(value):
    return "@article{k6, title={Huge}, author={A, B}, year={2023}, abstract={" + value + "}}\n"


@pytest.fixture
def decoded(monkeypatch):
    """The values pylatexenc is asked to decode, in order."""
    asked = []
    decode = bibtex.DECODER.latex_to_text
    monkeypatch.setattr(
        bibtex.DECODER, "latex_to_text", lambda text: asked.append(text) or decode(text)
    )
    return asked


def test_a_field_longer_than_any_real_one_is_refused_before_it_is_decoded(decoded):
    """One abstract of 2 MB, within what an upload may be, took 67 seconds to decode (a
    run of plain text costs pylatexenc the square of its length): the worker was stopped
    and the member saw a 502."""
    plan = importing.build(bib_text=huge_entry(r"\emph{Long} " + "x" * 2_090_000) + GOOD)
    huge, fine = plan.candidates
    assert (huge.entry, huge.status, huge.reason) == (
        "k6 (line 1)",
        "invalid",
        "This entry cannot be read: the field “abstract” has 2,090,012 characters, and a "
        "field may have at most 50,000",
    )
    assert (fine.status, fine.record.title) == ("new", "Fine")
    assert decoded == []  # neither the huge entry nor a title without LaTeX
    (longest,) = bibtex.parse(huge_entry("x" * bibtex.MAX_FIELD))  # read, then cut
    assert len(longest.record.abstract) == bibtex.MAX_ABSTRACT


def test_only_the_fields_read_and_only_values_with_latex_are_decoded(decoded):
    """Every field was decoded, a Zotero "file" or a JabRef "comment" too, and text
    without LaTeX as well, at some microseconds a character."""
    text = (
        r"@article{a, title = {Plain title}, author = {M{\"u}ller, J.},"
        "\n  abstract = {A plain abstract: state-of-the-art, it's 2x! [1]},"
        "\n  file = {" + "y" * 60_000 + r"}, comment = {\emph{unread}}}"
    )
    (entry,) = bibtex.parse(text)
    assert decoded == [r"M{\"u}ller"]  # of the name's parts, the one with LaTeX
    assert (entry.record.title, entry.record.authors) == ("Plain title", ["J. Müller"])
    assert entry.record.abstract == "A plain abstract: state-of-the-art, it's 2x! [1]"


@pytest.mark.parametrize(
    "plain",
    [
        "Plain text: state-of-the-art, it's a 'quote' - and `one` [1] (2) <3> * @ = 1 + 2!",
        "中文标题：大语言模型 — 综述 “引号” ‘单引号’ ü é ß",
        "lines\n\nand\ttabs  and  spaces \r\n end ",
        "a-b ! ? ` ' ; | / \" , .",
    ],
)
def test_text_without_latex_is_what_pylatexenc_gives_back(plain):
    """What leaving such text undecoded rests on."""
    assert not bibtex.LATEX.search(plain)
    assert bibtex.DECODER.latex_to_text(plain) == plain


def test_latex_beyond_what_one_import_decodes_is_not_read(monkeypatch):
    """A 2 MB upload of dense LaTeX, 200 entries of 10,000 characters, each field within
    bounds, took 20 seconds to decode; the site decodes at most MAX_DECODED characters of
    LaTeX an import. An entry without LaTeX costs nothing, and the commands (no limit)
    decode all."""
    monkeypatch.setattr(bibtex, "MAX_DECODED", 100)  # "one" costs 89 (bibtex.cost)
    latex = r"@misc{%s, title = {\emph{%s}}, abstract = {%s}}" + "\n"
    text = latex % ("one", "One", r"x\& " * 10) + latex % ("two", "Two", r"y\& " * 10)
    text += "@misc{three, title = {Three}}\n" + latex % ("four", "4", "")
    plan = importing.build(text)
    assert [(c.entry, c.status) for c in plan.candidates] == [
        ("one (line 1)", "new"),
        ("two (line 2)", "invalid"),
        ("three (line 3)", "new"),
        ("four (line 4)", "invalid"),
    ]
    assert plan.candidates[1].reason == (
        "Not read: the entries before it hold as much LaTeX as one import decodes "
        "(100 characters); add this one in another import."
    )
    assert [c.status for c in importing.build(bib_text=text, limit=None).candidates] == ["new"] * 4


def test_a_huge_field_is_named_in_chinese():
    with translation.override("zh-hans"):
        (huge,) = bibtex.parse(huge_entry("x\\& " * 15_000))
    assert huge.error == (
        "无法读取这个条目：字段“abstract”长达 60,000 个字符，超出了每个字段最多 50,000 个字符的上限"
    )


@pytest.mark.parametrize(
    "content",
    [
        "@misc{ü, title = {大语言模型 Über}}\n".encode("utf-16"),  # with the mark, as Notepad
        codecs.BOM_UTF16_BE + "@misc{ü, title = {大语言模型 Über}}\n".encode("utf-16-be"),
        "@misc{ü, title = {大语言模型 Über}}\n".encode("utf-32"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le"],
)
def test_a_utf16_or_utf32_file_with_a_byte_order_mark_is_read(content):
    """Windows' Notepad saves "Unicode" as UTF-16 with a byte order mark: it was refused
    as not a text file (it has NULs)."""
    assert bibtex.decode(content) == "@misc{ü, title = {大语言模型 Über}}\n"


MOSTLY_CHINESE = (
    "@article{zhang2023,\n  title = {大语言模型的对齐方法综述：从人类反馈强化学习到直接偏好优化},\n"
    "  author = {张三 and 李四},\n  journal = {计算机学报},\n  year = {2023},\n  abstract = {"
    + "本文系统地综述了大语言模型对齐的主要方法，包括基于人类反馈的强化学习与宪法式人工智能。" * 3
    + "}\n}\n"
) * 10


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    ["@misc{ü, title = {大语言模型 Über}}\n@misc{b, title = {思维链}}\n", MOSTLY_CHINESE],
    ids=["short", "mostly Chinese"],
)
def test_a_utf16_file_without_a_byte_order_mark_is_read(encoding, text):
    """UTF-16 without a mark: its ASCII read as UTF-8 with NULs, its Chinese refused. A
    mostly Chinese file has NULs on one side for a third of its characters only, and on
    the other for the few whose code ends in 00 (一)."""
    assert bibtex.decode(text.encode(encoding)) == text


def test_a_utf8_file_with_stray_nuls_is_not_taken_for_utf16():
    text = "@misc{a, title = {大语言模型}}\n" * 20
    content = text.encode() + b"\x00" + text.encode() + b"\x00"
    assert bibtex.decode(content) == text + "\x00" + text + "\x00"


def test_a_file_with_a_utf16_mark_but_no_utf16_is_not_text():
    with pytest.raises(ValueError):
        bibtex.decode(codecs.BOM_UTF16_LE + b"@\x00m")  # a byte short


def test_escaped_braces_in_a_title_are_braces():
    """Every brace left after decoding was removed, "\\{" and "\\}" too (and those of
    math, which KaTeX needs: $10^{10}$ became $10^10$)."""
    (entry,) = bibtex.parse(r"@misc{b, title = {Closing \} brace and \{ open: {GPT} $10^{10}$}}")
    assert entry.record.title == "Closing } brace and { open: GPT $10^{10}$"


NOT_TAKEN = (
    "@misc{words, title = {Words}, year = {twenty}, month = {Spring}, url = {not a url}, "
    "doi = {junk}}\n"
    "@misc{k1, title = {One}, keywords = {" + "; ".join(f"topic {i}" for i in range(25)) + "}}\n"
    "@misc{k1, title = {Another}, year = {2023}, doi = {10.1145/3605943}}\n"
)


def test_what_an_entry_gives_that_is_left_out_is_said(recorded_services):
    """A year or month in words, a URL or DOI that is none were dropped with no word (while a year
    0 or a DOI doi.org gave that is none were said to be left out); only the first 20
    keywords were kept, silently; two entries of one key were both new, with no word of
    the key."""
    plan = importing.build(bib_text=NOT_TAKEN)
    assert [(c.entry, c.status) for c in plan.candidates] == [
        ("words (line 1)", "new"),
        ("k1 (line 2)", "new"),
        ("k1 (line 3)", "new"),
    ]
    assert [c.notes for c in plan.candidates] == [
        [
            "The year “twenty” is left out: Enter a year in digits, e.g. 2023.",
            "The month “Spring” is left out: Enter a month as a number or its name, e.g. 3 or Mar.",
            "The DOI “junk” is left out: Enter a DOI such as 10.18653/v1/2023.acl-long.1, or "
            "paste its doi.org link.",
            "The URL “not a url” is left out: Enter a valid URL.",
        ],
        ["The entry has 25 keywords; the first 20 are kept as topics."],
        ["The entry on line 2 has the same key “k1”."],
    ]
    assert plan.candidates[1].record.topics == [f"topic {i}" for i in range(20)]
    assert [c.notes for c in importing.Plan.loads(plan.dumps()).candidates] == [
        c.notes for c in plan.candidates
    ]
    words, one, another = importing.save(importing.Plan.loads(plan.dumps()))
    assert (words.year, words.url, words.doi) == (None, "", None)
    assert (another.year, another.doi) == (2023, "10.1145/3605943")


def test_what_is_left_out_is_said_in_chinese():
    with translation.override("zh-hans"):
        words, one, another = bibtex.parse(NOT_TAKEN)
    assert words.notes == [
        "年份“twenty”未录入：请用数字填写年份，例如 2023。",
        "月份“Spring”未录入：请用数字或英文月份名填写月份，例如 3 或 Mar。",
    ]
    assert one.notes == ["这个条目有 25 个关键词，只有前 20 个作为主题保留。"]
    assert another.notes == ["第 2 行的条目也使用了键“k1”。"]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("With 90% ChatGPT Quality", "With 90% ChatGPT Quality"),
        (r"With 90\% ChatGPT Quality", "With 90% ChatGPT Quality"),
        ("50% fewer {GPU} hours, 2% loss", "50% fewer GPU hours, 2% loss"),
    ],
)
def test_a_percent_sign_in_a_value_is_text(written, read):
    """A "%" that no backslash escapes was taken for a LaTeX comment: "Vicuna: … with 90%
    ChatGPT Quality" was imported as "Vicuna: … with 90", with no word of it."""
    entry = next(bibtex.read(f"@misc{{v, title={{{written}}}, abstract={{{written}. More}}}}"))
    assert (entry.record.title, entry.record.abstract) == (read, f"{read}. More")


def test_a_plain_value_of_any_length_is_read_and_only_names_with_latex_decoded(decoded):
    """MAX_FIELD refused an author list of 3,000 plain names (84,000 characters), which
    costs nothing to decode: only what is decoded is bounded, here each name with LaTeX."""
    names = " and ".join(f"Author{i:04d} Surname{i:04d}x" for i in range(3000))
    (plain,) = bibtex.parse("@misc{big, title={T}, author={" + names + "}}")
    assert len(names) > bibtex.MAX_FIELD and len(plain.record.authors) == 3000
    assert plain.record.authors[-1] == "Author2999 Surname2999x"
    (accented,) = bibtex.parse(
        "@misc{big, title={T}, author={" + names + r" and M{\"u}ller, J{\'e}r{\^o}me}}"
    )
    assert accented.record.authors[-1] == "Jérôme Müller"
    assert decoded == [r"J{\'e}r{\^o}me M{\"u}ller"]


def zotero_like(count):
    """Entries as Zotero exports them: a braced word in the title, an accented author,
    an abstract of 1,500 characters with one "\\%"."""
    abstract = ("We study large language models at scale. " * 40)[:1490] + r" 5\% more"
    return "".join(
        f"@article{{z{i},\n  title = {{{{LLaMA}}: Open Foundation Models {i}}},\n"
        f"  author = {{Touvron, Hugo and M{{\\\"u}}ller, J{{\\'e}}r{{\\^o}}me}},\n"
        f"  year = {{2023}},\n  abstract = {{{abstract}}}\n}}\n"
        for i in range(count)
    )


def test_an_ordinary_import_of_the_most_entries_is_read_whole():
    """200 such entries lost 8 as "not read": each abstract counted whole against the
    import's LaTeX for its one "\\%". Only the parts with LaTeX count now."""
    plan = importing.build(bib_text=zotero_like(importing.MAX_ENTRIES))
    assert [c.status for c in plan.candidates] == ["new"] * importing.MAX_ENTRIES
    last = plan.candidates[-1].record
    assert (last.title, last.authors) == (
        "LLaMA: Open Foundation Models 199",
        ["Hugo Touvron", "Jérôme Müller"],
    )
    assert last.abstract.endswith("at scale. We study large 5% more")
    budget = bibtex.Budget(bibtex.MAX_DECODED)
    bibtex.parse(zotero_like(importing.MAX_ENTRIES), budget=budget)
    assert bibtex.MAX_DECODED - budget.left < bibtex.MAX_DECODED // 10


@pytest.mark.parametrize(
    "latex",
    [
        r"\c c and \' e, then a long run of plain words that is not decoded at all here",
        r"``a quotation that runs on for more than forty characters of plain words''",
        r"math $a + b = c$ and \emph {spaced} and {\bf a b} c -- Fig.~3 \LaTeX\ is",
        r"x \(a + b\) y and \[ c \] z, then $$ d $$ and {unclosed group of words",
        r"100\% and \& and a long run of plain words between them before \#1",
    ],
)
def test_decoding_the_latex_parts_gives_what_decoding_the_whole_gives(latex):
    """The parts of a value with LaTeX are decoded, and the rest given back as it is."""
    spans = bibtex.latex_spans(latex)
    parts, at = [], 0
    for start, end in spans:
        parts += [latex[at:start], bibtex.DECODER.latex_to_text(latex[start:end])]
        at = end
    assert "".join([*parts, latex[at:]]).split() == bibtex.DECODER.latex_to_text(latex).split()


def test_citations_keep_their_keys_and_a_logo_its_space():
    """pylatexenc wrote every citation as "<cit.>", and swallowed the space after a TeX
    logo as LaTeX does ("\\LaTeX is" was "LaTeXis")."""
    (entry,) = bibtex.parse(
        r"@misc{c, title={How \LaTeX is read, after \citet{vaswani2017}}, "
        r"abstract={We extend \cite{smith2020} and \citep[see][p.~3]{a, b}; "
        r"cf.~\textcite{c}, \parencite*{d}. \LaTeX\ and \TeX{} too; \BibTeX.}}"
    )
    assert entry.record.title == "How LaTeX is read, after [vaswani2017]"
    assert entry.record.abstract == (
        "We extend [smith2020] and [a, b]; cf. [c], [d]. LaTeX and TeX too; BibTeX."
    )
    assert entry.notes == []


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # A long note before the keys: decoded whole, not in parts at its spaces.
        (r"As \citep[see the long discussion in the book][p.~3]{a} says", "As [a] says"),
        (r"see \cite and more", "see and more"),  # no keys: nothing made up
        (r"cited \cite{} here", "cited here"),
        (r"\citeauthor{x} and \nocite{y} too", "[x] and too"),  # \nocite shows nothing
        # A logo keeps the space written after it before a word, not before a sign.
        (r"\LaTeX is, \LaTeX . and \LaTeX, \TeX 中文", "LaTeX is, LaTeX. and LaTeX, TeX 中文"),
    ],
)
def test_citations_without_keys_or_with_long_notes_and_logos_before_signs(written, read):
    (entry,) = bibtex.parse(f"@misc{{c, title={{T}}, abstract={{{written}}}}}")
    assert " ".join(entry.record.abstract.split()) == read


def test_a_bracket_that_opens_no_optional_argument_keeps_the_rest_plain():
    """A half-open interval's "[" was taken for a macro's optional argument and made the
    rest of the abstract one part to decode, spending the import's LaTeX on plain text."""
    abstract = r"Let $x \in [0, 1)$ be given. " + "Plain words of the abstract. " * 400
    abstract += r"It improves 5\% over the baseline."
    assert bibtex.cost(abstract) < 300
    assert bibtex.cost(r"As \citep[see the long discussion in the book][p.~3]{a} says") < 120


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("http://www.cs.toronto.edu/~kriz/", "http://www.cs.toronto.edu/~kriz/"),
        ("https://example.com/a--b/c", "https://example.com/a--b/c"),
        ("https://example.com/?q=a&b=c#top", "https://example.com/?q=a&b=c#top"),
        (r"https://example.com/a\_b/100\%/\~{}me", "https://example.com/a_b/100%/~me"),
        (r"https://example.com/{\textasciitilde}me/x\&y\#z", "https://example.com/~me/x&y#z"),
    ],
)
def test_a_url_is_passed_on_as_found(written, read):
    """URLs were decoded as LaTeX: "~kriz/" became " kriz/" (and was left out, with a
    note quoting a URL never written), "a--b" an en dash, "?q=a&b=c" lost its "&"."""
    (entry,) = bibtex.parse(f"@misc{{u, title={{T}}, url={{{written}}}}}")
    assert (entry.record.url, entry.notes) == (read, [])
    assert not importing.fit(entry.record)


def test_identifiers_are_not_decoded(decoded):
    (entry,) = bibtex.parse(
        r"@misc{i, title={T}, doi={10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0},"
        r" eprint={2303.18223}, archiveprefix={arXiv}, primaryclass={cs.CL}}"
    )
    assert entry.record.doi == "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"
    assert (entry.record.arxiv_id, entry.record.primary_category) == ("2303.18223", "cs.CL")
    assert decoded == []


@pytest.mark.parametrize(
    ("written", "read"),
    [("A & B", "A & B"), (r"A \& B", "A & B"), (r"Q&A: 50% & {GPU}s", "Q&A: 50% & GPUs")],
)
def test_an_ampersand_in_a_value_is_text(written, read):
    """An "&" that no backslash escapes was taken for a table's column: "A & B" became
    "A B"."""
    (entry,) = bibtex.parse(f"@misc{{a, title={{{written}}}}}")
    assert entry.record.title == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (r"\texttt{gpt-4}", "gpt-4"),
        (r"\mbox{GPT}-4", "GPT-4"),
        (r"\textsf{Sans} \textrm{Roman} \textnormal{Normal}", "Sans Roman Normal"),
        (r"\textsc{Caps} \emph{Em} \textbf{Bold} \textit{It} \text{T}", "Caps Em Bold It T"),
        (r"\textmd{Md} \textup{Up} \textsl{Sl}", "Md Up Sl"),
        (r"See \url{http://example.com/~me/a_b}", "See http://example.com/~me/a_b"),
        (r"\href{https://example.com}{Our Model}: more", "Our Model: more"),
    ],
)
def test_the_text_of_macros_common_in_titles_is_kept(written, read):
    """pylatexenc 2.11 dropped the text of \\texttt, \\mbox, \\textsf …: "\\texttt{gpt-4}"
    was no title, "\\mbox{GPT}-4" was "-4"; \\href was an entry that cannot be read."""
    (entry,) = bibtex.parse(f"@misc{{m, title={{{written}}}}}")
    assert (entry.error, entry.record.title) == ("", read)


@pytest.mark.parametrize(
    ("written", "authors"),
    [
        ("{Barnes and Noble}", ["Barnes and Noble"]),
        ("{Meta AI, FAIR} and Touvron, Hugo", ["Meta AI, FAIR", "Hugo Touvron"]),
        (r"{\"O}zt{\"u}rk, Ay{\c{s}}e and {OpenAI}", ["Ayşe Öztürk", "OpenAI"]),
        ("{张三} and 李, 四", ["张三", "李四"]),
    ],
)
def test_a_braced_group_in_an_author_list_is_one_name(written, authors):
    """The braces were removed before the authors were split: "{Barnes and Noble}" was
    two authors, "{Meta AI, FAIR}" was "FAIR Meta AI"."""
    (entry,) = bibtex.parse(f"@misc{{a, title={{T}}, author={{{written}}}}}")
    assert entry.record.authors == authors


def test_a_key_used_twice_on_one_line_or_in_the_paste_and_the_file_is_noted():
    """The note took the line for the entry: two entries of one key on one line had
    none, and neither had the same key in the paste and in the file."""
    one_line = "@misc{k, title={A}} @misc{k, title={B}}"
    assert [e.notes for e in bibtex.parse(one_line)] == [
        [],
        ["The entry on line 1 has the same key “k”."],
    ]
    plan = importing.build("@misc{k, title={Pasted}}", bib_text="\n@misc{k, title={Filed}}")
    assert [c.notes for c in plan.candidates] == [
        [],
        ["The entry k (line 1) of the paste has the same key “k”."],
    ]
    with translation.override("zh-hans"):
        plan = importing.build("@misc{k, title={Pasted}}", bib_text="@misc{k, title={Filed}}")
    assert plan.candidates[1].notes == ["粘贴内容中的条目 k（第 1 行）也使用了键“k”。"]


def test_a_year_left_out_is_quoted_short():
    """The note quoted the whole year, up to 50,000 characters; as the month's, 40."""
    (entry,) = bibtex.parse("@misc{y, title={T}, year={" + "x" * 1000 + "}}")
    assert entry.notes == [f"The year “{'x' * 40}” is left out: Enter a year in digits, e.g. 2023."]


def test_an_abstract_longer_than_any_is_cut_and_said_to_be():
    """A plain value is read whatever its length: an abstract of 2 MB was kept whole, in
    the preview's form and in the library."""
    (entry,) = bibtex.parse("@misc{long, title={T}, abstract={" + "word " * 30_000 + "}}")
    assert len(entry.record.abstract) == bibtex.MAX_ABSTRACT
    assert entry.notes == ["The abstract has 149,999 characters; the first 20,000 are kept."]
    with translation.override("zh-hans"):
        (chinese,) = bibtex.parse("@misc{long, title={T}, abstract={" + "word " * 30_000 + "}}")
    assert chinese.notes == ["摘要有 149,999 个字符，只保留前 20,000 个。"]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (r"as \cites{a}{b} show", "as [a, b] show"),
        (r"see \parencites(see)()[p.~3]{a, b}[][{ch.}~2]{c} too", "see [a, b, c] too"),
        (r"\textcites*{x} \footcites{y}{z} and \autocites {u} {v}.", "[x] [y, z] and [u, v]."),
        # A bracket after the last keys is text, not another citation's notes.
        (r"in \cites{a}{b} [1] and (2)", "in [a, b] [1] and (2)"),
    ],
)
def test_multicites_read_as_all_their_keys(written, read):
    """biblatex's \\cites and its kin take any number of keys' groups: "\\cites{a}{b}"
    was read "ab"."""
    (entry,) = bibtex.parse(f"@misc{{c, title={{T}}, abstract={{{written}}}}}")
    assert " ".join(entry.record.abstract.split()) == read
    assert entry.notes == []


@pytest.mark.parametrize(
    "content",
    [
        "@misc{ü, title = {大语言模型}}\n".encode("utf-16") + b"\n",
        "@misc{ü, title = {大语言模型}}\n".encode("utf-16-le") + b"\x00",
        "@misc{ü, title = {大语言模型}}\n".encode("utf-16-be") + b"\n",
        "@misc{ü, title = {大语言模型}}\n".encode("utf-32") + b"\n",
    ],
    ids=["utf-16 with a mark", "utf-16-le and a NUL", "utf-16-be", "utf-32"],
)
def test_a_line_end_written_after_utf16_in_one_byte_is_left_out(content):
    """A tool appending a newline in ASCII to a UTF-16 file left it a byte short, and the
    whole file was refused as not text."""
    assert bibtex.decode(content).rstrip("\n") == "@misc{ü, title = {大语言模型}}"


def test_what_a_refresh_wrote_before_refreshes_were_named_is_still_arxivs(recorded_services):
    """A refresh saved before this mark left a change of no reason that moved the paper
    to a later version: read as an organiser's edit, what it wrote was kept for ever
    ("comment kept: edited since the paper was imported")."""
    importing.save(importing.build("2303.18223"))
    paper = Paper.objects.get(arxiv_id="2303.18223")
    given_by_v15 = paper.comment
    # As if imported at v14, then refreshed to v15 by the refresh of before (no reason).
    paper.history.filter(history_type="+").update(comment="v14's comment", arxiv_version=14)
    paper.save()
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    with translation.override("en"):
        result = importing.refresh([paper])
    paper.refresh_from_db()
    assert paper.arxiv_version == 16
    assert paper.comment != given_by_v15
    assert not any("kept" in note for note in result.notes)


def test_an_imported_text_comes_without_its_control_characters():
    """What a source sends is kept, not refused: a form feed between two words of a title
    copied out of a PDF is a space, other control characters (which the admin's form
    refuses) and NUL are taken out, in lists too."""
    record = Record(
        title="Scaling\x0claws\x00 for GPT\x02-4",
        authors=["Ada\x1b Lovelace", "B. Author"],
        abstract="One\x0bline\ttwo\nthree",
        year=2020,
    )
    assert record.title == "Scaling laws for GPT-4"
    assert record.authors == ["Ada Lovelace", "B. Author"]
    assert record.abstract == "One line\ttwo\nthree"
    assert record.year == 2020
