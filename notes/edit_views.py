"""Editing a meeting's write-up and minutes on the site."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import EditConflict, MeetingWriteupForm
from .models import Meeting
from .permissions import can_edit_meeting


def meeting_edit(request, group, number):
    """Organisers of the group and the meeting's presenters edit its write-up and minutes.

    A member who may read the meeting but not edit it gets 403; anyone else 404.
    A save over someone else's newer save is refused and the text is kept.
    """
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("group"),
        group__slug=group,
        number=number,
    )
    if not can_edit_meeting(request.user, meeting):
        raise PermissionDenied
    form = MeetingWriteupForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = form.save_checked()
        except EditConflict:
            pass
        else:
            messages.success(request, _("The meeting page was saved."))
            return redirect(meeting)
    return render(request, "notes/meeting_form.html", {"form": form, "meeting": meeting})
