"""Planning meetings on the site: the organisers' schedule page, what members do on a
meeting page (sign up, hand back, swap, propose, vote), and members' own settings.

The rules of who may do what come from notes/permissions.py; the workflows, with their
checks and messages, from notes/scheduling.py. A member who may read a meeting but not
do what they asked gets 403; anyone outside the group 404, as for every page of a group.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core.fragments import remembered
from core.numbers import whole
from core.templatetags.notices import at

from . import feeds, scheduling
from .forms import (
    COMMON_ZONES,
    MeetingMoveForm,
    MemberSettingsForm,
    OneOffForm,
    ProposeForm,
    SeriesForm,
)
from .models import (
    Meeting,
    MeetingSeries,
    MemberSettings,
    PaperProposal,
    ReadingGroup,
    SwapRequest,
    by_member_name,
)
from .permissions import may_pick_papers, may_schedule, may_take_part
from .times import meeting_when, own_zone

# Why a member may not do what they asked (the 403 page says it).
ORGANISERS_ONLY = gettext_lazy(
    "Only the group's organisers plan its meetings: the series, the times and places, who presents."
)
MEMBERS_ONLY = gettext_lazy(
    "Only the group's members sign up, propose papers and vote for its meetings."
)
PICKERS_ONLY = gettext_lazy(
    "The papers to read are picked by the meeting's presenters and the organisers."
)


def _group_for(user, slug):
    """Return the group if the user may read it (404 otherwise, as for a missing one)."""
    groups = ReadingGroup.objects.all() if user.is_superuser else ReadingGroup.objects.of(user)
    return get_object_or_404(groups, slug=slug)


def _meeting_for(user, group, number):
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related("group", "series"),
        group__slug=group,
        number=number,
    )


# --- The organisers' schedule page --------------------------------------------------------


@transaction.atomic
def schedule(request, slug):
    """The group's series, its coming meetings (skip, hold, move, assign) and one-offs."""
    group = _group_for(request.user, slug)
    if not may_schedule(request.user, group.pk):
        raise PermissionDenied(ORGANISERS_ONLY)
    series = MeetingSeries.objects.filter(group=group).order_by("pk").first()
    which = request.POST.get("form") if request.method == "POST" else None
    initial = {"first_date": timezone.localdate()}
    series_form = SeriesForm(
        request.POST if which == "series" else None,
        instance=series or MeetingSeries(group=group),
        initial=None if series else initial,
    )
    one_off_form = OneOffForm(
        request.POST if which == "one_off" else None,
        initial={"duration": 90, "time_zone": series.time_zone if series else group_zone(group)},
        # Its fields share names with the series form's: not their ids (a label would
        # focus the other form's field).
        auto_id="one-off-%s",
    )
    if which == "series" and series_form.is_valid():
        series = series_form.save()
        replanned = series.replan()
        messages.success(
            request,
            _("The series was saved; %(count)s coming meetings were added.")
            % {"count": len(replanned.added)},
        )
        if skipped := scheduling.skipped_weeks(replanned.meetings):
            messages.warning(request, skipped)
        if shifted := scheduling.shifted_weeks(series):
            messages.warning(request, shifted)
        return redirect("notes:schedule", slug=group.slug)
    if which == "one_off" and one_off_form.is_valid():
        data = one_off_form.cleaned_data
        try:
            meeting = scheduling.add_one_off(
                group,
                one_off_form.start(),
                data["duration"],
                place=data["place"],
                link=data["link"],
                title_zh=data["title_zh"],
                title_en=data["title_en"],
                presenter_slots=data["presenter_slots"],
            )
        except ValidationError as error:
            one_off_form.add_error(None, error)
        else:
            messages.success(
                request, _("Meeting #%(number)s was added.") % {"number": meeting.number}
            )
            return redirect("notes:schedule", slug=group.slug)
    scheduling.plan_group(group.pk)
    coming = list(group.meetings.coming().for_schedule().order_by("date", "starts_at", "number"))
    suggestions = scheduling.suggestions_for_many(group, coming)
    return render(
        request,
        "notes/schedule.html",
        {
            "group": group,
            "series": series,
            "series_form": series_form,
            "one_off_form": one_off_form,
            "rows": [(m, suggestions.get(m.pk, [])) for m in coming],
            "members": by_member_name(group.memberships.select_related("user")),
            "zones": COMMON_ZONES,
        },
    )


def group_zone(group):
    series = MeetingSeries.objects.filter(group=group).order_by("pk").first()
    return series.time_zone if series else timezone.get_default_timezone_name()


@transaction.atomic
def meeting_move(request, group, number):
    """Organisers give a coming meeting another time and place."""
    meeting = _meeting_for(request.user, group, number)
    if not may_schedule(request.user, meeting.group_id):
        raise PermissionDenied(ORGANISERS_ONLY)
    form = MeetingMoveForm(request.POST or None, initial=MeetingMoveForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheduling.move(
                meeting,
                form.start(),
                data["duration"],
                data["place"],
                data["link"],
                opened=data["opened"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "moved_meanwhile":  # sent again, it moves from where it is now
                form.data = form.data.copy()
                form.data["opened"] = scheduling.placed(Meeting.objects.get(pk=meeting.pk))
        else:
            messages.success(
                request, _("Meeting #%(number)s was moved.") % {"number": meeting.number}
            )
            return redirect(meeting)
    return render(
        request,
        "notes/meeting_move.html",
        {"meeting": meeting, "form": form, "zones": COMMON_ZONES},
    )


# --- What members and organisers do on a meeting page -------------------------------------


def _user_from(request, name="user"):
    user = None
    if (pk := whole(request.POST.get(name, ""))) is not None:
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError(_("Choose a member."))
    return user


def _proposal_from(request, meeting):
    found = None
    if (pk := whole(request.POST.get("proposal", ""))) is not None:
        found = PaperProposal.objects.filter(pk=pk, meeting=meeting).first()
    if found is None:
        raise ValidationError(_("That proposal is not on this meeting any more."))
    return found


def _slot_from(request, meeting):
    """The other slot of a swap: "<meeting id>:<member id>" from the form's choice."""
    meeting_id, _sep, user_id = request.POST.get("slot", "").partition(":")
    if (meeting_id := whole(meeting_id)) is None:
        raise ValidationError(_("Choose the slot to swap with."))
    other_meeting = Meeting.objects.filter(pk=meeting_id, group_id=meeting.group_id).first()
    if other_meeting is None:
        raise ValidationError(_("Choose the slot to swap with."))
    request.POST = request.POST.copy()
    request.POST["user"] = user_id
    return other_meeting, _user_from(request)


def _need(allowed, reason):
    if not allowed:
        raise PermissionDenied(reason)


def act_sign_up(request, meeting, organiser):
    _need(may_take_part(request.user, meeting.group_id), MEMBERS_ONLY)
    scheduling.sign_up(meeting, request.user)
    return _("You present at meeting #%(number)s.")


def act_hand_back(request, meeting, organiser):
    scheduling.hand_back(meeting, request.user)
    return _("You handed meeting #%(number)s back.")


def act_assign(request, meeting, organiser):
    _need(organiser, ORGANISERS_ONLY)
    scheduling.sign_up(meeting, _user_from(request))
    return _("The presenter of meeting #%(number)s was set.")


def act_unassign(request, meeting, organiser):
    _need(organiser, ORGANISERS_ONLY)
    scheduling.hand_back(meeting, _user_from(request), by_organiser=True)
    return _("The presenter was taken off meeting #%(number)s.")


def act_skip(request, meeting, organiser):
    _need(organiser, ORGANISERS_ONLY)
    scheduling.set_skipped(meeting, True)
    return _("Meeting #%(number)s is skipped.")


def act_hold(request, meeting, organiser):
    _need(organiser, ORGANISERS_ONLY)
    scheduling.set_skipped(meeting, False)
    return _("Meeting #%(number)s takes place after all.")


def act_swap(request, meeting, organiser):
    other_meeting, other = _slot_from(request, meeting)
    if organiser and request.POST.get("presenter"):
        presenter = _user_from(request, "presenter")
        scheduling.swap(meeting, presenter, other_meeting, other)
        return _("The two slots were swapped.")
    _need(may_take_part(request.user, meeting.group_id), MEMBERS_ONLY)
    scheduling.ask_swap(meeting, request.user, other_meeting, other)
    return _("Your swap request was sent; the slots change when it is accepted.")


def _swap_from(request, role="other"):
    """The swap request posted, if the user is its asked member (or its requester)."""
    found = None
    if (pk := whole(request.POST.get("swap", ""))) is not None:
        found = SwapRequest.objects.filter(pk=pk, **{role: request.user}).first()
    if found is None:
        raise ValidationError(_("This swap request is no longer open."))
    return found


def act_swap_accept(request, meeting, organiser):
    """Accept, and go to the meeting the member presents at now: the page they answered
    on is no longer theirs, and would show the other presenter under "You swapped"."""
    now_presents = scheduling.answer_swap(_swap_from(request), request.user, accept=True)
    return _("You swapped slots: you now present at meeting #%(number)s."), now_presents


def act_swap_decline(request, meeting, organiser):
    scheduling.answer_swap(_swap_from(request), request.user, accept=False)
    return _("You declined the swap.")


def act_swap_withdraw(request, meeting, organiser):
    scheduling.withdraw_swap(_swap_from(request, "requester"), request.user)
    return _("You withdrew your swap request.")


def act_propose(request, meeting, organiser):
    _need(may_take_part(request.user, meeting.group_id), MEMBERS_ONLY)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors["paper"])
    scheduling.propose(meeting, request.user, form.cleaned_data["paper"])
    return _("Your proposal was added.")


def act_vote(request, meeting, organiser):
    _need(may_take_part(request.user, meeting.group_id), MEMBERS_ONLY)
    scheduling.vote(_proposal_from(request, meeting), request.user, on=True)
    return _("Your vote was counted.")


def act_unvote(request, meeting, organiser):
    _need(may_take_part(request.user, meeting.group_id), MEMBERS_ONLY)
    scheduling.vote(_proposal_from(request, meeting), request.user, on=False)
    return _("Your vote was taken back.")


def act_withdraw_proposal(request, meeting, organiser):
    proposal = scheduling.withdraw_proposal(
        _proposal_from(request, meeting), request.user, by_organiser=organiser
    )
    # The message is formatted again with the meeting's number: a % of the title doubled.
    paper = {"paper": proposal.paper.title.replace("%", "%%")}
    if proposal.proposed_by_id == request.user.pk:
        return _("You withdrew your proposal of “%(paper)s”.") % paper
    return _("The proposal of “%(paper)s” was withdrawn.") % paper


def act_pick(request, meeting, organiser):
    _need(may_pick_papers(request.user, meeting), PICKERS_ONLY)
    scheduling.pick(_proposal_from(request, meeting))
    return _("The paper is on the reading for meeting #%(number)s.")


# The actions of the page's "Proposed papers" part; the others are the plan's.
PROPOSAL_ACTIONS = {"propose", "vote", "unvote", "withdraw-proposal", "pick"}
ACTIONS = {
    "sign-up": act_sign_up,
    "hand-back": act_hand_back,
    "assign": act_assign,
    "unassign": act_unassign,
    "skip": act_skip,
    "hold": act_hold,
    "swap": act_swap,
    "swap-accept": act_swap_accept,
    "swap-decline": act_swap_decline,
    "swap-withdraw": act_swap_withdraw,
    "propose": act_propose,
    "vote": act_vote,
    "unvote": act_unvote,
    "withdraw-proposal": act_withdraw_proposal,
    "pick": act_pick,
}


@require_POST
def meeting_plan(request, group, number, action):
    """Carry out one planning action from a meeting (or the schedule) page.

    A handler returns its message, or its message and the meeting it concerns when that
    is another (an accepted swap): the message names that meeting and the member goes
    to its page."""
    meeting = _meeting_for(request.user, group, number)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    organiser = may_schedule(request.user, meeting.group_id)
    back_to_schedule = request.POST.get("back") == "schedule" and organiser
    # The member goes back to the part of the meeting page they acted in, with the
    # message there: at the top of the page it was out of sight.
    part = "proposals" if action in PROPOSAL_ACTIONS else "plan"
    placed = {} if back_to_schedule else {"extra_tags": at(part)}
    target = meeting.get_absolute_url() + f"#{part}"
    if back_to_schedule:
        target = reverse("notes:schedule", kwargs={"slug": meeting.group.slug})
    try:
        with transaction.atomic():
            done = handler(request, meeting, organiser)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages), **placed)
        if action == "propose":  # the form holds what was typed
            paper = request.POST.get("paper", "")
            target = meeting.get_absolute_url() + "?" + _query(propose=paper) + "#proposals"
    else:
        if isinstance(done, tuple):
            done, meeting = done
            if not back_to_schedule:
                target = meeting.get_absolute_url() + f"#{part}"
        messages.success(request, done % {"number": meeting.number}, **placed)
    return redirect(target)


def _query(**params):
    from urllib.parse import urlencode

    return urlencode({key: value[:300] for key, value in params.items()})


# --- A member's settings ------------------------------------------------------------------


@sensitive_post_parameters("current_password")
def member_settings(request):
    """The account's e-mail address, reminders, the language of e-mails, the time zone;
    the calendar addresses. The page is the member's own (their address): it is never
    kept (not an audience_page nor a cached_page)."""
    user = request.user
    settings_obj = MemberSettings.of(user, guess_language=True, using=translation.get_language())
    # As saved, not as typed: reminders on that no address of the account can receive.
    unreachable = settings_obj.reminders and not user.email
    form = MemberSettingsForm(
        request.POST or None, instance=settings_obj, user=user, request=request
    )
    if request.method == "POST":
        with transaction.atomic():  # the account's address and the settings together
            valid = form.is_valid()
            if valid:
                form.save()
        if valid:
            messages.success(request, _("Your settings were saved."))
            return redirect("notes:member_settings")
    token = feeds.token_for(user)
    groups = ReadingGroup.objects.of(user)
    return render(
        request,
        "notes/membersettings_form.html",
        {
            "form": form,
            "token": token,
            "groups": groups,
            "zones": COMMON_ZONES,
            "unreachable": unreachable,
        },
    )


def plan_of(request, meeting):
    """plan_context of the meeting for this request, made once per request (the page
    and its member part "meeting-plan" both ask)."""
    return remembered(
        ("meeting-plan", request.user.pk, meeting.pk), lambda: plan_context(request, meeting)
    )


# Every key of a plan that its template (includes/_meeting_plan.html) reads, as a past
# meeting's plan gives them: a key missing from a template's dict is sought three more
# ways (attribute, index, dir()) before it is given up, ~10 µs each, and a past
# meeting's plan had thirteen of them missing on every cold view of its page.
PLAN_DEFAULTS = {
    "open_meeting": False,
    "is_presenter": False,
    "member": False,
    "organiser": False,
    "open_slots": 0,
    "can_sign_up": False,
    "can_hand_back": False,
    "handback_deadline": None,
    "can_pick": False,
    "proposals": (),
    "propose_form": None,
    "incoming_swaps": (),
    "outgoing_swaps": (),
    "swap_slots": (),
    "group_members": (),
    "suggestions": (),
}


def plan_context(request, meeting):
    """What the meeting page shows before the meeting, and what the viewer may do.

    A past meeting asks nothing more of the database than its time in the reader's zone
    (when it has a time); only a coming one reads roles, proposals and swaps."""
    user, now = request.user, timezone.now()
    coming = meeting.is_coming(now)
    when = meeting_when(user, meeting, now)
    context = {**PLAN_DEFAULTS, "when": when, "coming": coming}
    if not coming:
        return context
    presenters = list(meeting.presenters.all())
    is_presenter = any(p.pk == user.pk for p in presenters)
    member = may_take_part(user, meeting.group_id)
    organiser = may_schedule(user, meeting.group_id)
    open_meeting = not meeting.skipped
    deadline = meeting.handback_deadline
    context.update(
        {
            "open_meeting": open_meeting,
            "is_presenter": is_presenter,
            "member": member,
            "organiser": organiser,
            "open_slots": meeting.open_slots(),
            "can_sign_up": open_meeting and member and not is_presenter and meeting.open_slots(),
            "can_hand_back": open_meeting
            and is_presenter
            and (deadline is None or now <= deadline),
            # In the zone the page gives the meeting's time in (the member's own, else the
            # meeting's), and named: it stood in the meeting's zone under a time in theirs.
            "handback_deadline": timezone.localtime(deadline, own_zone(user) or meeting.zone)
            if deadline
            else None,
            "can_pick": open_meeting and may_pick_papers(user, meeting),
            "proposals": _withdrawable(
                meeting.proposals.with_votes(user), user, organiser, open_meeting
            ),
            "propose_form": ProposeForm(initial={"paper": request.GET.get("propose", "")[:300]}),
        }
    )
    if is_presenter:
        context["incoming_swaps"] = list(
            SwapRequest.objects.waiting_for(user, now).filter(other_meeting=meeting)
        )
        context["outgoing_swaps"] = list(SwapRequest.objects.asked_by(user, meeting))
    if open_meeting and (is_presenter or organiser):
        others = (
            meeting.group.meetings.coming(now)
            .held()
            .exclude(pk=meeting.pk)
            .filter(presenters__isnull=False)
            .distinct()
            .prefetch_related("presenters")
            .order_by("date", "number")
        )
        waiting = set() if organiser else _waiting_slots(context)
        context["swap_slots"] = [
            (f"{other.pk}:{person.pk}", other, person)
            for other in others
            for person in other.presenters.all()
            if (person.pk != user.pk or organiser) and (other.pk, person.pk) not in waiting
        ]
    if open_meeting and organiser:
        memberships = by_member_name(meeting.group.memberships.select_related("user"))
        context["group_members"] = [m.user for m in memberships]
        if meeting.open_slots():
            context["suggestions"] = scheduling.suggestions_for(meeting)
    return context


def _withdrawable(proposals, user, organiser, open_meeting):
    """The proposals, each saying whether the member may withdraw it (scheduling.
    withdraw_proposal): their own or, for an organiser, any; not once picked."""
    found = list(proposals)
    for proposal in found:
        proposal.withdrawable = (
            open_meeting
            and not proposal.picked
            and (organiser or proposal.proposed_by_id == user.pk)
        )
    return found


def _waiting_slots(plan):
    """The (meeting id, member id) slots a swap with this one already waits for: the
    member is not offered to ask for them (again, or the other way round) but to wait,
    withdraw, accept or decline. Organisers keep them, as they may swap directly."""
    incoming = {(s.meeting_id, s.requester_id) for s in plan["incoming_swaps"]}
    outgoing = {(s.other_meeting_id, s.other_id) for s in plan["outgoing_swaps"]}
    return incoming | outgoing
