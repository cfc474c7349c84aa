"""Setting a new password by e-mail, with limits: anyone may type a member's address,
and every link sent fills that member's inbox and costs the site a message.

Django's view answers alike whether an account has the address or not; the limits
keep it so. An address is counted as typed (stripped, lower-cased), known or not, and
over its limit the form says the same words for any address. The client is counted
by the address the login lockout counts (core.auth.client_address). The counters live
in the shared cache, one per fixed window of PASSWORD_RESET_WINDOW seconds
(core.limits).
"""

import hashlib
import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import ngettext, ngettext_lazy

from .auth import client_address
from .limits import count_in_window

# Django 5.2's message for a short password, whose words changed and which its Chinese
# catalogue lacks: named here so that makemessages keeps the project's Chinese for it
# (locale/), shown on password change, reset and the settings page.
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    8,
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, sending nothing past either limit: the form again, the address still
    in it, with a message that reads the same whatever the address."""

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW
        client = client_address(self.request)
        count, seconds_left = count_in_window(f"password-reset:ip:{client}", window)
        minutes = math.ceil(seconds_left / 60)
        if count > settings.PASSWORD_RESET_PER_IP:
            message = ngettext(
                "Many links have been asked for from your connection in a short time. "
                "You can ask again in %(minutes)s minute.",
                "Many links have been asked for from your connection in a short time. "
                "You can ask again in %(minutes)s minutes.",
                minutes,
            )
            form.add_error("email", message % {"minutes": minutes})
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(seconds_left)
            return response
        # Hashed: a short key, and the cache holds nobody's address.
        address = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        count, seconds_left = count_in_window(f"password-reset:address:{address}", window)
        minutes = math.ceil(seconds_left / 60)
        if count > settings.PASSWORD_RESET_PER_ADDRESS:
            message = ngettext(
                "Links for this address have already been asked for several times: if an "
                "account has it, they are on their way (look in your spam folder too). You "
                "can ask again in %(minutes)s minute.",
                "Links for this address have already been asked for several times: if an "
                "account has it, they are on their way (look in your spam folder too). You "
                "can ask again in %(minutes)s minutes.",
                minutes,
            )
            form.add_error("email", message % {"minutes": minutes})
            return self.form_invalid(form)
        return super().form_valid(form)
