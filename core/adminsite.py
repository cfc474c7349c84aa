"""The site's admin: Django's AdminSite under the group's name, without the app list
beside every page.

Django's ``each_context`` builds the list of every app and model the organiser may
see, for the sidebar, on every admin page; the sidebar is off here (the paper change
list needs the width for its titles and filters: at 1280 px they wrapped to eight
lines), so the list is made only where a page shows it (the home page, an app's page).
Beside it, what every admin form shares: labels as the names are written, a refused date
or time that shows the format it takes, readable duplicate-row messages.
"""

import datetime
import functools

from django.contrib import admin
from django.contrib.admin.options import FORMFIELD_FOR_DBFIELD_DEFAULTS
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# Django's own messages that its Chinese catalogue words unlike the site: 您 where the site
# says 你 and a Latin full stop ("您可以在下面再次编辑它."), spaces around the names ("具有
# 网址标识 的 论文 已存在。", "选择 论文 来修改", "以 年份"). Named here, they are in the
# site's catalogue, which Django reads after its own (LOCALE_PATHS): its wording replaces
# theirs.
DJANGO_REWORDED = (
    gettext_noop("You may edit it again below."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    # The titles, buttons, action and filter headings of the change lists and forms.
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop(" By %(filter_title)s "),
    # What a member who is not staff reads on the admin's login page.
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this "
        "page. Would you like to login to a different account?"
    ),
    # A text too long or too short, on a site form or the admin's: "确保该变量包含不超过 300
    # 字符 (目前字符数 400)。" named it a variable, with Latin brackets.
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)

# Names written with a small first letter, which Django's capfirst spoils in each label it
# makes of a verbose name and in each message: "arXiv ID" became "ArXiv ID" (in Chinese
# too: "ArXiv 编号"), "arXiv could not be reached" "ArXiv could not …".
SMALL_FIRST = ("arXiv", "doi.org")


def label_case(text):
    """capfirst(text), but for a text that begins with a name of SMALL_FIRST."""
    return text if str(text).startswith(SMALL_FIRST) else capfirst(text)


class WrittenLabels:
    """A ModelAdmin whose form labels begin with a name of SMALL_FIRST as its model's
    verbose names write them, not capitalised."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and str(db_field.verbose_name).startswith(SMALL_FIRST):
            formfield.label = db_field.verbose_name
        return formfield


# The moment the format hints show, written as the admin's date and time inputs write a
# value (the active language's first input format, which its calendar and clock also
# write): 2024-03-15 and 14:30:00 in English, 2024/03/15 and 14:30 in Chinese.
EXAMPLE = datetime.datetime(2024, 3, 15, 14, 30)


def _example(kind):
    return EXAMPLE.strftime(get_format(f"{kind}_INPUT_FORMATS")[0])


def _date_hint():
    return gettext("Enter a valid date, such as %(example)s.") % {"example": _example("DATE")}


def _time_hint():
    return gettext("Enter a valid time, such as %(example)s.") % {"example": _example("TIME")}


# Lazy: each message is written when shown, in the language of the page that shows it.
date_hint, time_hint = lazy(_date_hint, str)(), lazy(_time_hint, str)()


def hint_date_formats():
    """Give every admin form's date, time and date-time field (each ModelAdmin's and
    inline's, the site's and the packages' alike) a refusal that shows the format it
    takes: Django said "Enter a valid date." and no more. Through the defaults Django's
    admin gives each kind of model field's form field, which every ModelAdmin copies
    when it is made: call this before the admins are registered (core.apps)."""
    FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField]["error_messages"] = {"invalid": date_hint}
    FORMFIELD_FOR_DBFIELD_DEFAULTS[models.TimeField]["error_messages"] = {"invalid": time_hint}
    # A date-time is typed in two inputs (forms.SplitDateTimeField), each with its message.
    FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField]["error_messages"] = {
        "invalid_date": date_hint,
        "invalid_time": time_hint,
    }


class SiteAdmin(admin.AdminSite):
    # The admin says whose it is, not "Django administration".
    site_header = _("LLM Reading Group · admin")
    site_title = _("LLM Reading Group admin")
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """Django's list of apps, made when a page first reads it."""
        make = super().get_app_list
        return SimpleLazyObject(lambda: make(request, app_label))

    def password_change(self, request, extra_context=None):
        """Django's, its current password checked as a login is: a wrong one counts toward
        the login lockout (core.auth.confirms_password). Organisers are staff: guessed
        here without end, it was the lockout's way round."""
        from .views import AdminPasswordChangeForm, PasswordChangeView

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=AdminPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def admin_view(self, view, cacheable=False):
        """Django's, with a list's filter value too large for a number (a date
        hierarchy's ``?released__year=99999999999999999999``) answered as Django answers
        one it cannot read: the list again, with ``?e=1``. Django's date hierarchy
        catches ValueError alone, and such a value was a 500."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except OverflowError:
                if request.method != "GET" or not request.GET or ERROR_FLAG in request.GET:
                    raise
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

        return guarded


class ReadableInlineFormSet(BaseInlineFormSet):
    """An inline's formset whose duplicate-row message names the fields as the form labels
    them: Django names them by their attribute ("请修改paper的重复数据"), and the record
    they are on too."""

    def get_unique_error_message(self, unique_check):
        # The link to the record the rows are on goes without saying.
        names = [name for name in unique_check if name != self.fk.name] or unique_check
        labels = [self._label(name) for name in names]
        return gettext("Please correct the duplicate data for %(field)s, which must be unique.") % {
            "field": get_text_list(labels, gettext("and"))
        }

    def _label(self, name):
        field = self.form.base_fields.get(name)
        if field is not None and field.label:
            return str(field.label)
        return str(self.model._meta.get_field(name).verbose_name)
