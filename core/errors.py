"""Error views in the site's design (registered in config/urls.py)."""

import sys

from django.http import HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

from core.middleware import DATABASE_ERRORS, database_unavailable, for_programs, json_error


@requires_csrf_token
def server_error(request):
    """Render 500.html, or 503.html when the error is a lost database; to a program (the
    API), the same in JSON.

    A database error raised before any view runs (loading the session, say) does not
    reach the middleware's process_exception; it arrives here. Neither template
    needs the request or the database.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request)
    if for_programs(request):
        return json_error(
            request, _("The server failed to answer; the error has been logged."), 500
        )
    return HttpResponseServerError(loader.render_to_string("500.html"))
