import pytest
from django.urls import reverse

from api.models import ApiToken, Change
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["apitoken", "change", "libraryversion", "restore"])
def test_admin_lists_load(staff_client, admin_user, model):
    ApiToken.issue(admin_user, "bot", "read")
    PaperFactory()
    response = staff_client.get(reverse(f"admin:api_{model}_changelist"))
    assert response.status_code == 200


def test_admin_token_list_reads_a_constant_number_of_queries(
    staff_client, admin_user, django_assert_max_num_queries
):
    for n in range(5):
        ApiToken.issue(admin_user, f"bot {n}", "read")
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:api_apitoken_changelist"))
    assert response.content.decode().count("bot ") >= 5


def test_admin_revokes_tokens(staff_client, admin_user):
    token, _secret = ApiToken.issue(admin_user, "bot", "read")
    response = staff_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_the_admin_revokes_a_token_and_changes_nothing_else_of_it(staff_client, admin_user):
    """Clearing "revoked" brought back a token its member had revoked; naming another
    member its holder made the secret act as them."""
    from tests.factories import UserFactory

    member, other = UserFactory(), UserFactory()
    token, _secret = ApiToken.issue(member, "laptop", "read")
    url = reverse("admin:api_apitoken_change", args=[token.pk])
    form = staff_client.get(url)
    assert set(form.context["adminform"].form.fields) == {"revoked"}
    staff_client.post(
        url,
        {
            "user": other.pk,
            "scope": "write",
            "name": "x",
            "revoked_0": "2020-01-01",
            "revoked_1": "00:00:00",
        },
    )
    token.refresh_from_db()
    assert (token.user, token.scope, token.name) == (member, "read", "laptop")
    assert token.revoked is not None and token.revoked.year > 2020  # when it was revoked
    again = staff_client.get(url)
    assert set(again.context["adminform"].form.fields) == set()
    staff_client.post(url, {"revoked_0": "", "revoked_1": ""})
    token.refresh_from_db()
    assert token.revoked is not None


def test_the_sync_log_is_read_only_and_reads_right_in_chinese(staff_client):
    """Clients sync from the change log: deleting a row would hide a deletion from them.
    Its labels are not the notes' timestamps of the same English words (删除时间)."""
    paper = PaperFactory()
    paper.delete()
    change = Change.objects.get(kind="papers")
    url = reverse("admin:api_change_changelist")
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "删除时间" not in page and "密钥" not in page
    assert "已删除" in page and "标识" in page
    assert 'value="delete_selected"' not in page
    delete = reverse("admin:api_change_delete", args=[change.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Change.objects.filter(pk=change.pk).exists()


def test_the_sync_log_names_each_kind_of_record_in_the_interfaces_language(staff_client):
    """The kind column and filter showed the API's words (reading-lists, tasks …) in the
    Chinese interface; they name the records as the rest of the admin does."""
    PaperFactory()
    url = reverse("admin:api_change_changelist")
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.context["cl"].model_admin.kind_shown(Change.objects.get(kind="papers")) == "论文"
    html = page.content.decode()
    assert "?kind=reading-lists" in html and ">阅读清单</a>" in html
    assert ">reading-lists<" not in html and ">papers<" not in html
    chosen = staff_client.get(f"{url}?kind=papers", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert list(chosen.context["cl"].result_list) == list(Change.objects.filter(kind="papers"))
