"""The admin change list's pieces made once (core/adminlist.py); the rows and filters are
compared with Django's on the demo data in tests/fixtures/test_admin_rows.py."""

from django.contrib.admin import helpers
from django.utils import translation

from core.adminlist import QuickActionForm


def action_form_html(form_class, choices):
    form = form_class(auto_id=None)
    form.fields["action"].choices = choices
    return [str(field) for field in form]


def test_the_action_forms_html_is_djangos_and_kept_per_choices_and_language():
    choices = [("", "---------"), ("delete_selected", "Delete selected <papers>")]
    other = [("", "---------"), ("refresh", "Refresh")]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            djangos = action_form_html(helpers.ActionForm, choices)
            assert action_form_html(QuickActionForm, choices) == djangos
            assert action_form_html(QuickActionForm, choices) == djangos  # kept
            assert action_form_html(QuickActionForm, other) == action_form_html(
                helpers.ActionForm, other
            )
    assert "Delete selected &lt;papers&gt;" in djangos[0]
