"""Reading together: each member's reading status of a paper, and the discussion of
papers (within a group), notes and meetings."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import pagecache
from core.models import RenderedMarkdown, TextField, TimeStamped
from papers.models import Paper

from .groups import Membership, ReadingGroup, in_groups_of, member_ids
from .meetings import Meeting
from .notes import Note


class PersonalRecord(models.Model):
    """A record whose change shows only on the pages of some members: saving it does not
    make every member's cached pages stale (core.pagecache); it bumps those members'
    pages itself (``members_to_refresh``)."""

    affects_pages = False

    class Meta:
        abstract = True


class ReadingStatusQuerySet(models.QuerySet):
    def of(self, user):
        """Return the user's own statuses."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def shared_in(self, group):
        """Return the statuses of the group's members who share their reading with it."""
        sharing = Membership.objects.filter(group=group, shares_reading=True).values("user_id")
        return self.filter(user__in=sharing)

    def shared_with(self, user):
        """Return the statuses the user may see: their own, and those of members who share
        their reading with a group of the user's, but for their "not for me", which no
        one else sees (the API listed them to every group-mate)."""
        if not user.is_authenticated:
            return self.none()
        others = models.Q(user__in=self._sharing_with(user)) & ~models.Q(
            status=ReadingStatus.Status.NOT_FOR_ME
        )
        return self.filter(models.Q(user=user) | others)

    def shared_in_groups_of(self, user):
        """Return the statuses of the members who share their reading with a group of the
        user's (the user's own only if they share it): the same for every member of the
        same groups, unlike shared_with."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user__in=self._sharing_with(user))

    @staticmethod
    def _sharing_with(user):
        return Membership.objects.filter(group__in=in_groups_of(user), shares_reading=True).values(
            "user_id"
        )

    def statuses_of(self, user, papers):
        """Return {paper id: status} of the user's statuses of the papers (papers or their
        ids; one query)."""
        ids = [getattr(p, "pk", p) for p in papers]
        if not ids or not user.is_authenticated:
            return {}
        return dict(self.filter(user=user, paper_id__in=ids).values_list("paper_id", "status"))


class ReadingStatus(PersonalRecord):
    class Status(models.TextChoices):
        TO_READ = "to_read", _("to read")
        READING = "reading", _("reading")
        READ = "read", _("read")
        NOT_FOR_ME = "not_for_me", _("not for me")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reading_statuses",
        verbose_name=_("member"),
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="reading_statuses", verbose_name=_("paper")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    changed = models.DateTimeField(_("changed"), default=timezone.now)

    objects = ReadingStatusQuerySet.as_manager()
    history = HistoricalRecords(bases=[PersonalRecord])

    class Meta:
        ordering = ["-changed"]
        verbose_name = _("reading status")
        verbose_name_plural = _("reading statuses")
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="unique_reading_status")
        ]
        indexes = [models.Index(fields=["paper", "status"], name="reading_status_paper")]

    def __str__(self):
        return f"{self.user} · {self.paper} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("notes:my_reading")

    @classmethod
    def set(cls, user, paper, value):
        """Set the user's status of the paper (an empty value clears it); refresh the
        pages that show it (the user's, and those of the members they share with)."""
        if value:
            cls.objects.update_or_create(
                user=user, paper=paper, defaults={"status": value, "changed": timezone.now()}
            )
        else:
            for status in cls.objects.filter(user=user, paper=paper):
                status.delete()  # one by one: each deletion is kept in the history
        pagecache.bump_members(cls.members_to_refresh(user))

    @staticmethod
    def members_to_refresh(user):
        """Return the ids of the members whose pages show the user's statuses: the user,
        and the members of every group the user shares their reading with."""
        shared = Membership.objects.filter(user=user, shares_reading=True).values("group_id")
        return {user.pk} | set(
            Membership.objects.filter(group__in=shared).values_list("user_id", flat=True)
        )


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the comments the user may read: a paper's discussion in the user's
        groups, and the comments on notes and meetings the user may read."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        groups = in_groups_of(user)
        return self.filter(
            models.Q(paper__isnull=False, group__in=groups)
            | models.Q(meeting__in=Meeting.objects.visible_to(user).values("pk"))
            | models.Q(note__in=Note.objects.visible_to(user).values("pk"))
        )

    def on_readable_meeting(self, meeting):
        """Return the comments on a meeting read through ``Meeting.objects.visible_to``:
        all of them, as ``visible_to`` would return to its reader (who may read a
        meeting reads its whole discussion), without asking again what they may read."""
        return self.filter(meeting=meeting)

    def in_discussions(self, paper, groups):
        """Return the comments on the paper in these groups' discussions: for the groups
        of the reader's own, every one that ``visible_to`` would return them (a paper's
        comment is in one group's discussion), without asking again what they may read."""
        return self.filter(paper=paper, group__in=groups)

    def live(self):
        return self.filter(deleted__isnull=True)

    def for_thread(self):
        """Return comments with their authors, oldest first (a thread reads down)."""
        return self.select_related("author").order_by("created", "pk")

    def for_list(self):
        """Return comments with author, group and what they are about."""
        return self.select_related("author", "group", "paper", "note", "meeting__group")


class Comment(RenderedMarkdown, TimeStamped):
    """A comment on a paper (in one group's discussion of it), a note or a meeting; a
    reply answers a comment that is not itself a reply. Markdown, rendered and
    sanitised on save as notes are. Deleting keeps the row (and its history): a thread
    with replies shows where the deleted comment was."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("author"),
    )
    # The group whose discussion it belongs to: the paper's discussion group, the
    # meeting's group, or a shared note's group (whose organisers moderate it).
    group = models.ForeignKey(
        ReadingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("group"),
    )
    paper = models.ForeignKey(
        Paper,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("paper"),
    )
    note = models.ForeignKey(
        Note,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("note"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("meeting"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    body = TextField(_("comment"))
    body_html = models.TextField(editable=False, blank=True)
    deleted = models.DateTimeField(_("deleted"), null=True, blank=True)
    # When its text last changed after it was posted (notes.forms.CommentForm): a save
    # that changes nothing, or a deletion, is no edit.
    edited = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    # Read by the stale-save check of the site's, the API's and the admin's edits
    # (notes.forms.WritingForm), as a note's is.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    markdown_fields = {"body": "body_html"}

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "toc"])

    class Meta:
        ordering = ["-created"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(paper__isnull=False, note=None, meeting=None, group__isnull=False)
                    | models.Q(paper=None, note__isnull=False, meeting=None)
                    | models.Q(paper=None, note=None, meeting__isnull=False)
                ),
                name="comment_on_one_thing",
            )
        ]
        indexes = [models.Index(fields=["group", "created"], name="comment_group_created")]

    def __str__(self):
        return f"{self.author or '—'} · {self.subject}"

    @property
    def subject(self):
        """What the comment is about: the paper, note or meeting."""
        return self.paper or self.note or self.meeting

    @property
    def is_deleted(self):
        return self.deleted is not None

    def get_absolute_url(self):
        if self.paper_id is not None:
            url = reverse("reading:paper_detail", kwargs={"slug": self.paper.slug})
        else:
            url = self.subject.get_absolute_url()
        return f"{url}#comment-{self.pk}"

    def id_prefix(self):
        """ "c12:": a comment's ids are its own on the page it is shown on. Its footnotes
        were "#fn:1" as the note's above it (a comment's footnote link led to the
        note's), and "## Comment 5" was "#comment-5", the site's anchor of another
        comment. A heading's id never holds a colon, so no note's can be one of these."""
        return f"c{self.pk}:" if self.pk is not None else ""

    def save(self, *args, **kwargs):
        adding = self.pk is None
        super().save(*args, **kwargs)
        if adding and self.own_ids():  # its number, the prefix of its ids, is known now
            Comment.objects.filter(pk=self.pk).update(body_html=self.body_html, toc=self.toc)

    def soft_delete(self):
        """Delete, keeping the row; an edit opened before it then counts as stale."""
        self.deleted = timezone.now()
        self.revision += 1
        self.save(update_fields=["deleted", "revision", "updated"])

    def figure_owners(self):
        """Its author, then the members of the group whose discussion it is in (as a
        note's, Writing.figure_owners)."""
        return [{self.author_id}, member_ids(self.group_id)]

    @classmethod
    def group_of(cls, subject, group=None):
        """Return the group whose discussion a new comment on the subject belongs to."""
        if isinstance(subject, Meeting):
            return subject.group
        if isinstance(subject, Note):
            return subject.group if subject.visibility != Note.Visibility.PRIVATE else None
        return group
