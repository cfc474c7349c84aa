"""The API's pages in a browser: the tokens page, and the interactive docs under the CSP."""

import pytest

from tests.browser.conftest import click_and_load, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_make_use_and_revoke_a_token(page, member):
    login(page, member, next_url="/notes/")
    click_and_load(page, "text=API tokens for scripts and other tools")
    page.fill("#id_name", "Zotero sync")
    page.check("input[name=scope][value=write]")
    click_and_load(page, "#new-token button[type=submit]")
    secret = page.inner_text(".token-secret pre code").strip()
    assert secret.startswith("rg_")
    screenshot(page, "api-tokens")
    answer = page.request.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    page.reload()  # the page a redirect led to: shown once, and nothing made again
    assert secret not in page.content()
    assert page.locator(".token-row").count() == 1
    asked = []

    def answer_dialog(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer_dialog)
    page.click(".token-row button.danger")  # asked first: "no" keeps the token
    assert asked == ["Revoke “Zotero sync”? Every tool that uses it stops working at once."]
    assert page.locator(".token-row.is-revoked").count() == 0
    click_and_load(page, ".token-row button.danger")  # then "yes": the form posts
    assert page.locator(".token-row.is-revoked").count() == 1
    refused = page.request.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401, (refused.status, refused.text())


def test_docs_run_under_the_csp_and_try_a_call(page, member):
    login(page, member, next_url="/api/v1/docs")
    page.wait_for_selector("text=List papers")
    screenshot(page, "api-docs")
    # The docs call the API with the member's session.
    answer = page.request.get("/api/v1/papers?page_size=1")
    assert answer.status == 200
