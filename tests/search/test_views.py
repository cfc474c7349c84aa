import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import Note
from tests.factories import MeetingFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_search_box_is_on_every_page(member_client):
    assertContains(member_client.get("/"), f'action="{reverse("search:results")}"')


def test_the_results_page_has_one_search_form(member_client):
    """Its own, not the header's too: two forms named "Search", both with the query,
    stacked on a phone."""
    page = member_client.get(reverse("search:results"), {"q": "attention"})
    assertContains(page, 'role="search"', count=1)
    assertContains(page, 'class="filters search-form" role="search"')


@pytest.mark.parametrize("n", [1, 3])
def test_search_results_page_makes_a_constant_number_of_queries(
    member_client, django_assert_num_queries, n
):
    PaperFactory.create_batch(n, summary_en="Reasoning with tools.")
    # user, what notes and meetings they may read (Note.objects.audience_of), each kind's
    # count and first results (one query), their documents, the member's reading statuses
    with django_assert_num_queries(5):
        response = member_client.get(reverse("search:results"), {"q": "tools"})
    assertContains(response, "<mark>tools</mark>", count=n)


@pytest.mark.parametrize("n", [1, 3])
def test_search_results_page_of_one_kind_makes_a_constant_number_of_queries(
    member_client, django_assert_num_queries, n
):
    PaperFactory.create_batch(n, summary_en="Reasoning with tools.")
    # user, audience, counts per kind with the page's ranked ids (one query), documents,
    # the member's reading statuses
    with django_assert_num_queries(5):
        response = member_client.get(reverse("search:results"), {"q": "tools", "kind": "papers"})
    assertContains(response, 'class="search-hit"', count=n)


@pytest.mark.parametrize("n", [1, 3])
def test_search_results_of_every_kind_make_a_constant_number_of_queries(
    member_client, group, django_assert_num_queries, n
):
    PaperFactory.create_batch(n, summary_en="Reasoning with tools.")
    NoteFactory.create_batch(n, group=group, body_en="Tools.", visibility=Note.Visibility.GROUP)
    MeetingFactory.create_batch(n, group=group, body_en="Tools again.")
    MeetingFactory(body_en="Tools elsewhere.")  # another group's: neither found nor shown
    # user, audience, counts and first results, the documents with what visible_to()
    # allows of their notes and meetings (one query), the member's reading statuses
    with django_assert_num_queries(5):
        response = member_client.get(reverse("search:results"), {"q": "tools"})
    assertContains(response, 'class="search-hit"', count=3 * n)


def test_search_says_an_unknown_kind_is_ignored(member_client, django_assert_num_queries):
    """A kind of result the search has not (an old link's ``kind=paper``): said, with the
    kinds named alike, and every kind's results shown; no query more."""
    PaperFactory(summary_en="Reasoning with tools.")
    url = reverse("search:results")
    with django_assert_num_queries(5):  # as test_search_results_page_makes_…
        response = member_client.get(url, {"q": "tools", "kind": "paper"})
    assertContains(
        response,
        '<p class="message unknown-filter" role="status">No kind of result is called “paper”:'
        ' every kind is shown. Perhaps: <a href="?q=tools&amp;kind=papers">Papers</a></p>',
        html=True,
    )
    assertContains(response, 'class="search-hit"', count=1)
    response = member_client.get(url, {"q": "tools", "kind": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(response, "没有叫“x”的结果类别，这里列出了所有类别的结果。")
    for params in [{"q": "tools", "kind": "papers"}, {"q": "tools"}, {"kind": "paper"}]:
        assertNotContains(member_client.get(url, params), "unknown-filter")


def test_search_results_show_a_capped_count_with_a_plus(member_client, monkeypatch):
    monkeypatch.setattr("search.query.CAP", 2)
    PaperFactory.create_batch(3, summary_en="Reasoning with tools.")
    response = member_client.get(reverse("search:results"), {"q": "tools"})
    # the heading, "All", the Papers chip and the Papers group
    assertContains(response, '<span class="count">2+</span>', count=4)
    assertContains(response, 'class="search-hit"', count=2)
    assertContains(response, "All 2+ in Papers →")


def test_search_results_escape_the_query_and_the_text(member_client):
    PaperFactory(title_en="<i>Tools</i>")
    response = member_client.get(reverse("search:results"), {"q": "<i>tools"})
    assertContains(response, "&lt;i&gt;<mark>Tools</mark>&lt;/i&gt;")
    assertNotContains(response, "<i>Tools")


def test_the_kind_shown_is_the_current_one_for_a_screen_reader_too(member_client):
    """The chip of the kind of results shown is marked current (aria-current), not only
    coloured: "All" on the page of every kind, "Papers" on the papers' page."""
    PaperFactory(title_en="Tools for agents")

    def current(**kind):
        page = member_client.get(reverse("search:results"), {"q": "tools", **kind})
        return re.findall(
            r'<a class="chip[^"]*"[^>]*aria-current="page">(\w+)', page.content.decode()
        )

    assert current() == ["All"]
    assert current(kind="papers") == ["Papers"]


def test_search_page_suggests_a_spelling(member_client):
    PaperFactory(title_en="Transformer circuits")
    response = member_client.get(reverse("search:results"), {"q": "trasnformer"})
    assertContains(response, "showing results for <strong>transformer</strong>")


def test_search_needs_a_login(client):
    assert client.get(reverse("search:results"), {"q": "x"}).status_code == 302


def test_a_repeated_search_is_served_from_the_page_cache_until_the_library_changes(
    member_client, django_assert_num_queries
):
    PaperFactory(summary_en="Reasoning with tools.")
    url = reverse("search:results")
    assertContains(member_client.get(url, {"q": "tools"}), 'class="search-hit"', count=1)
    with django_assert_num_queries(1):  # the user; the page comes from the cache
        response = member_client.get(url, {"q": "tools"})
    assertContains(response, 'class="search-hit"', count=1)
    PaperFactory(summary_en="More tools.")
    assertContains(member_client.get(url, {"q": "tools"}), 'class="search-hit"', count=2)


def test_rebuilding_the_index_makes_cached_results_stale(
    member_client, django_capture_on_commit_callbacks
):
    from papers.models import LanguageModel
    from search.index import rebuild
    from search.models import SearchDocument

    PaperFactory(summary_en="Reasoning with tools.")
    url = reverse("search:results")
    assertContains(member_client.get(url, {"q": "tools"}), 'class="search-hit"', count=1)
    SearchDocument.objects.filter(kind="papers").delete()  # behind the cache's back
    assertContains(member_client.get(url, {"q": "tools"}), 'class="search-hit"', count=1)
    with django_capture_on_commit_callbacks(execute=True):
        rebuild([LanguageModel])
    assertNotContains(member_client.get(url, {"q": "tools"}), 'class="search-hit"')


def test_search_results_are_shared_only_by_members_who_may_read_the_same(world):
    """Group A's members share a search's results; group B's member, and a member of A
    with a private note of their own, get their own."""
    from django.test import Client

    from tests.factories import MembershipFactory, NoteFactory

    NoteFactory(
        author=world.member, group=world.group_a, visibility="group", body_en="tools alphaword"
    )
    NoteFactory(
        author=world.other, group=world.group_b, visibility="group", body_en="tools betaword"
    )
    mine = NoteFactory(author=world.presenter, visibility="private", body_en="tools gammaword")
    peer = MembershipFactory(group=world.group_a).user

    def hits(user):
        client = Client()
        client.force_login(user)
        return client.get(reverse("search:results"), {"q": "tools"}).content.decode()

    assert "alphaword" in hits(world.member) and "betaword" not in hits(world.member)
    assert "alphaword" in hits(peer) and "gammaword" not in hits(peer)
    assert "betaword" in hits(world.other) and "alphaword" not in hits(world.other)
    assert "gammaword" in hits(world.presenter)
    assert Note.objects.audience_of(peer) == Note.objects.audience_of(world.organiser)
    assert Note.objects.audience_of(world.presenter) != Note.objects.audience_of(peer)
    assert mine.pk


def test_a_long_search_says_what_was_left_out(member_client):
    PaperFactory(title_en="Transformer circuits")
    long_query = " ".join(["transformer"] * 30)
    response = member_client.get(reverse("search:results"), {"q": long_query})
    assertContains(response, "Only the first 200 characters of a search are used")
    assertNotContains(response, "transfor ")  # no word cut in two, nor "corrected"
    assertNotContains(response, "search-corrected")
    short = member_client.get(reverse("search:results"), {"q": "transformer"})
    assertNotContains(short, "search-shortened")


def test_a_long_word_cut_short_is_told_so(member_client):
    """One word longer than a search takes is cut inside it: nothing came after it."""
    response = member_client.get(reverse("search:results"), {"q": "x" * 300})
    assertContains(
        response,
        "Only the first 200 characters of a search are used: the rest of the word was left out.",
    )
    assertNotContains(response, "the words after them")
    chinese = member_client.get(
        reverse("search:results"), {"q": "x" * 300}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assertContains(chinese, "搜索只使用前 200 个字符，这个词的其余部分没有用上。")


@pytest.mark.parametrize(("language", "marked"), [("zh-hans", "en"), ("en", "zh-Hans")])
def test_a_hit_in_the_other_language_says_its_language(member_client, language, marked):
    """A screen reader reads an English title in the Chinese interface in an English voice."""
    PaperFactory(title_en="Tools for reasoning", title_zh="", summary_en="Reasoning with tools.")
    PaperFactory(title_en="", title_zh="工具学习", summary_zh="用工具推理 tools")
    page = member_client.get(
        reverse("search:results"), {"q": "tools"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    titles = re.findall(r'<a class="search-hit-title" href="[^"]*"( lang="[^"]*")?>', page)
    assert sorted(titles) == ["", f' lang="{marked}"']


def test_a_bilingual_notes_hit_is_titled_in_each_readers_language(member_client):
    """Kept once for the audience, the results are kept per language too: the English
    page titles the note in English, the Chinese page in Chinese, whichever came first."""
    NoteFactory(
        title_zh="规模定律笔记",
        title_en="Scaling notes",
        body_en="Scaling.",
        visibility=Note.Visibility.EVERYONE,
    )
    url = reverse("search:results") + "?q=scaling"
    for language, title, other in [
        ("zh-hans", "规模定律笔记", "Scaling notes"),
        ("en", "Scaling notes", "规模定律笔记"),
        ("zh-hans", "规模定律笔记", "Scaling notes"),
    ]:
        member_client.cookies["django_language"] = language
        page = member_client.get(url).content.decode()
        hit = re.search(r'class="search-hit-title"[^>]*>(.*?)</a>', page).group(1)
        assert re.sub(r"<[^>]+>", "", hit) == title
        assert other in re.sub(r"<[^>]+>", "", page)  # in the subtitle, highlighted


def test_a_kinds_tab_with_none_of_it_says_so(member_client):
    """The search box keeps the tab: searching again from "Papers" for a word only notes
    hold left the page empty under the tabs (a browser walk). It says so, with a link to
    every kind's results."""
    NoteFactory(body_en="Chain-of-thought prompting.", visibility=Note.Visibility.EVERYONE)
    url = reverse("search:results")
    response = member_client.get(url, {"q": "prompting", "kind": "papers"})
    assertContains(
        response,
        '<p class="empty">Nothing in Papers matches “prompting”; the other kinds above do. '
        '<a href="?q=prompting">Show all results</a></p>',
    )
    assertNotContains(member_client.get(url, {"q": "prompting"}), "Nothing in")


@pytest.mark.parametrize("page", ["99999999999999999999", "461168601842738791", "51", "-3"])
def test_a_page_number_past_the_last_is_the_last_page(member_client, page):
    """A number too large for the database was read into the ranking's SQL: a 500."""
    for n in range(3):
        PaperFactory(title_en=f"Llama study {n}")
    response = member_client.get(
        reverse("search:results"), {"q": "llama", "kind": "papers", "page": page}
    )
    assert response.status_code == 200
    assertContains(response, "</mark> study 0")  # the last page: the first


def test_a_kinds_empty_tab_names_the_corrected_words_it_searched(member_client):
    """Under "showing results for prompting", the tab said nothing matched "promting"
    (a browser walk): it names what was searched."""
    PaperFactory(title_en="Chain-of-thought prompting")
    response = member_client.get(reverse("search:results"), {"q": "promting", "kind": "notes"})
    assert response.context["results"].corrected == "prompting"
    assertContains(response, "Nothing in Notes matches “prompting”; the other kinds above do.")


@pytest.mark.parametrize("query", ["???", "-", "the of"])
def test_a_query_with_nothing_to_search_for_says_so(member_client, query):
    """It showed a lone "All 0" chip and "Nothing you can read matches", though nothing
    was searched."""
    page = member_client.get(reverse("search:results"), {"q": query})
    assertContains(page, "holds nothing to search for")
    assertNotContains(page, "Nothing you can read matches")
    assertNotContains(page, 'class="search-kinds"')
