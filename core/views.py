"""Site-wide views that need no app: reading and interface language, logging out, health
check."""

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .auth import confirms_password

READING_COOKIE = "reading"
READING_CHOICES = {"zh", "en", "both"}


@require_POST
def set_reading_language(request):
    """Remember whether the reader wants Chinese, English or both side by side."""
    choice = request.POST.get("reading")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if choice in READING_CHOICES:
        response.set_cookie(READING_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax")
    return response


# The interface language can be chosen on the login page too.
set_interface_language = login_not_required(set_language)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, its current password checked as a login is (core.auth.confirms_password)
    and called so, as the page's lead and the settings page call it (Django's label is
    "Old password")."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not confirms_password(self.request, self.user, old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class AdminPasswordChangeForm(PasswordChangeForm):
    """The admin's (core.adminsite.SiteAdmin.password_change), as Django's marks it."""

    required_css_class = "required"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class LogoutView(auth_views.LogoutView):
    """Django's, and the login page it lands on says so: it looked as if the click had
    done nothing. (The message goes in its cookie: the session is gone.)"""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


@never_cache
def health(request):
    """Answer "ok" and the member's name: a health check through login and every middleware.

    Load balancers can probe it with a session, and the benchmark uses it as the
    floor: the lightest page the site serves to a logged-in member.
    """
    return HttpResponse(f"ok {request.user.get_username()}\n", content_type="text/plain")
