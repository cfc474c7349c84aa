"""Uploading a figure from the editor, and serving figures.

The upload answers the editor's script in JSON, whatever goes wrong: 400 for a file
that is not an accepted image, 403 for a member who may not add figures or a request
whose CSRF token is refused, 413 for a file over the limit, each with the message to
show in the member's interface language. A caller who is not logged in is sent to the
login page, as the editor's preview is (LoginRequiredMiddleware). Its answers are
never cached (``never_cache``); neither view goes through the page cache
(core/pagecache.py), so a figure's bytes reach the browser as stored.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import figures
from .models import Figure
from .permissions import may_add_figures

A_YEAR = 365 * 24 * 3600


# What a multipart form holds besides the file: its boundaries, headers and CSRF field.
FORM_OVERHEAD = 16 * 1024


def _declared_size(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refused(message, status):
    return JsonResponse({"error": message}, status=status)


def _csrf_refused(request):
    """Whether Django's CSRF check refuses the request: checked here, so that the refusal
    is answered in JSON, not with the HTML page of the middleware's own refusal."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None


@csrf_exempt  # checked in the view (_csrf_refused)
@never_cache
@require_POST
def figure_upload(request):
    """Keep the image in the multipart field ``file``: 201 with its address and the
    Markdown that shows it (200 when the same image was uploaded before)."""
    declared = _declared_size(request)
    if declared > settings.FIGURE_MAX_BYTES + FORM_OVERHEAD:
        # Refused before the body is read (the CSRF check reads the form): a file far over
        # the limit is not received whole first, into memory or a temporary file.
        return _refused(figures.too_large(declared).messages[0], 413)
    if _csrf_refused(request):
        return _refused(_("Your session has changed; reload the page, then upload again."), 403)
    if not may_add_figures(request.user):
        return _refused(_("Figures are added by the members of a reading group."), 403)
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(_("Choose an image to upload."), 400)
    try:
        figure, created = figures.store(upload, request.user)
    except ValidationError as refusal:
        return _refused(refusal.messages[0], 413 if refusal.code == figures.TOO_LARGE else 400)
    return JsonResponse(
        {
            "url": figure.get_absolute_url(),
            "markdown": figure.markdown,
            "name": figure.uploaded_as,  # as the member named it, not the first uploader
            "width": figure.width,
            "height": figure.height,
        },
        status=201 if created else 200,
    )


@require_safe
def figure(request, sha256, extension):
    """The figure's bytes, as uploaded.

    Every logged-in member may read every figure, whatever note shows it: the address
    is the image's SHA-256, which only someone shown the image (or its address) knows.
    The address never changes what it answers, so browsers keep it for a year and ask
    again only with its ETag (304). ``nosniff`` (SecurityMiddleware) keeps a browser from
    reading the bytes as anything but the stored image type.
    """
    found = get_object_or_404(Figure.objects.only("sha256", "content_type", "name"), sha256=sha256)
    if extension != found.extension:
        raise Http404
    etag = quote_etag(found.sha256)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(bytes(found.data), content_type=found.content_type)
        response["Content-Disposition"] = content_disposition_header(False, found.name)
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={A_YEAR}, immutable"
    return response
