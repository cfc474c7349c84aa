"""A reading list's papers as its page shows them (notes/templatetags/reading_lists.py)."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes import audience
from notes.models import ReadingListItem
from notes.views import list_items
from tests.factories import (
    OrganizationFactory,
    PaperFactory,
    ReadingListFactory,
    ReadingStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_items_show_sections_once_titles_comments_and_the_members_row(member_client):
    reading_list = ReadingListFactory(slug="foundations")
    first = PaperFactory(title_en="Attention <Is> All", title_zh="注意力", year=2017, arxiv_id=None)
    first.organizations.add(OrganizationFactory(name="Google"))
    second = PaperFactory(title_en="BERT", title_zh="", arxiv_id="1810.04805")
    third = PaperFactory(title_en="GPT-3", title_zh="")
    for position, (paper, section, comment_zh, comment_en) in enumerate(
        [
            (first, "Transformers", "必读", ""),
            (second, "Transformers", "", "Read §3"),
            (third, "Scaling", "", ""),
        ],
        start=1,
    ):
        ReadingListItem.objects.create(
            reading_list=reading_list,
            paper=paper,
            position=position,
            section=section,
            comment_zh=comment_zh,
            comment_en=comment_en,
        )
    response = member_client.get(reverse("notes:readinglist_detail", args=["foundations"]))
    assertContains(response, '<li class="section-heading"><h2>Transformers</h2></li>', count=1)
    assertContains(response, '<li class="section-heading"><h2>Scaling</h2></li>', count=1)
    assertContains(response, '<li value="2">', count=1)
    assertContains(response, "Attention &lt;Is&gt; All")
    assertNotContains(response, "Attention <Is> All")
    assertContains(response, '<span lang="zh-Hans">注意力</span>')
    assertContains(response, "<span>2017</span><span>Google</span>", html=False)
    assertContains(response, '<span class="mono">arXiv:1810.04805</span>', html=False)
    # A comment in Chinese alone, for an English reader: marked so.
    assertContains(response, '<span lang="zh-Hans">必读</span> <span class="badge badge-missing"')
    assertContains(response, '<span lang="en">Read §3</span></p>', html=False)
    assertContains(response, 'class="status-control"', count=3, html=False)
    assertNotContains(response, "<!--slot:", html=False)


def test_papers_of_no_section_after_a_sections_are_headed_apart(member_client):
    """A paper of no section after "Instruction data"'s stood under that heading, as if
    it were one of them (a browser walk); papers of no section before any are not headed."""
    reading_list = ReadingListFactory(slug="primer")
    for position, section in enumerate(["", "Instruction data", ""], start=1):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=PaperFactory(), position=position, section=section
        )
    page = member_client.get(reverse("notes:readinglist_detail", args=["primer"]))
    html = page.content.decode()
    headings = html.split('<li class="section-heading"><h2>')[1:]
    assert [h.split("</h2>")[0] for h in headings] == ["Instruction data", "Other papers"]
    assert html.index('<li value="1">') < html.index("Instruction data")
    assert html.index("Other papers") < html.index('<li value="3">')
    zh = member_client.get(page.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(zh, '<li class="section-heading"><h2>其他论文</h2></li>')


def test_an_empty_list_says_so(member_client):
    ReadingListFactory(slug="empty")
    response = member_client.get(reverse("notes:readinglist_detail", args=["empty"]))
    assertContains(response, '<li class="empty">This list is empty.</li>', html=False)


def _shown(item):
    """What a list's row shows of an item and its paper."""
    paper = item.paper
    comments = (item.comment_zh, item.comment_en)
    return (item.position, item.section, *comments, item.paper_id, paper.slug, paper.title,
            paper.year, paper.arxiv_id, paper.organization_names)  # fmt: skip


def test_list_items_read_what_the_items_and_their_papers_say_in_order():
    """The compiled SQL (notes.views.list_items) reads the rows the list's queryset does:
    the items in order, their papers' fields and organisations in a Paper's order."""
    reading_list = ReadingListFactory()
    other = ReadingListFactory()
    papers = [PaperFactory(year=2020 + i, arxiv_id=None if i else "2001.00001") for i in range(3)]
    papers[0].organizations.add(OrganizationFactory(name="zeta"), OrganizationFactory(name="Alpha"))
    papers[2].organizations.add(OrganizationFactory(name="Mid"))
    for position, paper in zip([3, 1, 2], papers, strict=True):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=paper, position=position, section=f"S{position}"
        )
    ReadingListItem.objects.create(reading_list=other, paper=papers[1], position=0)
    expected = [_shown(item) for item in reading_list.items.select_related("paper")]
    assert expected[0][-1] == [] and papers[0].organization_names == ["Alpha", "zeta"]
    assert [_shown(item) for item in list_items(reading_list.pk)] == expected
    assert list_items(ReadingListFactory().pk) == []


@override_settings(PAGECACHE_ENABLED=False)
def test_list_statuses_are_the_members_statuses_of_the_lists_papers():
    """The compiled SQL (audience.list_statuses, by the list's id) reads what statuses_of
    (by the papers' ids) does: the member's own, of the list's papers only."""
    reading_list, other = ReadingListFactory(), ReadingListFactory()
    member, someone = UserFactory(), UserFactory()
    papers = [PaperFactory() for _ in range(4)]
    for position, paper in enumerate(papers[:3]):
        ReadingListItem.objects.create(reading_list=reading_list, paper=paper, position=position)
    ReadingListItem.objects.create(reading_list=other, paper=papers[3], position=0)
    ReadingListItem.objects.create(reading_list=other, paper=papers[0], position=1)
    for paper, status in zip(papers, ["read", "reading", "", "to_read"], strict=True):
        if status:
            ReadingStatusFactory(user=member, paper=paper, status=status)
        ReadingStatusFactory(user=someone, paper=paper, status="not_for_me")
    ids = [paper.pk for paper in papers[:3]]
    found = audience.list_statuses(member, reading_list.pk, ids)
    assert found == audience.statuses_of(member, ids)
    assert found == {papers[0].pk: "read", papers[1].pk: "reading"}
    assert audience.list_statuses(UserFactory(), reading_list.pk, ids) == {}


def test_a_reading_list_says_an_export_format_it_has_not(member_client, says_unknown):
    """?format=xml (a hand-written link): the page, saying the format is not one and
    offering those it has; it was shown silently, as if nothing had been asked."""
    reading_list = ReadingListFactory(slug="foundations")
    reading_list.items.create(paper=PaperFactory(title_en="Attention"), position=0)
    response = says_unknown(
        reading_list.get_absolute_url(),
        {
            "?format=xml": [
                "No export format is called “xml”: the list is shown as a page instead."
                ' Perhaps: <a href="?format=bibtex">BibTeX</a>,'
                ' <a href="?format=csl-json">CSL-JSON</a>'
            ],
            "?format=bibtx": [
                "No export format is called “bibtx”: the list is shown as a page instead."
                ' Perhaps: <a href="?format=bibtex">BibTeX</a>'
            ],
        },
        in_chinese={"?format=xml": "没有叫“xml”的导出格式，已改为显示列表页面。"},
        known=["", "?format="],
    )
    assertContains(response, "Attention")
    # The formats it has are exports, not the page.
    assert member_client.get(reading_list.get_absolute_url(), {"format": "bibtex"})[
        "Content-Type"
    ].startswith("application/x-bibtex")


def test_papers_are_numbered_in_order_on_the_page_and_in_the_deck_alike(member_client):
    """Positions 1, 2, 5 (one deleted) showed as "1, 2, 5" on the page and "1, 2, 3" in
    the deck; two papers at one position showed one number twice."""
    reading_list = ReadingListFactory(slug="gaps")
    for position in (1, 2, 5, 5):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=PaperFactory(), position=position
        )
    page = member_client.get(reverse("notes:readinglist_detail", args=["gaps"]))
    html = page.content.decode()
    values = [int(v) for v in re.findall(r'<li value="(\d+)">', html)]
    assert values == [1, 2, 3, 4]
    deck = member_client.get(reverse("notes:readinglist_present", args=["gaps"]))
    assert re.findall(r'<ol start="(\d+)">', deck.content.decode()) == ["1"]


def test_the_deck_heads_papers_of_no_section_after_a_sections_as_the_page_does(member_client):
    """They stood under the section before them, on its slide."""
    reading_list = ReadingListFactory(slug="primer")
    for position, section in enumerate(["Surveys", "Surveys", "", ""], start=1):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=PaperFactory(), position=position, section=section
        )
    url = reverse("notes:readinglist_present", args=["primer"])
    deck = member_client.get(url, {"lang": "en"}).content.decode()
    assert re.findall(r"<h2[^>]*>([^<]*)</h2>", deck) == ["Surveys", "Other papers"]
    assert re.findall(r'<ol start="(\d+)">', deck) == ["1", "3"]
    zh = member_client.get(url, {"lang": "zh"}).content.decode()
    assert re.findall(r"<h2[^>]*>([^<]*)</h2>", zh) == ["Surveys", "其他论文"]


def test_a_paper_added_without_a_position_goes_last():
    """Added in the admin, a paper took position 0, above every other."""
    reading_list = ReadingListFactory()
    for position in (1, 4):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=PaperFactory(), position=position
        )
    added = ReadingListItem.objects.create(reading_list=reading_list, paper=PaperFactory())
    assert added.position == 5
    first = ReadingListItem.objects.create(reading_list=ReadingListFactory(), paper=added.paper)
    assert first.position == 1


def test_a_fixture_without_positions_loads_its_papers_in_order(tmp_path):
    """Loading skips save() (a raw save): hand-written items without a position did not
    load (the column may not be empty)."""
    reading_list = ReadingListFactory(slug="basics")
    papers = [PaperFactory(slug=f"p{n}") for n in range(3)]
    items = [
        {
            "model": "notes.readinglistitem",
            "fields": {"reading_list": reading_list.pk, "paper": p.pk},
        }
        for p in papers
    ]
    fixture = tmp_path / "list.json"
    fixture.write_text(json.dumps(items))
    call_command("loaddata", fixture, verbosity=0)
    loaded = ReadingListItem.objects.filter(reading_list=reading_list).order_by("position")
    assert [(item.paper.slug, item.position) for item in loaded] == [
        ("p0", 1),
        ("p1", 2),
        ("p2", 3),
    ]
