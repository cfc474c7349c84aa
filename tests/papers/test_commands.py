"""import_arxiv and import_bibtex: progress, failures naming the entry, nothing saved by a
failing run, OAI-PMH harvests that resume, and the BibTeX round trip."""

from io import StringIO
from pathlib import Path

import bibtexparser
import pytest
from django.core.management import CommandError, call_command

from papers import citations
from papers.models import Harvest, Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db
RECORDED = Path(__file__).parent / "recorded"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_arxiv_adds_ids_and_links(recorded_services, tmp_path):
    listing = tmp_path / "ids.txt"
    listing.write_text("# to read\nhttps://arxiv.org/pdf/1706.03762v7.pdf\nhep-th/9711200\n")
    out = run("import_arxiv", "2303.18223v15", "--file", str(listing))
    assert "3 papers added, 0 already in the library." in out
    assert len(recorded_services.api_calls()) == 1
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {
        "2303.18223",
        "1706.03762",
        "hep-th/9711200",
    }
    out = run("import_arxiv", "2303.18223")
    assert "0 papers added, 1 already in the library." in out


@pytest.mark.parametrize(
    ("ids", "named"),
    [
        (["2303.18223", "not/an-id"], "not/an-id"),
        (["2303.18223", "2401.99999"], "2401.99999: arXiv has no paper 2401.99999."),
        (["2303.18223", "1304.5678"], "1304.5678: arXiv marks this paper as withdrawn"),
        # Refused before arXiv is asked: 2007's identifiers have four digits after the
        # dot, and no month is the 34th.
        (["2303.18223", "0704.00001"], "Not arXiv IDs or links: 0704.00001"),
        (["2303.18223", "1234.5678"], "Not arXiv IDs or links: 1234.5678"),
    ],
)
def test_import_arxiv_fails_naming_the_entry_and_saves_nothing(recorded_services, ids, named):
    with pytest.raises(CommandError, match=named.replace(".", r"\.")):
        run("import_arxiv", *ids)
    assert not Paper.objects.exists()


def test_import_arxiv_unreadable_file(recorded_services, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_arxiv", "--file", str(tmp_path / "missing.txt"))


def test_import_arxiv_timeout_saves_nothing(recorded_services, settings):
    recorded_services.point(settings, recorded_services.url + "/hang")
    with pytest.raises(CommandError, match="arXiv did not answer within 1 seconds"):
        run("import_arxiv", "2303.18223")
    assert not Paper.objects.exists()


def test_harvest_reads_every_page_resumes_and_is_idempotent(recorded_services):
    out = run("import_arxiv", "--category", "cs.CL", "--since", "2024-01-01")
    assert "4 records read, 4 papers added" in out
    oai = [q for path, q, _t in recorded_services.requests if path == "/oai"]
    assert oai[0] == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs:cs:CL",
        "from": "2024-01-01",
    }
    assert oai[1] == {"verb": "ListRecords", "resumptionToken": "7013424|1001"}
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.author_list == ["Albert Q. Jiang", "Alexandre Sablayrolles", "Wenda Li Sayed"]
    assert mixtral.affiliations == [[], [], ["Mistral AI"]]
    assert (mixtral.year, mixtral.month, mixtral.primary_category) == (2024, 1, "cs.LG")
    harvest = Harvest.objects.get()
    assert (harvest.pages, harvest.resumption_token, str(harvest.last_datestamp)) == (
        2,
        "",
        "2024-01-12",
    )
    assert harvest.finished_at is not None
    # Again: from the last datestamp, nothing added twice.
    out = run("import_arxiv", "--category", "cs.CL", "--since", "2024-01-01")
    assert "0 papers added" in out
    assert Paper.objects.count() == 4


def test_harvest_resumes_from_the_saved_token(recorded_services):
    Harvest.objects.create(
        category="cs.CL", since="2024-01-01", resumption_token="7013424|1001", pages=1
    )
    run("import_arxiv", "--category", "cs.CL", "--since", "2024-01-01")
    oai = [q for path, q, _t in recorded_services.requests if path == "/oai"]
    assert oai == [{"verb": "ListRecords", "resumptionToken": "7013424|1001"}]
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"2303.18223", "2401.06066"}


@pytest.mark.parametrize("dry_run", [True, False])
def test_harvest_names_the_values_left_out(recorded_services, dry_run):
    """A harvest, dry run or not, left out the values the library refuses without a word
    of them, where the other imports name each: a dry run could not show what a real
    one would lose."""
    dry = ["--dry-run"] if dry_run else []
    out = run("import_arxiv", "--category", "cs.DL", "--since", "2024-01-01", *dry)
    assert "  2401.00002: The DOI “N/A” is left out: Enter a DOI such as" in out
    assert "1 records read, 1 papers added" in out
    assert Paper.objects.filter(doi=None, arxiv_id="2401.00002").count() == (0 if dry_run else 1)


def test_harvest_with_no_records(recorded_services):
    out = run("import_arxiv", "--category", "cs.CL", "--since", "2099-01-01")
    assert "0 records read, 0 papers added" in out


def test_import_bibtex_fails_naming_the_broken_entry(tmp_path):
    with pytest.raises(CommandError, match=r"broken2022 \(line 48\): This entry cannot be read"):
        run("import_bibtex", str(RECORDED / "tricky.bib"))
    assert not Paper.objects.exists()
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_bibtex", str(tmp_path / "missing.bib"))


def test_import_bibtex_dry_run_and_import(tmp_path):
    text = (RECORDED / "tricky.bib").read_text()
    start = text.index("@article{broken2022")
    good = tmp_path / "good.bib"
    good.write_text(text[:start] + text[text.index("@book{knuth") :])
    out = run("import_bibtex", str(good), "--dry-run")
    assert "Dry run: 5 new, 0 already in the library; nothing saved." in out
    assert not Paper.objects.exists()
    out = run("import_bibtex", str(good))
    assert "5 papers added, 0 already in the library." in out
    out = run("import_bibtex", str(good))
    assert "0 papers added, 5 already in the library." in out


def test_library_bibtex_round_trip(recorded_services, tmp_path, django_db_blocker):
    run("import_arxiv", "2303.18223", "1706.03762", "hep-th/9711200", "1810.04805")
    good = tmp_path / "good.bib"
    text = (RECORDED / "tricky.bib").read_text()
    good.write_text(text[: text.index("@article{broken2022")])
    run("import_bibtex", str(good))  # adds Müller's paper; the rest are duplicates
    PaperFactory(
        arxiv_id=None,
        title_en="50% of $x$ & y_z #1: Größe matters",
        authors="Zoë Ångström, Li Wei and Øystein Berg",
        venue="Journal of Odd Characters",
        year=2022,
        doi="10.1000/a_b#c",
    )
    before = Paper.objects.order_by("citation_key")
    exported = citations.to_bibtex(before)
    library = bibtexparser.parse_string(exported)
    assert library.failed_blocks == []
    assert len(library.entries) == before.count() == 6
    assert "Zoë Ångström" in exported  # non-ASCII letters stay readable
    snapshot = [(p.title, p.author_list, p.arxiv_id, p.doi, p.year) for p in before]
    export = tmp_path / "library.bib"
    export.write_text(exported)
    Paper.objects.all().delete()
    run("import_bibtex", str(export))
    after = Paper.objects.order_by("citation_key")
    assert [(p.title, p.author_list, p.arxiv_id, p.doi, p.year) for p in after] == snapshot


def test_skip_invalid_adds_the_rest_and_names_the_others():
    err = StringIO()
    out = StringIO()
    call_command(
        "import_bibtex", str(RECORDED / "tricky.bib"), "--skip-invalid", stdout=out, stderr=err
    )
    assert "skipped: broken2022 (line 48): This entry cannot be read" in err.getvalue()
    assert "5 papers added" in out.getvalue()


def test_import_arxiv_refresh(recorded_services):
    run("import_arxiv", "2303.18223", "1706.03762")
    recorded_services.overrides["2303.18223"] = "api-2303.18223-v16.xml"
    out = run("import_arxiv", "--refresh")
    assert "updated: 2303.18223 → v16" in out
    assert "1 papers updated, 1 already current." in out


def test_import_bibtex_reads_a_year_in_superscript_digits(tmp_path):
    """str.isdigit() takes ²⁰²³ where int() refuses it: the command stopped with a traceback."""
    listing = tmp_path / "sup.bib"
    listing.write_text("@misc{sup, title = {Superscript}, year = {²⁰²³}}\n")
    assert "1 papers added" in run("import_bibtex", str(listing))
    assert Paper.objects.get().year == 2023


def test_the_import_commands_drop_nul_characters(recorded_services, tmp_path):
    """A NUL in a file: import_bibtex refused it whole ("not a text file"), import_arxiv
    named the ID as no arXiv ID. PostgreSQL's text cannot hold one; it is dropped."""
    listing = tmp_path / "nul.bib"
    listing.write_bytes(b"@misc{nul, title = {Null\x00 Title}, author = {Love\x00lace, Ada}}\n")
    assert "1 papers added" in run("import_bibtex", str(listing))
    ids = tmp_path / "ids.txt"
    ids.write_text("2303.18\x00223\n")
    assert "1 papers added" in run("import_arxiv", "--file", str(ids))
    assert sorted(Paper.objects.values_list("title_en", "authors")) == [
        (
            "A Survey of Large Language Models",
            "Wayne Xin Zhao, Kun Zhou, Junyi Li, Tianyi Tang, Ji-Rong Wen",
        ),
        ("Null Title", "Ada Lovelace"),
    ]


def test_import_bibtex_names_the_values_left_out(tmp_path):
    listing = tmp_path / "late.bib"
    listing.write_text("@misc{late, title = {Year Nine}, year = {9999}}\n")
    out = run("import_bibtex", str(listing))
    assert "late (line 1): The year “9999” is left out: Enter a year no later than" in out
    assert "1 papers added" in out
    assert Paper.objects.get().year is None


def test_import_arxiv_refresh_leaves_a_doi_another_paper_has_unset(recorded_services):
    PaperFactory(arxiv_id="hep-th/9711200", arxiv_version=1, doi=None)
    PaperFactory(arxiv_id=None, doi="10.1023/a:1026654312961", title_en="The journal's copy")
    err = StringIO()
    call_command("import_arxiv", "--refresh", stdout=StringIO(), stderr=err)
    assert "is already the DOI of “The journal's copy”; it was left unset." in err.getvalue()
    assert Paper.objects.get(arxiv_id="hep-th/9711200").arxiv_version == 3


def test_import_bibtex_of_a_file_without_bibtex_says_so(tmp_path, recorded_services):
    """The upload form reads such a file as identifiers; the command stays with BibTeX."""
    listing = tmp_path / "ids.txt"
    listing.write_text("2303.18223\n")
    with pytest.raises(CommandError, match=r"ids\.txt holds no BibTeX entry\."):
        run("import_bibtex", str(listing))
    assert recorded_services.api_calls() == []


def test_a_paper_added_meanwhile_fails_the_command_naming_it(recorded_services, monkeypatch):
    """Added by someone else between the look-up and the save: a traceback (Conflict)."""
    from papers.importing import plan as importing

    build = importing.build

    def build_then_someone_adds(*args, **kwargs):
        plan = build(*args, **kwargs)
        PaperFactory(arxiv_id="2303.18223")
        return plan

    monkeypatch.setattr(importing, "build", build_then_someone_adds)
    with pytest.raises(CommandError, match=r"Nothing was saved: meanwhile 2303\.18223 came"):
        run("import_arxiv", "2303.18223", "1706.03762")
    assert not Paper.objects.filter(arxiv_id="1706.03762").exists()
