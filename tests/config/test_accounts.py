"""A member's own password pages (config/urls.py, templates/accounts/): changing it from
the settings, and setting a new one by e-mail from the login page, in the site's look
(Django's own are the admin's: "Django 站点管理员")."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

pytestmark = pytest.mark.django_db
ZH = "zh-CN,zh;q=0.9"


def test_a_member_changes_their_password_from_the_settings(client, member):
    member.set_password("old secret of mine 1")
    member.save()
    client.force_login(member)
    settings_page = client.get(reverse("notes:member_settings"), HTTP_ACCEPT_LANGUAGE=ZH)
    assertContains(settings_page, f'<a href="{reverse("password_change")}">修改密码</a>')
    page = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE=ZH)
    assertContains(page, "先填当前密码")
    assertNotContains(page, "Django")
    # The field is called as the lead calls it, not Django's "Old password" (旧密码).
    assertContains(page, '<label for="id_old_password">当前密码')
    assertNotContains(page, "旧密码")
    answer = client.post(
        reverse("password_change"),
        {
            "old_password": "old secret of mine 1",
            "new_password1": "a new long passphrase 2",
            "new_password2": "a new long passphrase 2",
        },
    )
    assertRedirects(answer, reverse("password_change_done"))
    member.refresh_from_db()
    assert member.check_password("a new long passphrase 2")
    done = client.get(reverse("password_change_done"), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(done, "Your new password is in use")


def test_a_wrong_current_password_is_said_and_changes_nothing(client, member):
    member.set_password("old secret of mine 1")
    member.save()
    client.force_login(member)
    page = client.post(
        reverse("password_change"),
        {
            "old_password": "not it",
            "new_password1": "a new long passphrase 2",
            "new_password2": "a new long passphrase 2",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assertContains(page, 'role="alert"')
    assert "old_password" in page.context["form"].errors
    member.refresh_from_db()
    assert member.check_password("old secret of mine 1")


def test_a_member_who_forgot_sets_a_new_password_by_e_mail(client, member):
    member.email = "alice@example.org"
    member.save()
    login_page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=ZH)
    assertContains(login_page, f'<a href="{reverse("password_reset")}">忘记密码？</a>')
    form = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE=ZH)  # no login asked
    assertContains(form, "发送链接")
    sent = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assertRedirects(sent, reverse("password_reset_done"))
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_form = client.get(link, follow=True)
    assertContains(set_form, "new_password1")
    done = client.post(
        set_form.redirect_chain[-1][0] if set_form.redirect_chain else link,
        {"new_password1": "a new long passphrase 3", "new_password2": "a new long passphrase 3"},
    )
    assertRedirects(done, reverse("password_reset_complete"))
    member.refresh_from_db()
    assert member.check_password("a new long passphrase 3")
    again = client.get(link, HTTP_ACCEPT_LANGUAGE="en")  # used once: no more
    assertContains(again, "This link can no longer be used")


def test_an_unknown_address_is_not_told_apart(client):
    page = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assertContains(page, "If an account has that address")
    assert mail.outbox == []


def test_chinese_members_read_the_password_pages_and_the_reset_mail_in_chinese(client, member):
    """Django 5.2's words for a short password and for the username in the reset mail
    are missing from its Chinese catalogue: they came in English among Chinese."""
    member.email = "alice@example.org"
    member.set_password("old secret of mine 1")
    member.save()
    client.force_login(member)
    short = client.post(
        reverse("password_change"),
        {"old_password": "old secret of mine 1", "new_password1": "a1b", "new_password2": "a1b"},
        HTTP_ACCEPT_LANGUAGE=ZH,
    )
    assertContains(short, "密码太短。密码必须包含至少 8 个字符。")
    assertNotContains(short, "too short")
    client.logout()
    client.post(reverse("password_reset"), {"email": "alice@example.org"}, HTTP_ACCEPT_LANGUAGE=ZH)
    body = mail.outbox[0].body
    assert f"提醒一下，你的用户名是： {member.username}" in body
    assert not re.search(r"forgotten|receiving|Thanks|Please|team", body)
