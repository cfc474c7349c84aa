"""What members and organisers do with the schedule, each in one transaction.

Every function checks what it is given and raises ValidationError with a message for
the person who asked (a slot in the past, a full slot, a swap with someone outside the
group, a clash with another meeting); views show the message and change nothing. Who
may call what is decided by the views through notes/permissions.py; these functions
check the facts.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.language import names_separator

from . import mail
from .fairness import suggest_presenters
from .models import (
    Meeting,
    MeetingSeries,
    Membership,
    PaperProposal,
    ReadingGroup,
    SwapRequest,
    Vote,
    display_name,
    not_members,
)
from .models.zones import in_gap


def plan_group(group_id, today=None):
    """Plan the coming meetings of every active series of the group."""
    for series in MeetingSeries.objects.filter(group_id=group_id, active=True):
        series.plan(today)


def skipped_weeks(meetings):
    """Return what an organiser is told of the weeks a series' new meetings (those
    ``MeetingSeries.plan()`` made) skip because the group already meets at that time:
    each week's date and the meeting it gives way to; "" when none does."""
    weeks = []
    for meeting in meetings:
        if meeting.status != Meeting.Status.SKIPPED or meeting.starts_at is None:
            continue
        clash = (
            Meeting.objects.clashing(
                meeting.group_id, meeting.starts_at, meeting.ends_at, exclude=meeting.pk
            )
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            weeks.append(
                _("%(date)s (clashes with meeting #%(number)s, %(when)s)")
                % {
                    "date": date_format(meeting.date, "Y-m-d"),
                    "number": clash.number,
                    "when": _when(clash),
                }
            )
    if not weeks:
        return ""
    return ngettext(
        "%(count)d week of the series is skipped, as the group already meets at that "
        "time: %(weeks)s. To hold it, move the other meeting first, then hold the week "
        "on “Plan meetings”.",
        "%(count)d weeks of the series are skipped, as the group already meets at those "
        "times: %(weeks)s. To hold one, move the other meeting first, then hold the week "
        "on “Plan meetings”.",
        len(weeks),
    ) % {"count": len(weeks), "weeks": names_separator().join(weeks)}


def shifted_weeks(series, today=None):
    """Return what an organiser is told of the series' weeks in the coming year whose start
    time the clocks skip (01:30 in London on the night they go forward): that week's
    meeting starts an hour on, as the zone has it; "" when none is."""
    if not series.active:
        return ""
    zone = series.zone
    start = max(today or timezone.localtime(timezone.now(), zone).date(), series.first_date)
    days = [
        day
        for day in series.dates(start, start + datetime.timedelta(days=366))
        if in_gap(day, series.start_time, zone)
    ]
    if not days:
        return ""
    # Through UTC: a wall-clock time the zone skips is itself in its own zone.
    starts = series.slot(days[0])[0].astimezone(datetime.UTC).astimezone(zone)
    return ngettext(
        "%(time)s does not exist in %(zone)s on %(days)s: the clocks go forward then, and "
        "that week's meeting starts at %(start)s. To meet at another time, move it.",
        "%(time)s does not exist in %(zone)s on %(days)s: the clocks go forward then, and "
        "those weeks' meetings start at %(start)s. To meet at another time, move them.",
        len(days),
    ) % {
        "time": f"{series.start_time:%H:%M}",
        "zone": series.time_zone,
        "days": names_separator().join(f"{day:%Y-%m-%d}" for day in days),
        "start": f"{starts:%H:%M}",
    }


def _locked(meeting):
    # Only the meeting row is locked (the series is an outer join PostgreSQL cannot lock).
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group", "series")
        .get(pk=meeting.pk)
    )


def _when(meeting):
    if meeting.starts_at is None:
        return date_format(meeting.date, "Y-m-d")
    local = timezone.localtime(meeting.starts_at, meeting.zone)
    return f"{date_format(local, 'Y-m-d H:i')} {meeting.zone.key}"


def _check_coming(meeting, now):
    if not meeting.is_coming(now):
        raise ValidationError(_("Meeting #%(number)s has already taken place.") % _n(meeting))
    if meeting.skipped:
        raise ValidationError(_("Meeting #%(number)s is skipped.") % _n(meeting))


def _n(meeting):
    return {"number": meeting.number}


def _check_member(user, meeting):
    if errors := not_members(meeting.group_id, {"user": user}):
        raise errors["user"]


def check_clash(group_id, start, end, exclude=None):
    clash = (
        Meeting.objects.clashing(group_id, start, end, exclude=exclude)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("This clashes with meeting #%(number)s (%(when)s).")
            % {"number": clash.number, "when": _when(clash)}
        )


def _check_future(start, now):
    if start <= now:
        raise ValidationError(_("That time is in the past: choose a time to come."))


# --- Presenters ---------------------------------------------------------------------------


@transaction.atomic
def sign_up(meeting, user, now=None):
    """Make the user a presenter of the meeting (a member signing up, or assigned)."""
    now = now or timezone.now()
    meeting = _locked(meeting)  # two sign-ups for the last slot: one waits for the other
    _check_coming(meeting, now)
    _check_member(user, meeting)
    presenters = list(meeting.presenters.all())
    if user in presenters:
        raise ValidationError(
            _("%(name)s already presents at meeting #%(number)s.")
            % {"name": display_name(user), "number": meeting.number}
        )
    if len(presenters) >= meeting.presenter_slots:
        raise ValidationError(
            ngettext(
                "Meeting #%(number)s takes %(slots)s presenter and has it already: %(names)s.",
                "Meeting #%(number)s takes %(slots)s presenters and has them already: %(names)s.",
                meeting.presenter_slots,
            )
            % {
                "number": meeting.number,
                "slots": meeting.presenter_slots,
                "names": ", ".join(display_name(p) for p in presenters),
            }
        )
    meeting.presenters.add(user)
    _presenters_changed(meeting)
    return meeting


def _presenters_changed(*meetings):
    """A meeting's presenters are part of its calendar event (notes.calendars): its
    ``updated`` moves on with them, as with any change of the meeting, so that a calendar
    takes the event read afterwards as the newer (LAST-MODIFIED, SEQUENCE)."""
    for meeting in meetings:
        meeting.save(update_fields=["updated"])


@transaction.atomic
def hand_back(meeting, user, by_organiser=False, now=None):
    """Take the user off the meeting's presenters: before the deadline, or by an organiser."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_coming(meeting, now)
    if not meeting.presenters.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s does not present at meeting #%(number)s.")
            % {"name": display_name(user), "number": meeting.number}
        )
    deadline = meeting.handback_deadline
    if not by_organiser and deadline is not None and now > deadline:
        raise ValidationError(
            _("The slot could be handed back until %(deadline)s; ask an organiser.")
            % {"deadline": date_format(timezone.localtime(deadline, meeting.zone), "Y-m-d H:i")}
        )
    meeting.presenters.remove(user)
    _presenters_changed(meeting)
    _withdraw_swaps(meeting, user)
    return meeting


def _withdraw_swaps(meeting, user):
    SwapRequest.objects.filter(status=SwapRequest.Status.PENDING).filter(
        models.Q(meeting=meeting, requester=user) | models.Q(other_meeting=meeting, other=user)
    ).update(status=SwapRequest.Status.WITHDRAWN)


def _check_swap(meeting, user, other_meeting, other, now):
    for slot in (meeting, other_meeting):
        _check_coming(slot, now)
    if other_meeting.group_id != meeting.group_id:
        raise ValidationError(_("Both meetings must be of the same group."))
    # Both: a request asked by a member who has left since is not carried out.
    _check_member(other, meeting)
    _check_member(user, meeting)
    if other.pk == user.pk or other_meeting.pk == meeting.pk:
        raise ValidationError(_("Choose another member's slot at another meeting."))
    for slot, person in ((meeting, user), (other_meeting, other)):
        if not slot.presenters.filter(pk=person.pk).exists():
            raise ValidationError(
                _("%(name)s does not present at meeting #%(number)s.")
                % {"name": display_name(person), "number": slot.number}
            )
    for slot, person in ((meeting, other), (other_meeting, user)):
        if slot.presenters.filter(pk=person.pk).exists():
            raise ValidationError(
                _("%(name)s already presents at meeting #%(number)s.")
                % {"name": display_name(person), "number": slot.number}
            )


def _locked_pair(meeting, other_meeting):
    """Lock both meetings, always in the same order (two members asking each other at
    once would otherwise each hold one lock and wait for the other's)."""
    first, second = sorted([meeting, other_meeting], key=lambda m: m.pk)
    first, second = _locked(first), _locked(second)
    return (first, second) if first.pk == meeting.pk else (second, first)


def _between(meeting, user, other_meeting, other):
    """The pending requests exchanging these two slots, asked by either of the two."""
    return SwapRequest.objects.filter(status=SwapRequest.Status.PENDING).filter(
        models.Q(meeting=meeting, requester=user, other_meeting=other_meeting, other=other)
        | models.Q(meeting=other_meeting, requester=other, other_meeting=meeting, other=user)
    )


@transaction.atomic
def ask_swap(meeting, user, other_meeting, other, now=None):
    """A presenter asks another to exchange slots; nothing changes until they accept.

    The member already asked for this very swap is refused rather than answered by a
    second request the other way: two requests would each wait for the other, and an
    "Ask" is not taken as a "Yes" (the asked member accepts with its own button)."""
    now = now or timezone.now()
    meeting, other_meeting = _locked_pair(meeting, other_meeting)
    _check_swap(meeting, user, other_meeting, other, now)
    if _between(meeting, user, other_meeting, other).filter(requester=other).exists():
        raise ValidationError(
            _("%(name)s already asked you for this swap: accept or decline their request.")
            % {"name": display_name(other)}
        )
    try:
        with transaction.atomic():
            swap_request = SwapRequest.objects.create(
                meeting=meeting, requester=user, other_meeting=other_meeting, other=other
            )
    except IntegrityError:
        raise ValidationError(_("You asked for this swap already.")) from None
    # Where the asked member answers: the meeting they present at.
    _tell(other, "swap_asked", swap_request, other_meeting)
    return swap_request


@transaction.atomic
def swap(meeting, user, other_meeting, other, now=None):
    """Exchange two presenters' slots (an accepted request, or an organiser directly)."""
    now = now or timezone.now()
    meeting, other_meeting = _locked_pair(meeting, other_meeting)
    _check_swap(meeting, user, other_meeting, other, now)
    _withdraw_swaps(meeting, user)
    _withdraw_swaps(other_meeting, other)
    meeting.presenters.remove(user)
    other_meeting.presenters.remove(other)
    meeting.presenters.add(other)
    other_meeting.presenters.add(user)
    _presenters_changed(meeting, other_meeting)


def _open_swap(swap_request, user, role):
    """The request locked, if it still waits and the user is its requester or asked one."""
    swap_request = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "other_meeting__group", "requester", "other")
        .get(pk=swap_request.pk)
    )
    pending = swap_request.status == SwapRequest.Status.PENDING
    if getattr(swap_request, f"{role}_id") != user.pk or not pending:
        raise ValidationError(_("This swap request is no longer open."))
    return swap_request


@transaction.atomic
def answer_swap(swap_request, user, accept, now=None):
    """The asked member accepts (the slots are exchanged) or declines a swap request.

    Either answer settles the swap of these two slots: a request the other way (asked
    before such requests were refused) is withdrawn with it, so none is left waiting.
    Return the meeting the asked member presents at afterwards."""
    swap_request = _open_swap(swap_request, user, "other")
    _between(
        swap_request.meeting,
        swap_request.requester,
        swap_request.other_meeting,
        swap_request.other,
    ).exclude(pk=swap_request.pk).update(status=SwapRequest.Status.WITHDRAWN)
    if accept:
        swap(
            swap_request.meeting,
            swap_request.requester,
            swap_request.other_meeting,
            swap_request.other,
            now,
        )
        status = SwapRequest.Status.ACCEPTED
    else:
        status = SwapRequest.Status.DECLINED
    _settle(swap_request, status)
    # The member who asked hears the answer, and gets the meeting they present at now.
    now_theirs = swap_request.other_meeting if accept else swap_request.meeting
    _tell(swap_request.requester, "swap_answered", swap_request, now_theirs, accepted=accept)
    return swap_request.meeting if accept else swap_request.other_meeting


@transaction.atomic
def withdraw_swap(swap_request, user):
    """The member who asked takes a request back before it is answered."""
    swap_request = _open_swap(swap_request, user, "requester")
    _settle(swap_request, SwapRequest.Status.WITHDRAWN)


def _settle(swap_request, status):
    """Record the request's answer: saved (not updated in bulk), so that the pages that
    listed it as waiting (the asked member's home and group pages) are made afresh. The
    requests withdrawn with it in bulk (_withdraw_swaps, the reverse request of an
    accepted swap) change within the same transaction as a save, which moves the page
    cache on for them too."""
    swap_request.status = status
    swap_request.save(update_fields=["status", "updated"])


def _tell(user, name, swap_request, meeting, **context):
    """E-mail a member about a swap request (notes/email/<name>.txt) once the change is
    committed, with the address of the meeting page to go to: nothing for a change rolled
    back; a send that fails is logged and changes nothing."""
    context = {
        "swap": swap_request,
        "url": settings.SITE_URL + meeting.get_absolute_url() + "#plan",
        **context,
    }

    def send():  # a function of its own: Django names it when it logs a failure
        mail.send_to_member(user, name, context, meeting.zone)

    transaction.on_commit(send, robust=True)


# --- Times and places ---------------------------------------------------------------------


@transaction.atomic
def set_skipped(meeting, skipped, now=None):
    """Skip a coming week of a series (a holiday), or hold it after all."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if not meeting.is_coming(now):
        raise ValidationError(_("Meeting #%(number)s has already taken place.") % _n(meeting))
    if skipped:
        meeting.status = Meeting.Status.SKIPPED
    else:
        if meeting.starts_at is not None:
            check_clash(meeting.group_id, meeting.starts_at, meeting.ends_at, exclude=meeting.pk)
        moved = meeting.series_id and meeting.starts_at != _series_start(meeting)
        status = Meeting.Status.MOVED if moved else Meeting.Status.PLANNED
        meeting.status = status if meeting.series_id else Meeting.Status.ONE_OFF
    meeting.save(update_fields=["status", "updated"])
    return meeting


def _series_start(meeting):
    return meeting.series.slot(meeting.series_date)[0] if meeting.series_date else None


def placed(meeting):
    """Where and when the meeting is, as one short text: a move form carries the one it
    was opened at (``move``'s ``opened``)."""
    when = [meeting.starts_at, meeting.ends_at, meeting.time_zone, meeting.place, meeting.link]
    return hashlib.sha256(repr(when).encode()).hexdigest()[:16]


@transaction.atomic
def move(meeting, start, duration, place, link, now=None, opened=None):
    """Give a coming meeting another time (and place): it stays the series' week.

    ``opened``: where and when the meeting was (``placed``) when the organiser opened the
    move form. Moved again since (another organiser, another tab), the move is refused:
    it would undo the other one unseen. The stale-save check of core.revisions does this
    for records that have a revision; the meeting's moves up with its write-up's edits,
    which a move has no need to wait for."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if opened is not None and opened != placed(meeting):
        raise ValidationError(
            _(
                "Meeting #%(number)s was moved, or its room or link changed, while you were "
                "choosing: it is now %(when)s. Your choice is still below: check it, and "
                "move the meeting again."
            )
            % {**_n(meeting), "when": _when(meeting)},
            code="moved_meanwhile",
        )
    _check_coming(meeting, now)
    _check_future(start, now)
    end = start + datetime.timedelta(minutes=duration)
    check_clash(meeting.group_id, start, end, exclude=meeting.pk)
    meeting.starts_at, meeting.ends_at, meeting.place, meeting.link = start, end, place, link
    meeting.time_zone = start.tzinfo.key
    if meeting.series_id:
        meeting.status = Meeting.Status.MOVED
    meeting.save()
    return meeting


@transaction.atomic
def add_one_off(group, start, duration, now=None, **fields):
    """Add a meeting outside the series, numbered after the group's last one."""
    now = now or timezone.now()
    _check_future(start, now)
    end = start + datetime.timedelta(minutes=duration)
    ReadingGroup.objects.select_for_update().filter(pk=group.pk).first()
    check_clash(group.pk, start, end)
    number = (group.meetings.aggregate(n=models.Max("number"))["n"] or 0) + 1
    return Meeting.objects.create(
        group=group,
        number=number,
        date=start.date(),
        status=Meeting.Status.ONE_OFF,
        starts_at=start,
        ends_at=end,
        time_zone=start.tzinfo.key,
        **fields,
    )


# --- Papers -------------------------------------------------------------------------------


def _locked_proposal(proposal):
    """The proposal as it stands once its meeting is locked, with the meeting: voting,
    picking and withdrawing lock it first, so that none acts on a proposal another has
    just picked or withdrawn. ValidationError when it is gone."""
    meeting = _locked(Meeting(pk=proposal.meeting_id))
    found = PaperProposal.objects.select_related("paper").filter(pk=proposal.pk).first()
    if found is None:
        raise ValidationError(_("That proposal is not on this meeting any more."))
    found.meeting = meeting
    return found


@transaction.atomic
def propose(meeting, user, paper, now=None):
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_coming(meeting, now)
    _check_member(user, meeting)
    try:
        with transaction.atomic():
            return PaperProposal.objects.create(meeting=meeting, paper=paper, proposed_by=user)
    except IntegrityError:
        raise ValidationError(
            _("“%(paper)s” is proposed for this meeting already: vote for it.")
            % {"paper": paper.title}
        ) from None


@transaction.atomic
def vote(proposal, user, on=True, now=None):
    """Vote for a proposal (or take the vote back); one vote per member and proposal."""
    now = now or timezone.now()
    proposal = _locked_proposal(proposal)
    _check_coming(proposal.meeting, now)
    _check_member(user, proposal.meeting)
    if on:
        Vote.objects.get_or_create(proposal=proposal, user=user)
    else:
        Vote.objects.filter(proposal=proposal, user=user).delete()


@transaction.atomic
def withdraw_proposal(proposal, user, by_organiser=False, now=None):
    """Take a proposal off a coming meeting, with its votes: its proposer may, and an
    organiser (``by_organiser``, checked by the view). A picked proposal stays: its
    paper is on the reading, which the meeting's editor changes. Returns the proposal
    withdrawn, with its paper."""
    now = now or timezone.now()
    proposal = _locked_proposal(proposal)
    _check_coming(proposal.meeting, now)
    if not by_organiser and proposal.proposed_by_id != user.pk:
        raise ValidationError(_("Only the member who proposed a paper may withdraw it."))
    if proposal.picked:
        raise ValidationError(
            _("“%(paper)s” is picked: it is on the reading of meeting #%(number)s already.")
            % {"paper": proposal.paper.title, "number": proposal.meeting.number}
        )
    proposal.delete()
    return proposal


@transaction.atomic
def pick(proposal, now=None):
    """Put a proposed paper on the meeting's reading: as the presented paper when it has
    none yet, among the papers discussed otherwise."""
    now = now or timezone.now()
    proposal = _locked_proposal(proposal)
    meeting = proposal.meeting
    _check_coming(meeting, now)
    if meeting.paper_id is None:
        meeting.paper = proposal.paper
        meeting.save(update_fields=["paper", "updated"])
    elif meeting.paper_id != proposal.paper_id:
        meeting.papers.add(proposal.paper)
    # Saved, not updated: a proposal is part of its meeting, whose change the API's
    # sync and Last-Modified then tell (a pick of the meeting's own paper changed nothing
    # else, and a client kept "not picked").
    proposal.picked = True
    proposal.save(update_fields=["picked", "updated"])


# --- Suggestions --------------------------------------------------------------------------


def suggestions_for(meeting, limit=3):
    """Return the fair suggestions of who should present at the meeting."""
    presenting = {p.pk for p in meeting.presenters.all()}
    members = {
        m.user_id: display_name(m.user)
        for m in Membership.objects.filter(group_id=meeting.group_id).select_related("user")
        if m.user_id not in presenting
    }
    talks = (
        Meeting.objects.held()
        .filter(group_id=meeting.group_id, presenters__isnull=False)
        .exclude(pk=meeting.pk)
        .values_list("presenters", "date")
    )
    today = timezone.localdate(timezone=meeting.zone)
    return suggest_presenters(members, talks, meeting.date, today, limit=limit)


def suggestions_for_many(group, meetings, limit=3):
    """Return {meeting id: suggestions} for the meetings with an open slot, reading the
    group's members and talks once."""
    members = {
        m.user_id: display_name(m.user)
        for m in Membership.objects.filter(group=group).select_related("user")
    }
    talks = list(
        Meeting.objects.held()
        .filter(group=group, presenters__isnull=False)
        .values_list("pk", "presenters", "date")
    )
    found = {}
    for meeting in meetings:
        if meeting.skipped or not meeting.open_slots():
            continue
        presenting = {p.pk for p in meeting.presenters.all()}
        others = {pk: name for pk, name in members.items() if pk not in presenting}
        history = [(user_id, day) for pk, user_id, day in talks if pk != meeting.pk]
        today = timezone.localdate(timezone=meeting.zone)
        found[meeting.pk] = suggest_presenters(others, history, meeting.date, today, limit=limit)
    return found


def relative_day(day, today):
    """Say how far a day is from today: "today", "tomorrow", "in 3 days", "2 days ago"."""
    days = (day - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    if days > 0:
        return ngettext("in %(count)s day", "in %(count)s days", days) % {"count": days}
    return ngettext("%(count)s day ago", "%(count)s days ago", -days) % {"count": -days}
