"""The "Add papers" page: preview, confirm, and what the member pasted kept on errors."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db
URL = reverse("papers:add")


def preview(client, entries="", **extra):
    return client.post(URL, {"entries": entries, "preview": "", **extra})


def confirm(client, response, chosen=None):
    plan = re.search(r'name="plan" value="([^"]+)"', response.content.decode()).group(1)
    if chosen is None:
        chosen = re.findall(r'name="chosen" value="(\d+)"', response.content.decode())
    return client.post(URL, {"plan": plan, "chosen": chosen, "confirm": ""}, follow=True)


def test_add_page_is_linked_from_the_paper_list(member_client):
    assertContains(member_client.get(reverse("reading:paper_list")), f'href="{URL}"')
    response = member_client.get(URL)
    assertContains(response, "arXiv IDs or links, DOIs, or BibTeX")


def test_the_form_is_filled_in_from_its_address(member_client):
    """The admin's paper form links here with the arXiv ID or DOI typed there."""
    response = member_client.get(URL, {"entries": "10.18653/v1/2023.acl-long.1"})
    assertContains(response, ">\n10.18653/v1/2023.acl-long.1</textarea>")
    assert not Paper.objects.exists()  # filled in, not previewed or added


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preview_then_confirm_adds_the_papers(member_client, member, recorded_services):
    existing = PaperFactory(arxiv_id="1706.03762", title_en="Attention Is All You Need")
    response = preview(member_client, "2303.18223v15\n1706.03762\nhep-th/9711200\nnonsense")
    assertContains(response, "A Survey of Large Language Models")
    assertContains(response, "arXiv:2303.18223v15")
    assertContains(response, "already in the library")
    assertContains(response, existing.get_absolute_url())
    assertContains(response, "Not an arXiv ID, arXiv link or DOI")
    assertContains(response, "2303.18223v15\n1706.03762")  # the paste is kept
    assert not Paper.objects.filter(arxiv_id="2303.18223").exists()
    response = confirm(member_client, response)
    assertContains(response, "2 papers added to the library.")
    survey = Paper.objects.get(arxiv_id="2303.18223")
    assert survey.added_by == member
    assertContains(response, survey.get_absolute_url())
    # At once in the paper list, search and the paper page.
    assertContains(member_client.get(reverse("reading:paper_list")), survey.title)
    found = member_client.get(reverse("search:results"), {"q": "Survey Large Language"})
    assertContains(found, survey.get_absolute_url())
    assertContains(member_client.get(reverse("reading:home")), survey.get_absolute_url())
    note_form = member_client.get(reverse("notes:note_create"), {"paper": survey.slug})
    assertContains(note_form, survey.title)


def test_confirm_only_the_chosen_rows(member_client, recorded_services):
    response = preview(member_client, "2303.18223 hep-th/9711200")
    confirm(member_client, response, chosen=["1"])
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["hep-th/9711200"]


def test_a_chosen_number_too_long_to_be_a_row_is_no_row(member_client, recorded_services):
    """Python refuses to read a number of more than 4,300 digits: it was a 500."""
    response = preview(member_client, "hep-th/9711200")
    response = confirm(member_client, response, chosen=["9" * 5000])
    assertContains(response, "Choose at least one new paper to add.")
    assert not Paper.objects.exists()


def test_confirm_saves_nothing_when_one_came_in_meanwhile(member_client, recorded_services):
    response = preview(member_client, "2303.18223 hep-th/9711200")
    PaperFactory(arxiv_id="hep-th/9711200")
    response = confirm(member_client, response, chosen=["0", "1"])
    assertContains(response, "Nothing was added: meanwhile hep-th/9711200 came into the library")
    assert not Paper.objects.filter(arxiv_id="2303.18223").exists()


def test_the_one_chosen_paper_added_meanwhile_is_named(member_client, recorded_services):
    """The same preview confirmed in a second tab after the first: the paper it chose was
    in the library by then. It said "Choose at least one new paper to add." (a browser
    walk); it says the paper came in meanwhile, and nothing is added twice."""
    response = preview(member_client, "hep-th/9711200")
    confirm(member_client, response)
    again = confirm(member_client, response, chosen=["0"])
    assertContains(again, "Nothing was added: meanwhile hep-th/9711200 came into the library")
    assertNotContains(again, "Choose at least one new paper to add.")
    assert Paper.objects.filter(arxiv_id="hep-th/9711200").count() == 1
    nothing = confirm(member_client, response, chosen=[])
    assertContains(nothing, "Choose at least one new paper to add.")


def test_a_chosen_row_that_save_would_not_add_is_no_choice(member_client, recorded_services):
    """A paper arXiv marks withdrawn (a row with a record that save() never adds), chosen
    by a hand-made form: "Choose …", not a green "0 papers added" (a review)."""
    response = preview(member_client, "1304.5678")
    assertContains(response, "withdrawn")
    refused = confirm(member_client, response, chosen=["0"])
    assertContains(refused, "Choose at least one new paper to add.")
    assertNotContains(refused, "0 papers added")
    assert not Paper.objects.exists()


def test_altered_plan_is_refused(member_client):
    response = member_client.post(
        URL, {"plan": "forged", "chosen": ["0"], "confirm": "", "entries": "2303.18223"}
    )
    assertContains(response, "This preview is too old or was altered")
    assertContains(response, ">\n2303.18223</textarea>")


def test_arxiv_unreachable_message_keeps_the_paste(member_client, recorded_services, settings):
    recorded_services.point(settings, recorded_services.url + "/garbage")
    response = preview(member_client, "2303.18223\n10.1145/3605943")
    assertContains(response, "arXiv answered something that is not an Atom feed")
    assertContains(response, "2303.18223\n10.1145/3605943</textarea>")


def test_a_paper_in_the_library_is_said_so_though_the_services_are_unreachable(
    member_client, recorded_services, settings
):
    held = PaperFactory(arxiv_id="2303.18223", doi="10.1145/3605943")
    recorded_services.point(settings, recorded_services.url + "/garbage")
    # doi.org unreachable: an odd answer of its (/garbage) is now one DOI's own.
    settings.DOI_RESOLVER_URL = "http://127.0.0.1:9/doi/"  # nothing listens there
    response = preview(member_client, "arxiv.org/abs/2303.18223v2\n10.1145/3605943\n2201.11903")
    page = response.content.decode()
    assert page.count(f'href="{held.get_absolute_url()}"') == 2  # "In the library as …"
    assertContains(response, "2 already in the library")
    assertContains(response, "arXiv could not be reached, so whether it has newer", count=1)
    assertContains(response, "doi.org could not be reached, so whether it has newer", count=1)
    assertContains(response, "1 cannot be added")  # the paper the library lacks
    assertNotContains(response, "Nothing would change.")
    assertNotContains(response, 'name="chosen"')


def test_an_arxiv_shaped_id_with_an_impossible_month_is_explained(member_client):
    response = preview(member_client, "9999.99999\n2313.12345v2\n1234.5678")
    assertContains(response, "9999.99999 is not an arXiv ID: its first four digits", count=1)
    assertContains(response, "2313.12345 is not an arXiv ID", count=1)
    assertContains(response, "1234.5678 is not an arXiv ID", count=1)
    assertContains(response, "3 cannot be added")


def test_an_arxiv_id_with_a_prefix_or_of_a_month_to_come_is_explained(
    member_client, recorded_services
):
    response = preview(
        member_client, "arXiv:2399.00001\nhttps://arxiv.org/abs/2313.12345v2\n9912.12345"
    )
    assertContains(response, "2399.00001 is not an arXiv ID: its first four digits", count=1)
    assertContains(response, "2313.12345 is not an arXiv ID: its first four digits", count=1)
    assertContains(response, "9912.12345 is not an arXiv ID yet", count=1)
    assertContains(response, "2099-12 is still to come")
    assertContains(response, "3 cannot be added")
    assert recorded_services.requests == []  # nothing asked of arXiv


def test_an_unreachable_service_is_named_without_its_internal_error(member_client, settings):
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"  # nothing listens there
    response = preview(member_client, "2303.18223")
    # Once, above the rows; the entry's row says it was not looked up.
    assertContains(
        response, "arXiv could not be reached from this server; try again later.", count=1
    )
    assertContains(response, "Not looked up: arXiv did not answer (see above).")
    assertNotContains(response, "ConnectError")


def test_bib_upload_previews_every_readable_entry(member_client):
    upload = SimpleUploadedFile(
        "refs.bib",
        (pytest.importorskip("pathlib").Path(__file__).parent / "recorded/tricky.bib").read_bytes(),
    )
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    assertContains(response, "broken2022 (line 48)")
    assertContains(response, "This entry cannot be read")
    assertContains(response, "GPT-Style Models for Müller&#x27;s Corpus: Über 50% &amp; More")
    assertContains(response, 'name="chosen"', count=5)


def test_a_paste_of_identifiers_and_bibtex_previews_them_all(member_client, recorded_services):
    pasted = (
        "2303.18223\n2303.1822x\narxiv:abcd\nhttps://arxiv.org/abs/not-an-id\n10.xyz\n"
        "@misc{gpt4, title = {GPT-4 Technical Report}, year = {2023}}\n"
    )
    response = preview(member_client, pasted)
    assertContains(response, "2 new · 0 already in the library · 4 cannot be added")
    page = response.content.decode()
    entries = re.findall(r'<td class="entry"><code>([^<]*)</code>', page)
    assert entries == [
        "2303.18223",
        "2303.1822x",
        "arxiv:abcd",
        "https://arxiv.org/abs/not-an-id",
        "10.xyz",
        "gpt4 (line 6)",
    ]
    assertContains(response, "Not an arXiv ID, arXiv link or DOI", count=4)
    assertContains(response, "<strong>A Survey of Large Language Models</strong>")
    assertContains(response, "<strong>GPT-4 Technical Report</strong>")
    confirm(member_client, response)
    assert Paper.objects.filter(arxiv_id="2303.18223").exists()
    assert Paper.objects.filter(title_en="GPT-4 Technical Report").exists()


def test_chinese_authors_are_previewed_and_saved_family_name_first(member_client):
    response = preview(member_client, "@misc{zh, title = {综述}, author = {张, 三 and Li, Si}}")
    assertContains(response, "张三, Si Li")
    assertNotContains(response, "三 张")
    confirm(member_client, response)
    assert Paper.objects.get(title_zh="综述").authors == "张三, Si Li"


def test_an_entry_without_authors_is_previewed_with_its_year_alone(member_client):
    response = preview(member_client, "@article{x, title={Only title}, year={2020}}")
    assertContains(response, '<div class="muted">2020</div>', html=False)
    assertNotContains(response, "· 2020")


def test_a_huge_field_uploaded_is_refused_with_its_name(member_client):
    """2 MB of LaTeX in one field took 67 seconds to decode: the worker was stopped (a
    502)."""
    text = "@article{k6, title={Huge}, author={A, B}, year={2023}, abstract={%s}}\n"
    upload = SimpleUploadedFile("huge.bib", (text % ("x\\& " * 522_500)).encode())
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    assertContains(response, "<code>k6 (line 1)</code>", html=False)
    assertContains(
        response,
        "This entry cannot be read: the field “abstract” has 2,090,000 characters, and a "
        "field may have at most 50,000",
    )


def test_a_utf16_upload_is_previewed_with_what_it_leaves_out(member_client):
    """Notepad's "Unicode" (UTF-16 with a byte order mark) was "not a text file"."""
    text = "@misc{k1, title = {大语言模型 Über}, year = {twenty}}\n@misc{k1, title = {Two}}\n"
    upload = SimpleUploadedFile("notepad.bib", text.encode("utf-16"))
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    assertContains(response, "<strong>大语言模型 Über</strong>", html=False)
    assertContains(response, "The year “twenty” is left out: Enter a year in digits, e.g. 2023.")
    assertContains(response, "The entry on line 1 has the same key “k1”.")


def test_a_gbk_upload_is_read_as_chinese_and_the_member_told_so(member_client):
    """A .bib saved by Windows set to Chinese (GBK) was read as Windows-1252: its titles
    were imported as mojibake, with no word of it."""
    text = "@article{k, title={大语言模型综述：对齐与评测}, author={赵, 鑫}, year={2023}}\n"
    said = "The file is not in UTF-8; it was read as GB18030 (GBK). If its text looks wrong, "
    said += "save it as UTF-8 and choose it again."
    for encoding, told in [("gbk", True), ("utf-8", False)]:
        files = {"bibfile": SimpleUploadedFile("refs.bib", text.encode(encoding))}
        response = member_client.post(URL, {"entries": "", "preview": "", **files})
        assertContains(response, "<strong>大语言模型综述：对齐与评测</strong>", html=False)
        assert (said in response.content.decode()) == told


def test_too_big_upload_and_empty_form(member_client):
    upload = SimpleUploadedFile("big.bib", b"%" * (2 * 1024 * 1024 + 1))
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    # Rounded alike ("2.0 MB; at most 2.0 MB"): the sizes in bytes.
    assertContains(
        response, "The file is 2,097,153 bytes; at most 2,097,152 bytes can be read at a time."
    )
    response = preview(member_client, "   ")
    assertContains(response, "Paste at least one arXiv ID")
    assertNotContains(response, 'name="plan"')


def test_waiting_for_arxiv_is_told(member_client, recorded_services, settings):
    from datetime import timedelta

    from django.utils import timezone

    from papers.models import ServiceSlot

    ServiceSlot.objects.create(name="arxiv", next_at=timezone.now() + timedelta(seconds=0.7))
    response = preview(member_client, "2303.18223")
    assertContains(response, "Your request waited")


@pytest.mark.parametrize("count", [1, 3])
def test_preview_queries_do_not_grow_with_entries(
    member_client, recorded_services, django_assert_num_queries, count
):
    PaperFactory(arxiv_id="1706.03762")
    ids = ["2303.18223", "1706.03762", "hep-th/9711200"][:count]
    # The user; arXiv's turn (look, create, take, leave); the papers already in the library.
    with django_assert_num_queries(6):
        response = preview(member_client, " ".join(ids))
    assert response.content.decode().count('class="import-') >= count


def test_paper_page_shows_what_arxiv_said(member_client):
    paper = PaperFactory(
        arxiv_version=3, categories="hep-th", doi="10.1023/a:1026654312961", comment="20 pages"
    )
    response = member_client.get(paper.get_absolute_url())
    assertContains(response, "v3")
    assertContains(response, 'href="https://doi.org/10.1023/a:1026654312961"')
    assertContains(response, '<meta name="citation_doi" content="10.1023/a:1026654312961">')
    assertContains(response, "20 pages")


def test_the_chinese_preview_says_where_a_paper_is_and_its_venue_in_chinese(
    member_client, recorded_services
):
    held = PaperFactory(arxiv_id="2303.18223", title_en="A Survey of Large Language Models")
    member_client.cookies["django_language"] = "zh-hans"
    response = preview(member_client, "2303.18223\n2201.11903")
    page = response.content.decode()
    assert f'库中已有：<a href="{held.get_absolute_url()}">{held.title}</a>。' in page
    assert "In the library as" not in page
    assert "<span>arXiv 预印本</span>" in page and "arXiv preprint" not in page


def test_a_year_in_superscript_digits_is_read(member_client):
    """str.isdigit() takes ²⁰²³ where int() refuses it: the preview was a 500."""
    response = preview(member_client, "@misc{sup, title = {Superscript}, year = {²⁰²³}}")
    assertContains(response, "Superscript")
    assertContains(response, '<div class="muted">2023</div>')


def test_a_value_the_library_refuses_is_left_out_with_a_note(member_client):
    """A year of 9999 was shown, and stored: the paper could not be saved in the admin."""
    latest = timezone.now().year + 1
    response = preview(member_client, "@misc{late, title = {Year Nine}, year = {9999}}")
    assertContains(response, f"The year “9999” is left out: Enter a year no later than {latest}.")
    assertNotContains(response, "· 9999")
    confirm(member_client, response)
    assert Paper.objects.get().year is None


def test_an_uploaded_list_of_identifiers_is_read_as_a_paste_is(member_client, recorded_services):
    """A .txt of arXiv IDs was read as a .bib with no entry: "0 new", and no word why."""
    upload = SimpleUploadedFile("ids.txt", b"2303.18223\n10.1145/3605943\n")
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    assertContains(response, "A Survey of Large Language Models")
    assertContains(response, "Large Language Models for Software Engineering")
    assertContains(response, 'name="chosen"', count=2)


def test_a_paste_or_file_with_nul_characters_is_added_without_them(member_client):
    """A NUL in a pasted or uploaded entry refused the whole paste ("Null characters are
    not allowed") or file ("not a text file"); PostgreSQL's text cannot hold one, and it
    is never meaningful text, so it is dropped."""
    response = preview(member_client, "@misc{pasted, title = {Pasted\x00 Title}}")
    assertContains(response, "<strong>Pasted Title</strong>")
    confirm(member_client, response)
    upload = SimpleUploadedFile("nul.bib", b"@misc{file, title = {File\x00 Title}}\n")
    response = member_client.post(URL, {"entries": "", "bibfile": upload, "preview": ""})
    assertContains(response, "<strong>File Title</strong>")
    confirm(member_client, response)
    assert sorted(Paper.objects.values_list("title_en", flat=True)) == [
        "File Title",
        "Pasted Title",
    ]
