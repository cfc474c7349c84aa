"""A group's schedule: its regular meeting slot, presenters' swaps, proposed papers and
votes, and the reminders sent.

Coming meetings of a series are **materialised**: ``MeetingSeries.plan()`` creates a
``Meeting`` for each date of the next ``PLAN_WEEKS`` weeks (of its first weeks, for a
series that starts later) that has none yet, and the
group page, the meeting pages, the calendars and ``send_reminders`` call it. Real
rows (rather than meetings computed on the fly) are what presenters sign up to,
papers are proposed for and reminders point at, and a week skipped or moved keeps its
row, so planning again never brings it back. Planning is idempotent and safe under
two workers at once: each slot is unique per series and date (``series_date``), the
group's row is locked while numbers are handed out, and a worker that loses the race
anyway (SQLite takes no row locks) meets the unique constraints and leaves the slot to
the winner.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.addresses import address
from core.language import in_interface_language
from core.models import Revised, TimeStamped
from papers.models import Paper

from .groups import Membership, ReadingGroup
from .meetings import Meeting
from .writing import display_name
from .zones import TimeZoneField, aware, validate_meeting_day, zone_of

PLAN_WEEKS = 8


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MeetingSeries(Revised, TimeStamped):
    """A group's regular slot, e.g. every Wednesday 14:00–15:30 Asia/Shanghai. Revised:
    two organisers changing it at once, the second is refused (core.revisions), where
    the first one's change was lost (and, through replan(), on every coming meeting)."""

    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="series", verbose_name=_("group")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start_time = models.TimeField(_("start time"))
    duration = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=90,
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)],
    )
    time_zone = TimeZoneField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("An IANA name such as Asia/Shanghai or Europe/London."),
    )
    place = models.CharField(_("room"), max_length=200, blank=True)
    link = models.URLField(_("video-call link"), max_length=500, blank=True)
    first_date = models.DateField(_("first date"), validators=[validate_meeting_day])
    last_date = models.DateField(
        _("last date"),
        null=True,
        blank=True,
        validators=[validate_meeting_day],
        help_text=_("Empty: the series goes on."),
    )
    presenter_slots = models.PositiveSmallIntegerField(
        _("presenters per meeting"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    handback_days = models.PositiveSmallIntegerField(
        _("hand-back deadline (days before)"),
        default=2,
        validators=[MaxValueValidator(60)],
        help_text=_("A presenter may hand their slot back until this many days before."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["group", "weekday", "start_time"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return f"{self.group} · {self.get_weekday_display()} {self.start_time:%H:%M}"

    def get_absolute_url(self):
        return address("notes:schedule", slug=self.group.slug)

    def clean(self):
        if self.last_date and self.first_date and self.last_date < self.first_date:
            raise ValidationError({"last_date": _("The last date is before the first date.")})

    @property
    def zone(self):
        return zone_of(self.time_zone)

    def dates(self, start, end):
        """Return the dates of the series from start to end (both included)."""
        start = max(start, self.first_date)
        if self.last_date:
            end = min(end, self.last_date)
        start += datetime.timedelta(days=(self.weekday - start.weekday()) % 7)
        days = []
        while start <= end:
            days.append(start)
            start += datetime.timedelta(days=7)
        return days

    def horizon(self, today):
        """The last day planned: PLAN_WEEKS weeks ahead (of the first date, for a series
        that has not started yet)."""
        return max(today, self.first_date) + datetime.timedelta(weeks=PLAN_WEEKS, days=-1)

    def slot(self, day):
        """Return the start and end of the series' meeting on a day."""
        start = aware(day, self.start_time, self.zone)
        return start, start + datetime.timedelta(minutes=self.duration)

    def plan(self, today=None):
        """Create the meetings of the next PLAN_WEEKS weeks that do not exist yet; return
        them. Safe to call from any request: it does nothing when all are there."""
        if not self.active or self.pk is None:
            return []
        today = today or timezone.localtime(timezone.now(), self.zone).date()
        now = timezone.now()
        # A slot already over when first planned is not made (nobody could sign up).
        wanted = [day for day in self.dates(today, self.horizon(today)) if self.slot(day)[1] > now]
        if not wanted or self._planned(wanted) >= set(wanted):
            return []
        try:
            with transaction.atomic():
                # Numbers are handed out one group at a time.
                ReadingGroup.objects.select_for_update().filter(pk=self.group_id).first()
                return self._create(wanted)
        except IntegrityError:
            # Another worker planned the same slots meanwhile: theirs stand.
            return []

    def _planned(self, days):
        return set(self.meetings.filter(series_date__in=days).values_list("series_date", flat=True))

    def _create(self, wanted):
        done = self._planned(wanted)
        number = (
            Meeting.objects.filter(group_id=self.group_id).aggregate(n=models.Max("number"))["n"]
            or 0
        )
        created = []
        for day in wanted:
            if day in done:
                continue
            start, end = self.slot(day)
            status = Meeting.Status.PLANNED
            if Meeting.objects.clashing(self.group_id, start, end).exists():
                status = Meeting.Status.SKIPPED  # the group meets otherwise that day
            number += 1
            created.append(
                Meeting.objects.create(
                    group_id=self.group_id,
                    number=number,
                    date=day,
                    series=self,
                    series_date=day,
                    status=status,
                    starts_at=start,
                    ends_at=end,
                    time_zone=self.time_zone,
                    place=self.place,
                    link=self.link,
                    presenter_slots=self.presenter_slots,
                )
            )
        return created

    def replan(self, now=None):
        """After the series changed: coming meetings keep in step with it (time, place,
        link, slots); a coming meeting on a date the series no longer has is deleted when
        nothing was planned for it yet (kept otherwise); then plan the missing ones.

        A meeting whose new time falls on another of the group's meetings (a one-off) is
        skipped, as ``plan()`` skips a new one there: it was moved onto the other, and the
        group met twice at once. Return the meetings added and those skipped so
        (``Replanned``), for the organiser to be told."""
        now = now or timezone.now()
        coming = self.meetings.filter(starts_at__gte=now, status=Meeting.Status.PLANNED)
        today = timezone.localtime(now, self.zone).date()
        days = set(self.dates(today, self.horizon(today)))
        skipped = []
        with transaction.atomic():
            for meeting in coming.prefetch_related("presenters", "proposals"):
                if meeting.series_date in days and self.active:
                    meeting.starts_at, meeting.ends_at = self.slot(meeting.series_date)
                    meeting.time_zone, meeting.place, meeting.link = (
                        self.time_zone,
                        self.place,
                        self.link,
                    )
                    meeting.presenter_slots = self.presenter_slots
                    clashes = Meeting.objects.clashing(
                        self.group_id, meeting.starts_at, meeting.ends_at, exclude=meeting.pk
                    )
                    if clashes.exclude(series=self).exists():
                        meeting.status = Meeting.Status.SKIPPED
                        skipped.append(meeting)
                    meeting.save()
                elif meeting.is_blank():
                    meeting.delete()
        return Replanned(self.plan(today), skipped)


class Replanned(NamedTuple):
    """What ``MeetingSeries.replan()`` did: the meetings it added, and the coming ones
    it skipped because their new time falls on another meeting of the group."""

    added: list
    skipped: list

    @property
    def meetings(self):
        """The meetings added and skipped, of which scheduling.skipped_weeks() tells the
        organiser those skipped for a clash."""
        return [*self.added, *self.skipped]


def not_members(group_id, users):
    """{key: error} for each of ``users`` ({a field's name or any key: a user, or None})
    who is not a member of the group, in one query: the one check that someone is a
    member (a swap, a proposal and a vote are a member's, the site's own forms asked it
    and the admin let an organiser pick anyone; a meeting's presenters; who takes a
    slot)."""
    given = {field: user for field, user in users.items() if user is not None}
    if group_id is None or not given:
        return {}
    members = set(
        Membership.objects.filter(group_id=group_id, user__in=given.values()).values_list(
            "user_id", flat=True
        )
    )
    group = ReadingGroup.objects.get(pk=group_id) if len(members) < len(given) else None
    return {
        field: ValidationError(
            _("%(name)s is not a member of %(group)s."),
            code="not_a_member",
            params={"name": display_name(user), "group": in_interface_language(group, "name")},
        )
        for field, user in given.items()
        if user.pk not in members
    }


def _set(record, name):
    """The record's related object of that field, or None where none is set."""
    return getattr(record, name) if getattr(record, f"{name}_id") is not None else None


class SwapRequestQuerySet(models.QuerySet):
    def asked_by(self, user, meeting):
        """Return the member's requests for their slot at the meeting still waiting for
        an answer, with the slots and members asked."""
        return self.filter(
            status=SwapRequest.Status.PENDING, requester=user, meeting=meeting
        ).select_related("other_meeting", "other")

    def waiting_for(self, user, now=None):
        """Return the requests waiting for the member's answer, both of their meetings
        still to come, with the meetings, groups and asking members their notices name,
        the soonest slot first."""
        coming = Meeting.objects.coming(now)
        return (
            self.filter(
                status=SwapRequest.Status.PENDING,
                other=user,
                meeting__in=coming,
                other_meeting__in=coming,
            )
            .select_related("meeting", "other_meeting__group", "requester")
            .order_by("other_meeting__date", "created", "pk")
        )


class SwapRequest(TimeStamped):
    """One presenter asks another to exchange their slots; the other accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="swaps_asked", verbose_name=_("slot given")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="swaps_asked",
        verbose_name=_("asked by"),
    )
    other_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="swaps_offered",
        verbose_name=_("slot wanted"),
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="swaps_offered",
        verbose_name=_("asked"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)

    objects = SwapRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "requester", "other_meeting", "other"],
                condition=models.Q(status="pending"),
                name="unique_pending_swap",
            )
        ]

    def __str__(self):
        return (
            f"{self.requester} #{self.meeting.number} ⇄ {self.other} #{self.other_meeting.number}"
        )

    def get_absolute_url(self):
        return self.other_meeting.get_absolute_url()

    def clean(self):
        meeting, other_meeting = _set(self, "meeting"), _set(self, "other_meeting")
        if meeting is None:
            return
        errors = not_members(
            meeting.group_id, {"requester": _set(self, "requester"), "other": _set(self, "other")}
        )
        if other_meeting is not None and other_meeting.group_id != meeting.group_id:
            errors["other_meeting"] = ValidationError(
                _("The slot wanted must be a meeting of %(group)s, as the slot given is."),
                code="other_group",
                params={"group": in_interface_language(meeting.group, "name")},
            )
        if errors:
            raise ValidationError(errors)


class ProposalQuerySet(models.QuerySet):
    def with_votes(self, user=None):
        """Return proposals with their vote count (votes) and whether the user voted."""
        queryset = self.select_related("paper", "proposed_by").annotate(
            votes=models.Count("ballots", distinct=True)
        )
        if user is not None and user.is_authenticated:
            mine = Vote.objects.filter(proposal=models.OuterRef("pk"), user=user)
            queryset = queryset.annotate(voted=models.Exists(mine))
        return queryset.order_by("-votes", "created")


class PaperProposal(TimeStamped):
    """A paper a member proposes for a coming meeting; members vote, the presenter or an
    organiser picks."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("meeting")
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("paper")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="paper_proposals",
        verbose_name=_("proposed by"),
    )
    picked = models.BooleanField(_("picked"), default=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created"]
        verbose_name = _("paper proposal")
        verbose_name_plural = _("paper proposals")
        constraints = [models.UniqueConstraint(fields=["meeting", "paper"], name="unique_proposal")]

    def __str__(self):
        return f"#{self.meeting.number} · {self.paper}"

    def get_absolute_url(self):
        """The proposal where its meeting's page shows it: among the proposed papers while
        the meeting is coming. A past meeting's page has no part for them
        (includes/_meeting_plan.html): a paper it read (one picked) is among the papers
        of its plan; another is nowhere on it, and the link is to the page."""
        url = self.meeting.get_absolute_url()
        if self.meeting.is_coming():
            return url + "#proposals"
        if (
            self.paper_id == self.meeting.paper_id
            or self.meeting.papers.filter(pk=self.paper_id).exists()
        ):
            return url + "#plan"
        return url

    def clean(self):
        if (meeting := _set(self, "meeting")) is not None:
            if errors := not_members(meeting.group_id, {"proposed_by": _set(self, "proposed_by")}):
                raise ValidationError(errors)


class Vote(models.Model):
    proposal = models.ForeignKey(
        PaperProposal, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="paper_votes",
        verbose_name=_("member"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["proposal", "created"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="unique_vote")]

    def __str__(self):
        return f"{self.user} → {self.proposal}"

    def clean(self):
        # The proposal is not saved yet where it is added with its votes (an inline).
        proposal = _set(self, "proposal")
        if proposal is None and Vote.proposal.is_cached(self):
            proposal = self.proposal
        if proposal is not None and proposal.meeting_id is not None:
            group_id = proposal.meeting.group_id
            if errors := not_members(group_id, {"user": _set(self, "user")}):
                raise ValidationError(errors)


class Reminder(models.Model):
    """An e-mail sent about a meeting: one per meeting, member, kind and start, so that
    ``send_reminders`` never sends the same one twice (the row is written first). A
    meeting moved after its reminders went out is reminded of again at its new time:
    kept per meeting alone, the members were told a time that no longer held and heard
    nothing of the new one."""

    class Kind(models.TextChoices):
        PRESENTER = "presenter", _("to the presenter, days before")
        READER = "reader", _("to members, the day before")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    sent = models.DateTimeField(_("sent"), default=timezone.now)
    # The meeting's start the e-mail gave.
    starts_at = models.DateTimeField(_("meeting's start told"))

    # Sending an e-mail changes no page.
    affects_pages = False

    class Meta:
        ordering = ["-sent"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "kind", "starts_at"], name="unique_reminder_of_a_start"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user} · #{self.meeting.number}"
