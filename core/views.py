from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from notes.models import Meeting, Note, ReadingGroup
from papers.models import Paper

READING_COOKIE = "reading"
READING_CHOICES = {"zh", "en", "both"}


def home(request):
    user = request.user
    meetings = (
        Meeting.objects.visible_to(user).select_related("group", "paper").prefetch_related("papers")
    )
    today = timezone.localdate()
    return render(
        request,
        "home.html",
        {
            "groups": ReadingGroup.objects.of(user),
            "next_meetings": meetings.filter(date__gte=today).order_by("date")[:3],
            "latest_meetings": meetings.filter(date__lt=today).order_by("-date")[:3],
            "recent_notes": Note.objects.visible_to(user).for_list()[:8],
            "recent_papers": Paper.objects.for_list(user).order_by("-created")[:8],
        },
    )


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
