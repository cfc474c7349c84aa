"""E-mail meeting reminders: run from cron (every hour, say); nothing is sent twice."""

import datetime
import smtplib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from notes import mail
from notes.models import Meeting, MeetingSeries, MemberSettings, Membership, Reminder

PRESENTER_AHEAD = datetime.timedelta(days=3)
READER_AHEAD = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "E-mail presenters a few days before their meeting (is the write-up written?) and "
        "members the day before (what to read), each at most once per meeting, in each "
        "member's language; members who turned reminders off get none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send nothing and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            # It changes nothing: the series' weeks it plans (whose readers it counts, as
            # the real run reminds them) are undone. A real run commits each reminder as
            # it is sent, for a second run at once to find.
            with transaction.atomic():
                sent = self.run(dry_run)
                transaction.set_rollback(True)
        else:
            sent = self.run(dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} {sent} reminder(s)."))

    def run(self, dry_run):
        now = timezone.now()
        for series in MeetingSeries.objects.filter(active=True):
            series.plan()
        sent = 0
        plan = ((Reminder.Kind.PRESENTER, PRESENTER_AHEAD), (Reminder.Kind.READER, READER_AHEAD))
        for kind, ahead in plan:
            meetings = (
                Meeting.objects.held()
                .filter(starts_at__gt=now, starts_at__lte=now + ahead)
                .for_schedule()
                .order_by("starts_at")
            )
            for meeting in meetings:
                for user in self.recipients(meeting, kind):
                    sent += self.remind(meeting, user, kind, dry_run)
        return sent

    def recipients(self, meeting, kind):
        if kind == Reminder.Kind.PRESENTER:
            # Presenters who are still members: one who left the group is told nothing of
            # its meetings (their room and call link), as its pages tell them nothing.
            people = list(meeting.presenters.filter(memberships__group_id=meeting.group_id))
        else:
            people = [
                m.user
                for m in Membership.objects.filter(group_id=meeting.group_id).select_related("user")
            ]
        off = set(
            MemberSettings.objects.filter(user__in=people, reminders=False).values_list(
                "user_id", flat=True
            )
        )
        # Those told of the meeting at its start as it is (moved since, it is told again).
        done = set(
            Reminder.objects.filter(
                meeting=meeting, kind=kind, starts_at=meeting.starts_at
            ).values_list("user_id", flat=True)
        )
        return [
            user
            for user in people
            if user.is_active and user.email and user.pk not in off and user.pk not in done
        ]

    def remind(self, meeting, user, kind, dry_run):
        if dry_run:
            self.stdout.write(f"{kind}: {user.email} · {meeting}")
            return 1
        try:
            with transaction.atomic():
                # The row first: a second run (or a second cron at once) finds it and
                # sends nothing; a failed send rolls it back, to be tried next time.
                Reminder.objects.create(
                    meeting=meeting, user=user, kind=kind, starts_at=meeting.starts_at
                )
                self.send(meeting, user, kind)
        except IntegrityError:
            return 0
        except (OSError, smtplib.SMTPException) as error:
            self.stderr.write(f"Not sent to {user.email} ({meeting}): {error}")
            return 0
        return 1

    def send(self, meeting, user, kind):
        told = (
            Reminder.objects.filter(meeting=meeting, user=user, kind=kind)
            .exclude(starts_at=meeting.starts_at)
            .order_by("-sent")
            .values_list("starts_at", flat=True)
            .first()
        )
        context = {
            # The start an earlier reminder gave, where the meeting has moved since.
            "moved_from": told,
            "meeting": meeting,
            "url": settings.SITE_URL + meeting.get_absolute_url(),
            # Shown in the member's zone (or the meeting's) by the templates' date filter.
            "start": meeting.starts_at,
            "papers": meeting.papers_to_read(),
            "written": bool(meeting.body_zh or meeting.body_en),
        }
        mail.send_to_member(user, kind, context, zone=meeting.zone)
