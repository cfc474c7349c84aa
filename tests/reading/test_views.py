"""Pages that show the knowledge base with what the group writes (reading/views.py): the
home page, the paper list, and the pages of papers, models, datasets and organisations."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import SwapRequest
from reading import queries
from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def grow_papers(count):
    organization = OrganizationFactory()
    papers = []
    for _ in range(count):
        paper = PaperFactory()
        paper.organizations.add(organization)
        paper.tags.add("Surveys", "Prompting")
        NoteFactory(paper=paper)
        papers.append(paper)
    return papers


@pytest.mark.parametrize("query", ["", "?sort=bogus&format=xml"])
@pytest.mark.parametrize("count", [1, 3])
def test_paper_list_queries_do_not_grow(member_client, django_assert_num_queries, count, query):
    papers = grow_papers(count)
    # + the member's audience, for keeping the rows' note counts for it; the filters'
    # choices (topics, organisations, sources, years: kept until the library changes).
    # An unknown order or format, ignored, is said at no query more.
    with django_assert_num_queries(10):
        response = member_client.get(reverse("reading:paper_list") + query)
    assert response.content.count(b"unknown-filter") == (2 if query else 0)
    assert len(response.context["page_obj"]) == count
    for paper in papers:
        assertContains(response, paper.title_en)
        assertContains(response, paper.get_absolute_url())
    assertContains(response, "1 note", count=count)


def test_paper_list_filters_by_topic_year_and_notes(member_client):
    surveyed, plain = PaperFactory(year=2023), PaperFactory(year=2021)
    surveyed.tags.add("Surveys")
    NoteFactory(paper=surveyed)
    for query in ["?topic=surveys", "?year=2023", "?has_notes=1"]:
        response = member_client.get(reverse("reading:paper_list") + query)
        assert list(response.context["page_obj"]) == [surveyed], query
    # Unfiltered, the page's papers are read as rows (queries.UnfilteredPaperList).
    response = member_client.get(reverse("reading:paper_list") + "?sort=oldest")
    assert [row.pk for row in response.context["page_obj"]] == [plain.pk, surveyed.pk]


def test_paper_list_says_no_paper_has_an_unknown_topic(member_client):
    """An old link's topic: said, with the topics named alike and the way back."""
    PaperFactory().tags.add("Surveys", "Prompting")
    url = reverse("reading:paper_list")
    response = member_client.get(url + "?topic=survey&year=2023", HTTP_ACCEPT_LANGUAGE="en")
    assertContains(
        response,
        '<p class="message unknown-filter" role="status">No paper has a topic called “survey”.'
        ' Perhaps: <a href="?year=2023&amp;topic=surveys">Surveys</a>'
        f' · <a href="{url}?year=2023">Papers of any topic →</a></p>',
        html=True,
    )
    response = member_client.get(url + "?topic=nope", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # No space after the full stop, which carries its own (a browser walk).
    assertContains(response, f'没有哪篇论文的主题叫“nope”。<a href="{url}">任意主题的论文 →</a>')
    response = member_client.get(url + "?topic=survey", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, "没有哪篇论文的主题叫“survey”。也许是：")
    # The notice says why the list is empty; the list does not say it again.
    assertNotContains(response, 'class="empty"')
    assertContains(member_client.get(url + "?has_notes=1"), "No paper matches these filters.")
    # A known topic, and none: no notice.
    for query in ["?topic=surveys", "", "?topic="]:
        assertNotContains(member_client.get(url + query), "unknown-filter")


def test_paper_list_says_no_paper_is_from_an_unknown_organization(member_client):
    PaperFactory().organizations.add(OrganizationFactory(name="Meta AI", slug="meta-ai"))
    response = member_client.get(reverse("reading:paper_list") + "?org=<Meta AI>")
    assertContains(response, "No paper is from an organization called “&lt;Meta AI&gt;”.")
    assertContains(response, '<a href="?org=meta-ai">Meta AI</a>', html=True)
    assertNotContains(response, "<Meta AI>")


def test_paper_list_says_an_unknown_order_reading_filter_or_format_is_ignored(
    member_client, says_unknown
):
    """An order, reading filter or export format the list has not (a hand-written or old
    link's): said, with what is shown instead and the choices to pick, not taken silently
    for the default."""
    PaperFactory(title_en="Attention is all you need", year=2017)
    url = reverse("reading:paper_list")
    response = says_unknown(
        url,
        {
            "?sort=titel": [
                "No sort order is called “titel”: sorted newest first instead."
                ' Perhaps: <a href="?sort=title">title</a>'
            ],
            "?read=yes": [
                "No reading filter is called “yes”: papers are shown read or not. Perhaps:"
                ' <a href="?read=me">read by me</a>, <a href="?read=group">read by my group'
                '</a>, <a href="?read=nobody">nobody in my group has read</a>'
            ],
            "?format=xml": [
                "No export format is called “xml”: the list is shown as a page instead."
                ' Perhaps: <a href="?format=bibtex">BibTeX</a>,'
                ' <a href="?format=csl-json">CSL-JSON</a>'
            ],
        },
        in_chinese={
            "?sort=bogus": "没有叫“bogus”的排序方式，已改为按最新在前排序。",
            "?read=bogus": "没有叫“bogus”的阅读筛选，读过和没读过的论文都列在这里。",
            "?format=bogus": "没有叫“bogus”的导出格式，已改为显示列表页面。",
        },
        known=["?sort=oldest", "?sort=", "?read=me", "?read=", "?format="],
    )
    assertContains(response, "Attention is all you need")
    # Ignored, it does not say why a list is empty: the list says it.
    response = member_client.get(url + "?has_notes=1&sort=bogus", HTTP_ACCEPT_LANGUAGE="en")
    assertContains(response, "No sort order is called “bogus”")
    assertContains(response, "No paper matches these filters.")


def test_paper_list_says_a_year_no_paper_is_from_and_a_setting_it_has_not(
    member_client, says_unknown
):
    """A year no paper is from says why the list is empty; a year that is not one, or a
    checkbox's value other than its own (has_notes=yes), is said to be ignored, where the
    list took it silently for "every year" or "with notes or not"."""
    PaperFactory(title_en="Attention is all you need", year=2017)
    url = reverse("reading:paper_list")
    response = says_unknown(
        url,
        {
            "?year=1990": [f'No paper is from 1990. <a href="{url}">Papers of any year →</a>'],
            "?year=2071": [
                'No paper is from 2071. Perhaps: <a href="?year=2017">2017</a>'
                f' · <a href="{url}">Papers of any year →</a>'
            ],
            "?year=abc": [
                "“abc” is not a year: papers of every year are shown."
                ' Perhaps: <a href="?year=2017">2017</a>'
            ],
            "?has_notes=yes": [
                "“yes” is not a setting of “has notes”: papers are shown with notes or not."
                ' Perhaps: <a href="?has_notes=1">has notes</a>'
            ],
            "?presented=true": [
                "“true” is not a setting of “read in a meeting”: papers are shown read in a"
                ' meeting or not. Perhaps: <a href="?presented=1">read in a meeting</a>'
            ],
        },
        in_chinese={
            "?year=1990": "没有 1990 年的论文。",
            "?year=abc": "“abc”不是年份，各年的论文都列在这里。",
            "?has_notes=yes": "“有笔记”没有“yes”这个选项，有没有笔记的论文都列在这里。",
            "?presented=yes": "“组会读过”没有“yes”这个选项，组会读没读过的论文都列在这里。",
        },
        known=["?year=2017", "?year=", "?has_notes=1", "?presented=1", "?has_notes="],
    )
    assertContains(response, "Attention is all you need")
    response = member_client.get(url + "?year=1990")
    assertNotContains(response, 'class="empty"')
    assertNotContains(response, "Attention is all you need")
    # The choices offered are listed as the interface lists names: "、" in Chinese.
    response = member_client.get(url + "?read=yes", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, '也许是：<a href="?read=me">')
    assertContains(response, '</a>、<a href="?read=group">')


def test_paper_list_notice_is_kept_by_its_query_string(member_client):
    """The notice is part of the shared fragment kept for the address: another topic,
    another notice; a topic that comes to exist, none."""
    paper = PaperFactory()
    url = reverse("reading:paper_list")
    assertContains(member_client.get(url + "?topic=agents"), "topic called “agents”")
    assertContains(member_client.get(url + "?topic=rlhf"), "topic called “rlhf”")
    paper.tags.add("Agents")
    assertNotContains(member_client.get(url + "?topic=agents"), "unknown-filter")


@pytest.mark.parametrize("count", [1, 3])
def test_paper_list_unknown_topic_costs_no_query_more(
    member_client, django_assert_num_queries, count
):
    grow_papers(count)
    url = reverse("reading:paper_list")
    with django_assert_num_queries(10):
        member_client.get(url + "?topic=surveys")
    cache.clear()  # as cold as the first
    # Its known topics are the filter's options, read anyway; with no rows, neither
    # their organisations nor their topics are read.
    with django_assert_num_queries(8):
        response = member_client.get(url + "?topic=nope")
    assertContains(response, "unknown-filter")


def test_paper_list_paginates(member_client):
    for _ in range(26):
        PaperFactory()
    response = member_client.get(reverse("reading:paper_list") + "?page=2")
    assert len(response.context["page_obj"]) == 1
    assertContains(response, "page 2 of 2")


def test_paper_list_count_follows_each_added_and_deleted_paper(member_client, settings):
    """Unfiltered, the list's count is the one the admin keeps (papers.filters.paper_count):
    read once until the papers change, never a page behind them."""
    settings.PAGECACHE_ENABLED = False  # each view rendered, as cold
    url = reverse("reading:paper_list")

    def count(query=""):
        return member_client.get(url + query).context["paginator"].count

    first = PaperFactory(year=2023)
    assert count() == 1
    second = PaperFactory(year=2021)
    assert (count(), count(), count("?year=2021")) == (2, 2, 1)
    second.delete()
    assert (count(), count("?year=2021")) == (1, 0)
    first.delete()
    assert count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_paper_detail_queries_do_not_grow(member_client, group, django_assert_num_queries, count):
    paper = PaperFactory(title_en="Chain of Thought")
    related = []
    for _ in range(count):
        # A note on it that mentions it, and a meeting of the member's group that presents it
        related.append(NoteFactory(paper=paper, body_en=f"See [[{paper.arxiv_id}]]."))
        related.append(MeetingFactory(group=group, paper=paper))
        model = LanguageModelFactory()
        model.papers.add(paper)
        dataset = DatasetFactory()
        dataset.papers.add(paper)
        related += [model, dataset]
    # The first view, nothing in the cache: also the member's audience and their own
    # status, apart from what is kept for their audience (tests/notes/test_audience.py);
    # the paper's organisations and topics come with its models and datasets, in one query.
    with django_assert_num_queries(13):
        response = member_client.get(paper.get_absolute_url())
    assert len(response.context["notes"]) == count
    assertContains(response, '<h1><span lang="en">Chain of Thought</span></h1>', html=True)
    for record in related:
        assertContains(response, record.get_absolute_url())


def test_paper_detail_shows_both_languages_of_a_note(member_client):
    paper = PaperFactory(arxiv_id="2303.18223")
    NoteFactory(paper=paper, body_zh="涌现能力的定义", body_en="Definition of emergent abilities")
    response = member_client.get(paper.get_absolute_url())
    assertContains(response, "涌现能力的定义")
    assertContains(response, "Definition of emergent abilities")
    assertContains(response, 'href="https://arxiv.org/abs/2303.18223"')


def test_paper_detail_hides_private_notes_of_others(member_client):
    paper = PaperFactory()
    NoteFactory(paper=paper, visibility="private", body_zh="秘密想法")
    assertNotContains(member_client.get(paper.get_absolute_url()), "秘密想法")


@pytest.mark.parametrize("count", [1, 3])
def test_model_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    llama = LanguageModelFactory(name="LLaMA")
    descendants, papers = [], []
    for _ in range(count):
        alpaca = LanguageModelFactory(base_model=llama, relation="instruction_tuning")
        descendants += [alpaca, LanguageModelFactory(base_model=alpaca, relation="lora")]
        papers.append(PaperFactory())
        NoteFactory(language_model=llama)
        llama.modeldataset_set.create(dataset=DatasetFactory(), role="evaluation")
    llama.papers.add(*papers)
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(10):
        response = member_client.get(llama.get_absolute_url())
    assertContains(response, "<h1>LLaMA")
    for model in descendants:
        assertContains(response, model.get_absolute_url())
    for paper in papers:
        assertContains(response, paper.title_en)


def test_model_page_reads_its_model_by_slug_with_sql_compiled_once(member_client):
    # reading.views._model_of_slug: the slug's model with its base model, or a 404.
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    for model, base in ((alpaca, llama), (llama, None)):
        shown = member_client.get(model.get_absolute_url()).context["languagemodel"]
        assert (shown, shown.base_model) == (model, base)
    missing = alpaca.get_absolute_url().replace(alpaca.slug, "no-such-model")
    assert member_client.get(missing).status_code == 404


def test_model_page_shows_each_models_own_tags_papers_sources_and_datasets(member_client):
    # reading.views._model_related: each relation's SQL compiled once, for every model.
    shown = {}
    for name in ("Alpha", "Beta"):
        model = LanguageModelFactory(name=name)
        model.tags.add(f"tag-of-{name}")
        paper, source, dataset = PaperFactory(), SourceFactory(), DatasetFactory()
        model.papers.add(paper)
        model.sources.add(source)
        model.modeldataset_set.create(dataset=dataset, role="evaluation")
        shown[model] = [f"tag-of-{name}", paper.title_en, source.title_en, dataset.name]
    for model, texts in shown.items():
        response = member_client.get(model.get_absolute_url())
        for text in texts:
            assertContains(response, text)
        for other in shown.keys() - {model}:
            for text in shown[other]:
                assertNotContains(response, text)


def test_model_detail_shows_lineage_both_ways(member_client):
    llama = LanguageModelFactory(name="LLaMA")
    alpaca = LanguageModelFactory(name="Alpaca", base_model=llama, relation="instruction_tuning")
    lora = LanguageModelFactory(name="Alpaca-LoRA", base_model=alpaca, relation="lora")
    response = member_client.get(alpaca.get_absolute_url())
    assert [m.pk for m in response.context["ancestors"]] == [llama.pk]
    assert [(depth, m.pk) for depth, m in response.context["descendants"]] == [(1, lora.pk)]
    assertContains(response, '<svg class="family-tree"')


@pytest.mark.parametrize("count", [1, 3])
def test_dataset_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    dataset = DatasetFactory(name="GSM8K")
    papers = [PaperFactory() for _ in range(count)]
    dataset.papers.add(*papers)
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(9):
        response = member_client.get(dataset.get_absolute_url())
    assertContains(response, "<h1>GSM8K")
    for paper in papers:
        assertContains(response, paper.title_en)


def test_model_page_survives_a_cycle_of_base_models(member_client):
    first = LanguageModelFactory(name="A")
    second = LanguageModelFactory(name="B", base_model=first, relation="lora")
    # clean() refuses this; a bulk update does not go through it.
    type(first).objects.filter(pk=first.pk).update(base_model=second, relation="lora")
    response = member_client.get(first.get_absolute_url())
    assertContains(response, "<h1>A")
    assertContains(response, second.get_absolute_url())


def test_a_paper_presented_at_a_meeting_counts_as_read_in_a_meeting(member_client, member, group):
    presented = PaperFactory()
    MeetingFactory(group=group, paper=presented)
    PaperFactory()
    response = member_client.get(reverse("reading:paper_list") + "?presented=1")
    assert list(response.context["page_obj"]) == [presented]
    # The API's rows count the meeting; the site's rows show no count, so read none.
    assert queries.paper_list(member, {"presented": "1"}).get().meeting_count == 1
    assert not hasattr(response.context["page_obj"][0], "meeting_count")


def test_model_page_lists_what_mentions_it(member_client, member):
    model = LanguageModelFactory(name="Alpaca")
    NoteFactory(
        title_zh="羊驼笔记", title_en="", body_zh="[[Alpaca]] 的复现", visibility="everyone"
    )
    NoteFactory(title_zh="私人草稿", title_en="", body_zh="[[Alpaca]]", visibility="private")
    response = member_client.get(model.get_absolute_url())
    assertContains(response, "Mentioned in")
    assertContains(response, "羊驼笔记")
    assertNotContains(response, "私人草稿")


def test_mentions_from_another_groups_meeting_stay_hidden(member_client):
    paper = PaperFactory(slug="toolformer")
    MeetingFactory(title_zh="别组的组会", body_zh="[[toolformer]]")
    assertNotContains(member_client.get(paper.get_absolute_url()), "别组的组会")


def test_paper_page_lists_meetings_that_presented_or_discussed_it(member_client, member):
    paper = PaperFactory()
    presented = MeetingFactory(paper=paper, title_zh="主讲这篇")
    discussed = MeetingFactory(title_zh="顺带讨论")
    discussed.papers.add(paper)
    for meeting in (presented, discussed):
        MembershipFactory(group=meeting.group, user=member)
    response = member_client.get(paper.get_absolute_url())
    listed = sorted(response.context["meetings"], key=lambda meeting: meeting.pk)
    assert listed == [presented, discussed]


def test_paper_list_ignores_a_year_in_non_ascii_digits(member_client):
    PaperFactory(title_en="Chain of Thought", year=2022)
    response = member_client.get(reverse("reading:paper_list") + "?year=%C2%B2")
    assertContains(response, "Chain of Thought")


@pytest.mark.parametrize("count", [1, 3])
def test_home_queries_do_not_grow(member_client, member, group, django_assert_num_queries, count):
    today = timezone.localdate()
    papers, notes, meetings, swaps = [], [], [], []
    for n in range(1, count + 1):
        paper = PaperFactory()
        paper.organizations.add(OrganizationFactory())
        paper.tags.add("Surveys", "Prompting")
        papers.append(paper)
        notes.append(NoteFactory(paper=paper, group=group, visibility="group"))
        upcoming = MeetingFactory(group=group, date=today + datetime.timedelta(days=n))
        upcoming.papers.add(paper)
        past = MeetingFactory(group=group, paper=paper, date=today - datetime.timedelta(days=n))
        meetings += [upcoming, past]
        # Another member asks for the member's slot at this coming meeting.
        theirs = MeetingFactory(group=group, date=today + datetime.timedelta(days=20 + n))
        asking = MembershipFactory(group=group).user
        theirs.presenters.add(asking)
        upcoming.presenters.add(member)
        swaps.append(
            SwapRequest.objects.create(
                meeting=theirs, requester=asking, other_meeting=upcoming, other=member
            )
        )
    # session, user with their time zone, the visit (read, made), swaps asked of the
    # member, next meetings with papers and presenters, groups, notes, papers with
    # organisations and topics
    with django_assert_num_queries(17):
        response = member_client.get(reverse("reading:home"))
    assertContains(response, group.name)
    for swap in swaps:
        assertContains(
            response,
            f"{swap.requester.username} asks to swap slots: your meeting "
            f"#{swap.other_meeting.number} for their #{swap.meeting.number}.",
        )
        assertContains(response, f'href="{swap.other_meeting.get_absolute_url()}#plan"')
    upcoming = sorted((m for m in meetings if m.date >= today), key=lambda m: m.date)
    past = max((m for m in meetings if m.date < today), key=lambda m: m.date)
    # The next meeting with what to read before it, the one after, the last one only
    # when nothing is planned.
    assertContains(response, upcoming[0].get_absolute_url())
    assertContains(response, "Read before the meeting")
    if count > 1:
        assertContains(response, upcoming[1].get_absolute_url())
    assertNotContains(response, past.get_absolute_url())
    for record in [*papers, *notes]:
        assertContains(response, record.get_absolute_url())
    for paper in papers:
        assertContains(response, paper.title_en)


def test_home_marks_what_is_new_since_the_last_visit(member_client, group):
    from notes.models import Visit

    old = NoteFactory(title_en="Read last week", group=group, visibility="group")
    member_client.get(reverse("reading:home"))
    Visit.objects.update(seen=timezone.now() - datetime.timedelta(days=2))
    type(old).objects.filter(pk=old.pk).update(updated=timezone.now() - datetime.timedelta(days=3))
    NoteFactory(title_en="Written since", group=group, visibility="group")

    response = member_client.get(reverse("reading:home"))

    assertContains(response, "New since your last visit")
    # Among the new notes (What changed lists the older one too, not marked new).
    assert [note.title_en for note in response.context["new_notes"]] == ["Written since"]


def test_home_counts_all_that_is_new_not_the_few_it_shows(member_client, group):
    """24 notes written since the last visit were counted "8", the list's length."""
    from notes.models import Visit
    from reading.views import NEW_ITEMS

    member_client.get(reverse("reading:home"))
    Visit.objects.update(seen=timezone.now() - datetime.timedelta(days=2))
    for n in range(NEW_ITEMS + 2):
        NoteFactory(title_en=f"Written since {n}", group=group, visibility="group")
    response = member_client.get(reverse("reading:home"))
    assert len(response.context["new_notes"]) == NEW_ITEMS
    assertContains(response, f'<span class="count">{NEW_ITEMS} of {NEW_ITEMS + 2}</span>')
    zh = member_client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(zh, f'<span class="count">{NEW_ITEMS + 2} 条中的 {NEW_ITEMS} 条</span>')


def test_home_lists_the_swaps_asked_of_the_member_and_no_one_else(client, group):
    """The member asked sees the request on their home page (a page kept for them before
    the request is made afresh) until they answer it; the member who asked, and any other
    member, do not; nor a request whose meeting is over."""
    bob = MembershipFactory(group=group, user=UserFactory(username="bob")).user
    ann = MembershipFactory(group=group, user=UserFactory(username="ann")).user
    carl = MembershipFactory(group=group, user=UserFactory(username="carl")).user
    today = timezone.localdate()
    second = MeetingFactory(group=group, number=2, date=today + datetime.timedelta(days=7))
    third = MeetingFactory(group=group, number=3, date=today + datetime.timedelta(days=14))
    past = MeetingFactory(group=group, number=1, date=today - datetime.timedelta(days=7))
    second.presenters.add(bob)
    third.presenters.add(ann)
    past.presenters.add(bob)
    # Never answered, and over now: nothing to answer any more.
    SwapRequest.objects.create(meeting=past, requester=bob, other_meeting=third, other=ann)
    said = "bob asks to swap slots: your meeting #3 for their #2."
    home = reverse("reading:home")
    client.force_login(ann)
    assertNotContains(client.get(home), "Swap requests for you")  # kept for her session

    client.force_login(bob)
    client.post(
        reverse("notes:meeting_plan", args=[group.slug, 2, "swap"]),
        {"slot": f"{third.pk}:{ann.pk}"},
        follow=True,
    )
    assertNotContains(client.get(home), "Swap requests for you")
    client.force_login(carl)
    assertNotContains(client.get(home), "Swap requests for you")

    client.force_login(ann)
    response = client.get(home)
    assertContains(response, "Swap requests for you")
    assertContains(response, said, count=1)
    assertContains(response, f'<a href="{third.get_absolute_url()}#plan">Answer</a>')
    swap = SwapRequest.objects.get(meeting=second)
    client.post(
        reverse("notes:meeting_plan", args=[group.slug, 3, "swap-decline"]),
        {"swap": swap.pk},
        follow=True,  # the message read where it is shown, the home page may be kept
    )
    assertNotContains(client.get(home), said)


def test_home_without_a_planned_meeting_shows_the_last_one(member_client, group):
    last = MeetingFactory(group=group, date=timezone.localdate() - datetime.timedelta(days=7))
    response = member_client.get(reverse("reading:home"))
    assertContains(response, "No meeting planned yet.")
    assertContains(response, last.get_absolute_url())


def test_home_has_one_heading_above_its_panels(member_client):
    """A screen reader's list of headings starts with the page's own (h1), then the
    panels' (h2): the home page had none, the only page without one."""
    html = member_client.get(reverse("reading:home")).content.decode()
    assert html.count("<h1") == 1
    assert html.index("<h1") < html.index("<h2")


@pytest.mark.parametrize("count", [1, 3])
def test_organization_detail_queries_do_not_grow(member_client, django_assert_num_queries, count):
    organization = OrganizationFactory(name="Fudan University")
    papers, models, datasets = [], [], []
    for _ in range(count):
        paper = PaperFactory()
        paper.organizations.add(organization)
        paper.tags.add("Surveys")
        NoteFactory(paper=paper)
        papers.append(paper)
        models.append(LanguageModelFactory(organization=organization))
        datasets.append(DatasetFactory(organization=organization))
    # user, organisation, papers with their organisations and topics, models, datasets
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(8):
        response = member_client.get(organization.get_absolute_url())
    assertContains(response, "<h1>Fudan University")
    for paper in papers:
        assertContains(response, paper.title_en)
    for record in [*models, *datasets]:
        assertContains(response, f'<a href="{record.get_absolute_url()}">{record.name}</a>')


def test_paper_page_meetings_that_discussed_it_cost_the_same_queries_however_many(
    member_client, group, settings
):
    """A meeting with no presented paper is listed with the papers it discussed: those
    are read in one query, not one a meeting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGECACHE_ENABLED = False
    paper, other = PaperFactory(), PaperFactory(title_en="The other paper discussed")

    def queries_with(meetings):
        for _ in range(meetings):
            meeting = MeetingFactory(group=group, paper=None)
            meeting.papers.add(paper, other)
        with CaptureQueriesContext(connection) as ctx:
            response = member_client.get(paper.get_absolute_url())
        listed = group.meetings.count()
        assertContains(response, "The other paper discussed", count=listed)
        return len(ctx.captured_queries)

    assert queries_with(1) == queries_with(2)


def test_cold_paper_page_reads_what_its_querysets_read(settings, world):
    """Cold, the paper page reads its paper, notes and reading-list items, the member's
    groups, their discussions' comments and the statuses they may see by SQL compiled once
    per process (reading.views, notes.audience, notes.progress): the records, with those
    they are read with, that its querysets read, in the same order."""
    from notes import audience, progress
    from notes.models import Comment, Note, ReadingGroup, ReadingListItem, ReadingStatus
    from reading import views
    from tests.factories import CommentFactory, ReadingStatusFactory

    settings.PAGECACHE_ENABLED = False
    paper, other_paper = PaperFactory(), PaperFactory()
    notes = [NoteFactory(paper=paper, author=world.member) for _ in range(3)]
    NoteFactory(paper=paper, author=None, author_name="Outside Writer")
    for position, reading_list in enumerate((world.list_b, world.list_a)):
        ReadingListItem.objects.create(reading_list=reading_list, paper=paper, position=position)
    first = CommentFactory(paper=paper, group=world.group_a, author=world.organiser)
    CommentFactory(paper=paper, group=world.group_a, author=world.member, parent=first)
    CommentFactory(paper=paper, group=world.group_b, author=world.other)
    CommentFactory(paper=other_paper, group=world.group_a, author=world.member)
    for user in (world.member, world.presenter, world.other, world.staff):
        ReadingStatusFactory(user=user, paper=paper)
    ReadingStatusFactory(user=world.member, paper=other_paper)

    def same(found, expected, related):
        assert found == expected
        assert [getattr(record, related) for record in found] == [
            getattr(record, related) for record in expected
        ]

    assert views._paper_of_slug(paper.slug) == [paper]
    assert views._paper_of_slug("no-such-paper") == []
    pks = [note.pk for note in reversed(notes)]
    same(views.note_blocks(pks), list(Note.objects.filter(pk__in=pks).for_blocks()), "author")
    assert len(views.note_blocks(pks)) == 3
    items = ReadingListItem.objects.filter(paper=paper).select_related("reading_list")
    same(views._list_items(paper.pk), list(items), "reading_list")
    for user in world.users.values():
        groups = audience._groups_of(user.pk)
        assert groups == list(ReadingGroup.objects.of(user))
        if groups:
            ids = [group.pk for group in groups]
            comments = Comment.objects.in_discussions(paper, ids).for_thread()
            same(views._discussion_comments(paper.pk, *ids), list(comments), "author")
        statuses = ReadingStatus.objects.shared_with(user).filter(paper=paper)
        same(
            progress._shared_statuses(user.pk, paper.pk),
            list(statuses.select_related("user")),
            "user",
        )


@pytest.mark.parametrize("cached", [False, True])
def test_paper_page_note_block(member_client, member, group, settings, cached):
    """A note's block (reading/templatetags/note_blocks.py): its title linking to it, its
    byline (none for a note of no one), who may read it and the day it last changed, in
    the site's time zone."""
    from notes.models import display_name

    settings.PAGECACHE_ENABLED = cached
    paper = PaperFactory()
    note = NoteFactory(paper=paper, author=member, title_zh="", title_en="On <CoT> & more")
    nobodys = NoteFactory(paper=paper, author=None, visibility="group", group=group)
    response = member_client.get(paper.get_absolute_url())
    assertContains(response, f'<article class="note-block" id="note-{note.slug}">')
    assertContains(
        response,
        f'<h3><a href="{note.get_absolute_url()}">On &lt;CoT&gt; &amp; more</a></h3>',
        html=True,
    )
    for shown, meta in ((note, display_name(member)), (nobodys, None)):
        day = timezone.localtime(shown.updated).strftime("%Y-%m-%d")
        visibility = shown.get_visibility_display()
        wrote = f"<span>{meta}</span>" if meta else ""
        assertContains(
            response,
            f'<p class="meta">{wrote}<span>{visibility}</span><span>{day}</span></p>',
            html=True,
        )


# The interface's languages, as a browser asks for them.
ACCEPT = {"en": "en", "zh": "zh-CN,zh;q=0.9"}
TALK = {"zh": "组会分享：一篇综述", "en": "Group meeting talk: a survey"}


@pytest.mark.parametrize(("shown", "other"), [("en", "zh"), ("zh", "en")])
def test_meeting_titles_on_paper_and_model_pages_follow_the_interface(
    member_client, group, shown, other
):
    paper = PaperFactory(slug="a-survey")
    model = LanguageModelFactory(name="Alpaca")
    meeting = MeetingFactory(
        group=group,
        paper=paper,
        title_zh=TALK["zh"],
        title_en=TALK["en"],
        body_zh="[[a-survey]] 与 [[Alpaca]]",
    )

    paper_page = member_client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])
    model_page = member_client.get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=ACCEPT[shown])

    # The paper's Meetings box and its "Mentioned in" list; the model's "Mentioned in".
    assertContains(paper_page, f"#{meeting.number} {TALK[shown]}</a>")
    assertContains(paper_page, f'<a href="{meeting.get_absolute_url()}">{TALK[shown]}</a>')
    assertContains(model_page, f'<a href="{meeting.get_absolute_url()}">{TALK[shown]}</a>')
    for page in (paper_page, model_page):
        assertNotContains(page, TALK[other])


def test_a_reader_who_chose_a_language_reads_meeting_titles_in_it(member_client, group):
    paper = PaperFactory()
    MeetingFactory(group=group, paper=paper, title_zh=TALK["zh"], title_en=TALK["en"])
    member_client.cookies["reading"] = "zh"

    response = member_client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assertContains(response, TALK["zh"])
    assertNotContains(response, TALK["en"])


def test_an_untitled_meeting_is_mentioned_by_its_number(member_client, group):
    paper = PaperFactory(slug="untitled-talk")
    MeetingFactory(group=group, number=4, title_zh="", title_en="", body_zh="[[untitled-talk]]")

    response = member_client.get(paper.get_absolute_url())

    assertContains(response, 'Meeting 4</a> <span class="badge">meeting</span>')


def test_home_notes_name_their_paper_and_author_once(member_client, member, group):
    paper = PaperFactory(title_en="Self-Instruct: Aligning Language Models", title_zh="自指导")
    other = PaperFactory(title_en="Scaling Laws for Neural Language Models")
    source = "LLM paper reading list (eugeneyan.com/writing/llm-reading-list)"
    titled_as_paper = NoteFactory(
        paper=paper, author=None, author_name=source, title_en=paper.title_en, title_zh="自指导"
    )
    about_other = NoteFactory(
        paper=other, author=None, author_name=source, title_en="Why loss falls", title_zh=""
    )

    response = member_client.get(reverse("reading:home"))
    html = response.content.decode()
    notes = html[html.index("<h3>Notes") : html.index('<ul class="plain papers">')]

    # The source once, above its run of notes, not on each card.
    assert notes.count(source) == 1
    assertContains(response, f'<p class="meta notes-by">By {source}</p>', html=True)
    # A note titled as its paper does not name the paper again; another one does.
    assert notes.count(paper.title_en) == 1
    assert f'href="{paper.get_absolute_url()}"' not in notes
    assert f'<a href="{other.get_absolute_url()}">{other.title_en}</a>' in notes
    # Each note's bilingual title, the interface's language first.
    assert f'<span lang="en">{paper.title_en}</span> · <span lang="zh-Hans">自指导</span>' in notes
    assert titled_as_paper.get_absolute_url() in notes
    assert about_other.get_absolute_url() in notes


def test_home_notes_of_different_authors_each_name_theirs(member_client, group):
    from notes.models import display_name

    first, second = NoteFactory(title_en="First"), NoteFactory(title_en="Second")

    response = member_client.get(reverse("reading:home"))

    for note in (first, second):
        assertContains(response, f"By {display_name(note.author)}", count=1)
