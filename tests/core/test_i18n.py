import ast
import gettext
import json
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

pytestmark = pytest.mark.django_db

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOGUE / "django.po"))


@pytest.fixture(scope="module")
def mo():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        return gettext.GNUTranslations(handle)


def _entries(po):
    return [entry for entry in po if entry.msgid and not entry.obsolete]


def _nav(language):
    """The main navigation links as base.html renders them."""
    labels = {"zh": ("论文", "模型", "数据集"), "en": ("Papers", "Models", "Datasets")}[language]
    urls = (
        reverse("reading:paper_list"),
        reverse("papers:model_list"),
        reverse("papers:dataset_list"),
    )
    return [f'<a href="{url}">{label}</a>' for url, label in zip(urls, labels, strict=True)]


def test_catalogue_header_declares_chinese_with_one_plural_form(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8")


def test_catalogue_has_no_fuzzy_or_empty_entries(po):
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    assert len(_entries(po)) > 300


def test_catalogue_keeps_every_placeholder(po):
    mismatched = []
    for entry in _entries(po):
        source = entry.msgid_plural or entry.msgid
        translated = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
            mismatched.append(entry.msgid)
    assert mismatched == []


GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "gettext_lazy"}
APPS = ["api", "bench", "config", "core", "notes", "papers", "reading", "search"]


def _gettext_calls_in_fstrings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and getattr(call.func, "id", "") in GETTEXT_CALLS
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    yield f"{path.relative_to(settings.BASE_DIR)}:{call.lineno}"


def test_no_text_is_translated_inside_an_fstring():
    """makemessages (xgettext) does not look inside f-strings: a text translated there
    drops out of the catalogue at the next refresh and shows in English."""
    found = [
        place
        for app in APPS
        for path in sorted((settings.BASE_DIR / app).rglob("*.py"))
        for place in _gettext_calls_in_fstrings(path)
    ]
    assert found == []


def test_compiled_catalogue_matches_po(po, mo):
    assert mo.info()["plural-forms"] == "nplurals=1; plural=0;"
    stale = []
    for entry in _entries(po):
        if entry.msgid_plural:
            expected = entry.msgstr_plural[0]
            for n in (1, 2):
                if entry.msgctxt:
                    got = mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = mo.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != expected:
                    stale.append(entry.msgid)
        else:
            if entry.msgctxt:
                got = mo.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = mo.gettext(entry.msgid)
            if got != entry.msgstr:
                stale.append(entry.msgid)
    assert stale == [], "run `make messages` to recompile django.mo"


def test_site_answers_in_chinese_when_the_browser_asks(member_client):
    response = member_client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response.headers["Content-Language"] == "zh-hans"
    assertContains(response, '<html lang="zh-Hans">')
    for link in _nav("zh"):
        assertContains(response, link, html=True)
    assertContains(response, "退出登录")
    assertNotContains(response, "Log out")


def test_site_answers_in_english_when_the_browser_asks(member_client):
    response = member_client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.headers["Content-Language"] == "en"
    assertContains(response, '<html lang="en">')
    for link in _nav("en"):
        assertContains(response, link, html=True)
    assertContains(response, "Log out")
    assertNotContains(response, "退出登录")


@pytest.mark.parametrize(
    ("accept", "expected", "absent"),
    [
        ("zh-CN,zh;q=0.9", ["<h1>登录</h1>", "用户名", "密码"], "Username"),
        ("en-US,en;q=0.9", ["<h1>Log in</h1>", "Username", "Password"], "用户名"),
    ],
)
def test_login_page_follows_the_browser_language(client, accept, expected, absent):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)

    for text in expected:
        assertContains(response, text)
    assertNotContains(response, absent)


def test_language_switch_changes_the_page_and_is_remembered(member_client):
    home = reverse("reading:home")

    response = member_client.post(
        reverse("set_language"), {"language": "en", "next": home}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    assertRedirects(response, home, fetch_redirect_response=False)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # The cookie outweighs the browser's Accept-Language on later requests.
    response = member_client.get(home, HTTP_ACCEPT_LANGUAGE="zh-CN")
    for link in _nav("en"):
        assertContains(response, link, html=True)

    member_client.post(reverse("set_language"), {"language": "zh-hans", "next": home})
    response = member_client.get(home, HTTP_ACCEPT_LANGUAGE="en")
    for link in _nav("zh"):
        assertContains(response, link, html=True)


def test_language_switch_works_before_logging_in(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("login")}
    )

    assertRedirects(response, reverse("login"), fetch_redirect_response=False)
    assertContains(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en"), "用户名")


def test_admin_shows_field_names_in_chinese(staff_client):
    response = staff_client.get(reverse("admin:papers_paper_add"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assertContains(
        response, '<h2 id="fieldset-0-1-heading" class="fieldset-heading">发表信息</h2>', html=True
    )
    assertContains(response, '<label for="id_title_zh">标题（中文）：</label>', html=True)
    assertContains(response, '<option value="private">私密（仅自己）</option>', html=True)


def test_admin_speaks_chinese_when_asked(staff_client):
    response = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    page = response.content.decode()
    assert "站点管理" in page
    assert '<a href="/admin/">LLM 读书会 · 管理后台</a>' in page  # not "Django 管理"
    assert "<title>站点管理 | LLM 读书会管理后台</title>" in page
    assert "Django" not in page
    # The tables' headers for screen readers (Django's catalogue has them in English).
    for header in ("名称", "添加链接", "修改或查看列表的链接"):
        assert f'<th scope="col">{header}</th>' in page
    assert "Add link" not in page


@pytest.mark.parametrize(
    ("accept", "sections", "absent"),
    [
        ("en", ["Topics", "Login lockout", "Access attempts"], ["Taggit", "Axes"]),
        ("zh-CN", ["主题", "登录锁定", "登录尝试", "登录失败", "登录记录"], ["Taggit", "Axes"]),
    ],
)
def test_the_admin_names_the_installed_apps_for_what_they_do(
    staff_client, accept, sections, absent
):
    """django-taggit's section is the papers' topics, django-axes' the login lockout, in
    both languages (they read "Taggit" and "Axes", the lockout's models in English)."""
    page = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept)
    for text in sections:
        assertContains(page, text)
    for text in absent:
        assertNotContains(page, f">{text}<")


@pytest.mark.parametrize(
    ("accept", "title", "field", "absent"),
    [
        ("en", "Select topic to change", "Topics:", ["Select tag", "Tags:"]),
        ("zh-CN", "选择要修改的主题", "主题：", ["选择要修改的标签", "标签："]),
    ],
)
def test_topics_are_named_topics_in_their_list_and_on_notes(
    staff_client, accept, title, field, absent
):
    """Taggit's tags are the site's topics: its section said Topics above a list of Tags,
    and a note's form said Tags where a paper's says Topics."""
    pages = [
        staff_client.get(reverse("admin:taggit_tag_changelist"), HTTP_ACCEPT_LANGUAGE=accept),
        staff_client.get(reverse("admin:notes_note_add"), HTTP_ACCEPT_LANGUAGE=accept),
    ]
    assertContains(pages[0], title)
    assertContains(pages[1], field)
    for page in pages:
        for text in absent:
            assertNotContains(page, text)


def test_admin_selectors_speak_chinese(staff_client):
    """The two-box selectors' strings Django 5.2's catalogue lacks come from ours
    (locale/zh_Hans/LC_MESSAGES/djangojs.po), merged over Django's own."""
    response = staff_client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    catalogue = json.loads(
        re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1)
    )
    assert catalogue["Choose all %s"] == "全选%s"
    assert catalogue["Remove all %s"] == "全部删除%s"
    # Django's own, worded without its spaces ("可用 来源")
    assert (catalogue["Available %s"], catalogue["Chosen %s"]) == ("可选的%s", "已选的%s")
    assert catalogue["Choose"] == "选择"  # Django's own, still there
    # The date picker's weekdays, which Django's catalogue leaves as "S M T W T F S".
    weekdays = [catalogue[f"one letter {day}\x04{letter}"] for day, letter in WEEKDAYS]
    assert weekdays == ["日", "一", "二", "三", "四", "五", "六"]


WEEKDAYS = [
    ("Sunday", "S"),
    ("Monday", "M"),
    ("Tuesday", "T"),
    ("Wednesday", "W"),
    ("Thursday", "T"),
    ("Friday", "F"),
    ("Saturday", "S"),
]


@pytest.mark.parametrize(
    ("accept", "help_text", "absent"),
    [
        ("en", "Topics, separated by commas", "A comma-separated list of tags."),
        ("zh-CN", "主题，以逗号分隔", "逗号分隔的标签列表"),
    ],
)
def test_the_topics_field_says_it_takes_topics(staff_client, accept, help_text, absent):
    """Taggit's own help under the field spoke of tags (逗号分隔的标签列表)."""
    for name in ("papers_paper", "papers_languagemodel", "papers_dataset", "notes_note"):
        page = staff_client.get(reverse(f"admin:{name}_add"), HTTP_ACCEPT_LANGUAGE=accept)
        assertContains(page, help_text)
        assertNotContains(page, absent)
