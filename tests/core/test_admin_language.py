"""The admin in Chinese where Django and its add-ons leave English: permission names,
the "Add user" page, the login lockout's records, the history's reason for a loaded
record, and the mentions' list."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.history import record_initial_history
from notes.models import Mention
from tests.factories import GlossaryTermFactory, LanguageModelFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh_client(staff_client):
    staff_client.cookies["django_language"] = "zh-hans"
    return staff_client


@pytest.mark.parametrize("page", ["admin:auth_group_add", "admin:auth_user_change"])
def test_permissions_are_named_in_the_readers_language(zh_client, admin_user, page):
    args = [admin_user.pk] if page.endswith("change") else []
    response = zh_client.get(reverse(page, args=args))
    assertContains(response, ">知识库 | 论文 | 可以增加 论文</option>")
    assertContains(response, ">知识库 | 论文 | 可以查看 论文</option>")
    assertNotContains(response, "Can add paper")
    # The stored names stay as Django wrote them: other tools read them.
    assert Permission.objects.get(codename="add_paper").name == "Can add paper"


def test_a_records_history_and_its_topics_are_named_in_the_readers_language(zh_client):
    """simple-history named its models once, in the language the server started in
    ("historical 笔记"); taggit's links had no name at all ("tagged paper")."""
    response = zh_client.get(reverse("admin:auth_group_add"))
    assertContains(response, ">读书会 | 笔记的历史记录 | 可以查看 笔记的历史记录</option>")
    assertContains(response, ">知识库 | 论文主题 | 可以增加 论文主题</option>")
    assertNotContains(response, "historical")
    assertNotContains(response, "tagged")


def test_deleting_a_paper_counts_its_topics_by_their_name(zh_client):
    paper = PaperFactory()
    paper.tags.add("Alignment", "Agents")
    response = zh_client.get(reverse("admin:papers_paper_delete", args=[paper.pk]))
    assertContains(response, "论文主题：2")
    assertNotContains(response, "Tagged papers")


def test_permissions_keep_their_english_names_in_english(staff_client):
    response = staff_client.get(reverse("admin:auth_group_add"))
    assertContains(response, ">Knowledge base | paper | Can add paper</option>")


def test_the_add_user_page_says_what_comes_next_in_chinese(zh_client):
    assertContains(zh_client.get(reverse("admin:auth_user_add")), "创建用户之后")


def test_the_login_lockout_records_are_headed_in_chinese(zh_client, client):
    response = zh_client.get(reverse("admin:axes_accesslog_changelist"))
    for english in ("Attempt Time", "Logout Time", "User Agent", "IP Address"):
        assertNotContains(response, english)
    assertContains(response, "尝试时间")


def test_a_loaded_records_history_gives_its_reason_in_the_readers_language(zh_client):
    model = LanguageModelFactory(name="LLaMA", slug="llama")
    record_initial_history([model])
    url = reverse("admin:papers_languagemodel_history", args=[model.pk])
    assertContains(zh_client.get(url), "从读书会的文档载入")
    zh_client.cookies["django_language"] = "en"
    assertContains(zh_client.get(url), "Loaded from the group&#x27;s documents")


def test_the_mentions_list_names_both_ends_and_filters_by_the_kinds_linked(zh_client):
    note = NoteFactory(title_zh="读 LLaMA")
    model = LanguageModelFactory(name="LLaMA", slug="llama")
    term = GlossaryTermFactory(title_en="RLHF", title_zh="人类反馈强化学习")
    for target in (model, term):
        Mention.objects.create(note=note, target=target)
    response = zh_client.get(reverse("admin:notes_mention_changelist"))
    page = response.content.decode()
    assert "语言模型：LLaMA" in page and f"术语表条目：{term}" in page
    assert "提及于" in page and "链接到" in page
    assert "Target" not in page
    # The filter offers the two kinds linked to, not every model of the site.
    assert "会话 | 会话" not in page and "知识库 | 论文" not in page


def test_djangos_own_messages_are_worded_as_the_site_words_them(zh_client):
    """Django's catalogue says 您 where the site says 你, ends a sentence with a Latin full
    stop ("您可以在下面再次编辑它.") and spaces its names ("具有 网址标识 的 论文 已存在。")."""
    paper = PaperFactory(title_en="A paper", slug="a-paper")
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    from tests.notes.test_forms import admin_post_data

    data = admin_post_data(zh_client.get(url))
    saved = zh_client.post(url, {**data, "venue": "ACL", "_continue": "1"}, follow=True)
    assertContains(saved, "你可以在下面再次编辑它。")
    assertNotContains(saved, "您可以")
    other = PaperFactory(title_en="Another paper")
    other_url = reverse("admin:papers_paper_change", args=[other.pk])
    refused = zh_client.post(
        other_url, {**admin_post_data(zh_client.get(other_url)), "slug": "a-paper"}
    )
    assertContains(refused, "已有网址标识相同的论文。")


def test_the_change_lists_and_forms_name_their_records_without_spaces(zh_client):
    """Django's catalogue spaced the names in its titles, buttons, action and filter
    headings ("选择 论文 来修改", "增加 论文", "以 年份"); the site's words them as Chinese
    is written (a browser walk)."""
    paper = PaperFactory(title_en="A paper", year=2023)
    listing = zh_client.get(reverse("admin:papers_paper_changelist")).content.decode()
    for text in ("选择要修改的论文", "添加论文", "删除所选的论文", "按年份"):
        assert text in listing
    for text in ("选择 论文 来修改", "增加 论文", "以 年份"):
        assert text not in listing
    form = zh_client.get(reverse("admin:papers_paper_change", args=[paper.pk]))
    assert "<title>A paper | 修改论文 |" in form.content.decode()
    assert "添加论文" in zh_client.get(reverse("admin:papers_paper_add")).content.decode()


def test_a_member_who_is_not_staff_is_told_so_on_the_admins_login_page(member_client, member):
    member_client.cookies["django_language"] = "zh-hans"
    response = member_client.get(reverse("admin:index"), follow=True)
    assertContains(response, f"你已用账号 {member.username} 登录，但它无权打开这个页面。")
    assertNotContains(response, "您")


def test_a_text_too_long_is_refused_in_the_sites_words():
    field = forms.CharField(max_length=300)
    with translation.override("zh-hans"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("长" * 400)
        assert refused.value.messages == ["最多可写 300 个字符（现在有 400 个）。"]
