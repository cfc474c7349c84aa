"""Reading together: setting one's reading status, "My reading", sharing it with a
group, and writing, editing and deleting comments."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.language import in_interface_language
from core.numbers import whole
from core.templatetags.notices import at
from papers.models import Paper

from . import discussion, progress
from .edit_views import given_back
from .forms import CommentForm
from .models import Comment, Meeting, Membership, Note, ReadingGroup, ReadingList, ReadingStatus
from .models.writing import display_name

Status = ReadingStatus.Status


def _back(request, fallback):
    """Return where a form came from (its ``next`` field), if on this site, else fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@transaction.atomic
def status_set(request, pk):
    """Set (or, with an empty status, clear) the member's reading status of a paper.
    Answers JSON to the page's script, else goes back to the page."""
    paper = get_object_or_404(Paper, pk=pk)
    value = request.POST.get("status", "")
    if value and value not in Status.values:
        if _wants_json(request):
            return JsonResponse({"error": _("Unknown reading status.")}, status=400)
        messages.error(request, _("Unknown reading status."))
        return redirect(_back(request, paper.get_absolute_url()))
    ReadingStatus.set(request.user, paper, value)
    if _wants_json(request):
        label = Status(value).label if value else ""
        return JsonResponse(
            {
                "status": value,
                "label": str(label),
                "progress": _read_notes(request, paper),
                "list_progress": _list_progress(request),
            }
        )
    return redirect(_back(request, paper.get_absolute_url()))


def _read_notes(request, paper):
    """How many of each group the page shows beside the paper have read it now
    ({group id: "2 of 5 members have read it"}): the groups the page asks for (its
    ``progress`` fields), of the member's own."""
    fields = request.POST.getlist("progress")[:20]
    asked = {pk for pk in map(whole, fields) if pk is not None}
    if not asked:
        return {}
    groups = ReadingGroup.objects.of(request.user).filter(pk__in=asked)
    return {
        group.pk: progress.group_progress_and_own(group, [paper.pk], request.user)[0].read_note(
            paper.pk
        )
        for group in groups
    }


def _list_progress(request):
    """How far the group of the reading list the page shows (its ``list`` field) has
    read it now, as the list's page shows it; "" unless the member is in that group."""
    if (pk := whole(request.POST.get("list", ""))) is None:
        return ""
    reading_list = ReadingList.objects.filter(pk=pk, group__isnull=False)
    reading_list = reading_list.select_related("group").first()
    if reading_list is None:
        return ""
    paper_ids = reading_list.items.values_list("paper_id", flat=True)
    group_progress, _statuses, role = progress.group_progress_and_own(
        reading_list.group, list(paper_ids), request.user, names=True
    )
    if role is None:
        return ""
    return render_to_string(
        "notes/_group_progress.html",
        {"reading_list": reading_list, "progress": group_progress},
        request=request,
    )


def my_reading(request):
    """The member's queue (to read, reading), papers of their coming meetings first, and
    what they read lately; whether they share it with each of their groups."""
    user = request.user
    # Meetings that take place and have not ended, as the home page lists them: a
    # skipped week's paper was given to read "for a meeting".
    upcoming = Meeting.objects.visible_to(user).held().coming()
    coming = (
        upcoming.select_related("group", "paper")
        .prefetch_related("papers")
        .order_by("date", "number")[:5]
    )
    coming = list(coming)
    meeting_papers, seen = [], set()
    for meeting in coming:
        for paper in [meeting.paper, *meeting.papers.all()]:
            if paper is not None and paper.pk not in seen:
                seen.add(paper.pk)
                meeting_papers.append((meeting, paper))
    statuses = ReadingStatus.objects.statuses_of(user, [p for _m, p in meeting_papers])
    for _meeting, paper in meeting_papers:
        paper.my_status = statuses.get(paper.pk, "")
    mine = ReadingStatus.objects.of(user).select_related("paper")
    queue = (
        mine.filter(status__in=[Status.TO_READ, Status.READING])
        .annotate(for_meeting=Exists(upcoming.about(OuterRef("paper"))))
        .order_by("-for_meeting", "-changed")
    )
    return render(
        request,
        "notes/my_reading.html",
        {
            "meeting_papers": meeting_papers,
            "queue": queue,
            "read": mine.filter(status=Status.READ).order_by("-changed")[:30],
            "memberships": Membership.objects.filter(user=user).select_related("group"),
        },
    )


@require_POST
def sharing_set(request, slug):
    """Share one's reading statuses with one of one's groups, or stop sharing them."""
    membership = get_object_or_404(Membership, user=request.user, group__slug=slug)
    membership.shares_reading = request.POST.get("share") == "1"
    membership.save(update_fields=["shares_reading"])
    group_name = in_interface_language(membership.group, "name")
    if membership.shares_reading:
        messages.success(request, _("%(group)s sees your reading status.") % {"group": group_name})
    else:
        messages.success(
            request,
            _("Your reading status is no longer shown to %(group)s.") % {"group": group_name},
        )
    return redirect("notes:my_reading")


# --- Comments -----------------------------------------------------------------------------


def _post_comment(request, subject, fallback, group=None):
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and (parent_pk := form.cleaned_data.get("parent")):
        parent = discussion.same_discussion(subject, group).live().filter(pk=parent_pk).first()
        if parent is None:
            # Deleted while the member wrote (or of another discussion): the answer is let
            # go of, so that Save posts the text as a comment of its own. Kept in the form,
            # it was refused again at every Save.
            form.data = form.data.copy()
            form.data[form.add_prefix("parent")] = ""
            form.add_error(
                None,
                _(
                    "The comment you answer is no longer there. Your text is below: save it "
                    "and it will be posted as a comment of its own."
                ),
            )
    if not form.is_valid():
        return render(
            request,
            "notes/comment_form.html",
            {"form": form, "subject": subject, "back": fallback},
            status=400,
        )
    comment = discussion.add_comment(
        request.user, subject, form.cleaned_data["body"], group=group, parent=parent
    )
    messages.success(request, _("Your comment was posted."), extra_tags=at(f"comment-{comment.pk}"))
    return redirect(comment.get_absolute_url())


def _comment_given_back(request, message, status, subject=None, comment=None, back=None):
    """The comment form again with the text sent, refused (``edit_views.given_back``):
    what it was written on or the comment it changes was taken away meanwhile. It has no
    Save button, since saving it there could only be refused again."""
    context = {"subject": subject, "comment": comment, "back": back or reverse("reading:home")}
    template = "notes/comment_form.html"
    return given_back(request, CommentForm, message, template, context, status=status)


def _subject_gone(request):
    """A comment sent on a paper, note or meeting that was deleted, or is no longer the
    member's to see or discuss (a note made private, a group left), while they wrote."""
    message = _(
        "What you were commenting on was deleted, or is no longer yours to see, while you "
        "were writing. Your text is below: copy what you need."
    )
    return _comment_given_back(request, message, 410)


@require_POST
def comment_on_paper(request, slug, group):
    paper = Paper.objects.filter(slug=slug).first()
    group = ReadingGroup.objects.of(request.user).filter(slug=group).first()
    if paper is None or group is None:
        return _subject_gone(request)
    return _post_comment(request, paper, paper.get_absolute_url(), group=group)


@require_POST
def comment_on_note(request, slug):
    note = Note.objects.visible_to(request.user).filter(slug=slug).first()
    if note is None:
        return _subject_gone(request)
    return _post_comment(request, note, note.get_absolute_url())


@require_POST
def comment_on_meeting(request, group, number):
    meeting = (
        Meeting.objects.visible_to(request.user)
        .select_related("group")
        .filter(group__slug=group, number=number)
        .first()
    )
    if meeting is None:
        return _subject_gone(request)
    return _post_comment(request, meeting, meeting.get_absolute_url())


def _changeable_comment(request, pk):
    """Return the comment if the user may both read and change it, else None."""
    comments = discussion.changeable(request.user).filter(pk=pk)
    return comments.select_related("paper", "note", "meeting__group", "group", "author").first()


def _own_comment(request, pk):
    """Return the comment if the user may both read and change it, else 404."""
    comment = _changeable_comment(request, pk)
    if comment is None:
        raise Http404
    return comment


def _edit_gone(request, pk):
    """An edit sent after the comment was deleted, or made one the member may no longer
    change or read (a note made private, a moderator's role ended), while they wrote."""
    seen = Comment.objects.visible_to(request.user).filter(pk=pk).first()
    if seen is not None and seen.is_deleted:
        message = _(
            "This comment was deleted while you were editing it. Your text is below: copy "
            "what you need."
        )
        status = 410
    else:  # the same words whether it is there or not: nothing is told of what one may not see
        message = _(
            "You may no longer change this comment, or it is no longer yours to see. Your "
            "text is below: copy what you need."
        )
        status = 403
    subject, back = None, None
    if seen is not None:
        subject, back = seen.subject, seen.get_absolute_url().split("#")[0]
    return _comment_given_back(request, message, status, subject, seen, back)


@transaction.atomic
def comment_edit(request, pk):
    comment = _changeable_comment(request, pk)
    if comment is None:
        if request.method == "POST":
            return _edit_gone(request, pk)
        raise Http404
    form = CommentForm(request.POST or None, instance=comment)
    if comment.author_id != request.user.pk:  # a moderator's edit: not "Your comment"
        name = display_name(comment.author) if comment.author_id else "—"
        form.fields["body"].label = _("Comment by %(name)s") % {"name": name}
    if request.method == "POST" and form.is_valid():
        if form.unchanged:
            said = _("Nothing was changed: the comment is as it was.")
        else:
            form.save()
            said = _("The comment was saved.")
        messages.success(request, said, extra_tags=at(f"comment-{pk}"))
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "notes/comment_form.html",
        {"form": form, "comment": comment, "subject": comment.subject},
    )


@require_POST
@transaction.atomic
def comment_delete(request, pk):
    comment = _own_comment(request, pk)
    comment.soft_delete()
    # Back to the top of its discussion: a paper's, in its group, or the page's.
    section = f"discussion-{comment.group.slug}" if comment.paper_id else "comments"
    messages.success(request, _("The comment was deleted."), extra_tags=at(section))
    url = comment.get_absolute_url().split("#")[0]
    return redirect(f"{url}#{section}")
