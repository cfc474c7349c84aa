import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import NoteFactory, PaperFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_second_view_of_a_page_makes_no_query(member_client, django_assert_num_queries):
    paper = PaperFactory(title_en="Chain of Thought")
    member_client.get(paper.get_absolute_url())
    # The user is still looked up (the session comes from the cache); nothing is rendered.
    with django_assert_num_queries(1):
        response = member_client.get(paper.get_absolute_url())
    assertContains(response, "Chain of Thought")


def test_a_save_makes_every_cached_page_stale(member_client):
    paper = PaperFactory(title_en="Old title")
    member_client.get(paper.get_absolute_url())
    paper.title_en = "New title"
    paper.save()
    assertContains(member_client.get(paper.get_absolute_url()), "New title")


def test_a_new_note_shows_on_a_cached_paper_page(member_client):
    paper = PaperFactory()
    member_client.get(paper.get_absolute_url())
    NoteFactory(paper=paper, body_zh="新的笔记")
    assertContains(member_client.get(paper.get_absolute_url()), "新的笔记")


def test_pages_are_cached_per_session(client, member_client, member):
    paper = PaperFactory()
    NoteFactory(paper=paper, author=member, visibility="private", body_zh="我的私人笔记")
    assertContains(member_client.get(paper.get_absolute_url()), "我的私人笔记")
    client.force_login(UserFactory())
    assertNotContains(client.get(paper.get_absolute_url()), "我的私人笔记")


def test_pages_are_cached_per_interface_language(member_client):
    url = reverse("reading:paper_list")
    member_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(member_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN"), "论文")


def test_page_cache_off_renders_every_view(member_client, settings, django_assert_num_queries):
    settings.PAGECACHE_ENABLED = False
    paper = PaperFactory(title_en="Chain of Thought")
    member_client.get(paper.get_absolute_url())
    # The same as the first view: the page is rendered again, not read from the cache
    # (user, paper, what the member may read, the related records with the organisations
    # and topics, lists, the member's and their groups' statuses, their groups and the
    # discussions).
    with django_assert_num_queries(8):
        response = member_client.get(paper.get_absolute_url())
    assertContains(response, "Chain of Thought")


def test_a_lost_generation_never_brings_back_an_old_page(member_client):
    from django.core.cache import cache

    from core.pagecache import GENERATION_KEY

    paper = PaperFactory(title_en="Old title")
    member_client.get(paper.get_absolute_url())
    paper.title_en = "New title"
    paper.save()
    cache.delete(GENERATION_KEY)  # evicted, culled or a restarted cache server
    assertContains(member_client.get(paper.get_absolute_url()), "New title")


def test_a_login_keeps_every_cached_page(client, member_client, member):
    from core.pagecache import generation

    before = generation()
    client.login(username=member.username, password="correct horse battery staple")
    assert generation() == before


def test_an_admin_change_list_is_cached_until_the_content_changes(
    staff_client, django_assert_num_queries
):
    url = reverse("admin:papers_paper_changelist")
    PaperFactory(title_en="Chain of Thought")
    assertContains(staff_client.get(url), "Chain of Thought")
    with django_assert_num_queries(1):  # the user
        assertContains(staff_client.get(url), "Chain of Thought")
    PaperFactory(title_en="Tree of Thoughts")
    assertContains(staff_client.get(url), "Tree of Thoughts")


def test_an_admin_change_list_with_a_message_is_shown_and_not_cached(staff_client):
    paper = PaperFactory(title_en="Chain of Thought")
    changelist = reverse("admin:papers_paper_changelist")
    staff_client.get(changelist)
    change = reverse("admin:papers_paper_change", args=[paper.pk])
    form = staff_client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"title_en": "Chain-of-Thought", "slug": paper.slug, "sources": []})
    data.update({"notes-TOTAL_FORMS": 0, "notes-INITIAL_FORMS": 0})
    data["revision"] = form["revision"].value()  # the revision the form was opened at
    response = staff_client.post(change, data, follow=True)
    assert response.redirect_chain[-1][0] == changelist
    assertContains(response, "was changed successfully")
    assertContains(response, "Chain-of-Thought")
    assertNotContains(staff_client.get(changelist), "was changed successfully")


def test_a_change_to_the_code_makes_every_cached_page_stale(member_client, monkeypatch):
    from core import fragments, pagecache

    PaperFactory(title_en="Chain of Thought")
    first = member_client.get(reverse("reading:paper_list"))
    assert first.status_code == 200
    # A deploy: every page and fragment is keyed by the code version.
    monkeypatch.setattr(pagecache, "code_version", lambda: "a-new-deploy")
    monkeypatch.setattr(fragments, "code_version", lambda: "a-new-deploy")
    with CaptureQueriesContext(connection) as queries:
        again = member_client.get(reverse("reading:paper_list"))
    assert len(queries) > 1  # rendered afresh, not served from the cache
    assertContains(again, "Chain of Thought")


def test_a_page_the_browser_holds_is_answered_304(member_client, member):
    from django.test import Client

    paper = PaperFactory(title_en="Chain of Thought")
    first = member_client.get(paper.get_absolute_url())
    etag = first["ETag"]
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    again = member_client.get(paper.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    paper.title_en = "Chain-of-Thought Prompting"
    paper.save()
    changed = member_client.get(paper.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assertContains(changed, "Chain-of-Thought Prompting")
    # Another session never gets this session's page as "not modified".
    other_session = Client()
    other_session.force_login(member)
    other = other_session.get(paper.get_absolute_url(), HTTP_IF_NONE_MATCH=changed["ETag"])
    assert other.status_code == 200


def test_a_members_generation_moves_only_their_pages(member_client, member, settings):
    from core.pagecache import bump_members, generation, member_generation
    from tests.factories import UserFactory

    settings.PAGECACHE_ENABLED = True
    other = UserFactory()
    url = reverse("reading:home")  # a page of the member's own, kept per session
    member_client.get(url)

    def rendered():
        return bool(member_client.get(url).templates)  # none when from the page cache

    assert not rendered()
    before = generation(), member_generation(other.pk), member_generation(member.pk)
    bump_members([member.pk])
    assert (generation(), member_generation(other.pk)) == before[:2]
    assert member_generation(member.pk) != before[2]
    assert rendered()  # made afresh for the member
    assert not rendered()  # and kept again


def test_changes_in_a_batch_move_the_generation_and_stamps_on_once_at_its_end(
    member_client, django_capture_on_commit_callbacks
):
    from core import pagecache

    paper = PaperFactory(title_en="Old title")
    member_client.get(paper.get_absolute_url())
    keys = [pagecache.stamp_key("papers.paper"), pagecache.stamp_key("papers.paper", paper.pk)]
    generation, stamps = pagecache.generation(), pagecache.stamps(keys)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pagecache.changes_batched():
            paper.title_en = "New title"
            paper.save()
            NoteFactory(paper=paper)
            assert (pagecache.generation(), pagecache.stamps(keys)) == (generation, stamps)
        assert pagecache.generation() != generation
        assert all(a != b for a, b in zip(pagecache.stamps(keys), stamps, strict=True))
    assert len(callbacks) == 1  # the batch's one bump after the commit, not one a record
    assertContains(member_client.get(paper.get_absolute_url()), "New title")
