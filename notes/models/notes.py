"""Reading notes, bilingual, each visible to its author, its group or everyone."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.addresses import address
from core.language import shown_name, shows_something
from core.markdown import shows_something_rendered
from papers.models import TOPICS_HELP, LanguageModel, Paper, Source, TaggedItem, Topical

from .groups import ReadingGroup, group_ids_of, in_groups_of
from .meetings import Meeting
from .writing import Writing, display_name


class TaggedNote(TaggedItem):
    content_object = models.ForeignKey("Note", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("note topic")
        verbose_name_plural = _("note topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_note_tag")
        ]


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the notes the user may read: their own, their groups', and public ones."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(visibility=Note.Visibility.EVERYONE)
            | models.Q(author=user)
            | models.Q(visibility=Note.Visibility.GROUP, group__in=in_groups_of(user))
        )

    def by(self, user):
        return self.filter(author=user)

    def audience_of(self, user):
        """Return a text that names what the user may read of notes and meetings, for
        keeping what they see once for everyone alike: the members of the same groups
        share it, unless they wrote a note that is not public (then it is theirs).
        visible_to() and Meeting.objects.visible_to() depend on nothing else. A
        superuser may read everything, but a paper's discussion shows the reader's own
        groups' alone: superusers share an audience with those of the same groups."""
        return self.audience_and_roles(user)[0]

    def audience_and_roles(self, user):
        """Return audience_of(user) and the user's {group id: role}, in one query."""
        if not user.is_authenticated:
            return "nobody", {}
        # The user's groups and roles, and (-1, "") if they wrote a note that is not public.
        own = (
            self.by(user)
            .exclude(visibility=Note.Visibility.EVERYONE)
            .order_by()
            .annotate(
                mark=models.Value(-1, output_field=models.IntegerField()),
                no_role=models.Value("", output_field=models.CharField()),
            )
            .values_list("mark", "no_role")
            .distinct()
        )
        memberships = group_ids_of(user).order_by().values_list("group_id", "role")
        rows = dict(memberships.union(own))
        roles = {group: role for group, role in rows.items() if group != -1}
        groups = ",".join(str(pk) for pk in sorted(roles))
        if user.is_superuser:
            return f"everything;groups:{groups}", roles
        return f"groups:{groups}" + (f";user:{user.pk}" if -1 in rows else ""), roles

    def for_list(self):
        """Return notes with author, group and the paper or model they are about."""
        return self.select_related("author", "group", "paper", "language_model", "meeting")

    def for_blocks(self):
        """Return notes with what a note's block on the page of its paper or model shows
        besides the note: its author (the byline)."""
        return self.select_related("author")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Note(Topical, Writing):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("private (only me)")
        GROUP = "group", _("my group")
        EVERYONE = "everyone", _("everyone logged in")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("author"),
    )
    author_name = models.CharField(
        _("author (name)"),
        max_length=200,
        blank=True,
        help_text=_("For a note written outside the site, such as a source document."),
    )
    author_name_zh = models.CharField(
        _("author (Chinese name)"),
        max_length=200,
        blank=True,
        help_text=_("The author's name as the Chinese interface shows it, if it differs."),
    )
    group = models.ForeignKey(
        ReadingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("group"),
    )
    # A note outlives the record it is about: deleting a (duplicate) paper or model
    # must not take members' notes with it.
    paper = models.ForeignKey(
        Paper,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("paper"),
    )
    language_model = models.ForeignKey(
        LanguageModel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("model"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("meeting"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.GROUP
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(
        through=TaggedNote, blank=True, verbose_name=_("topics"), help_text=TOPICS_HELP
    )

    mention_field = "note"
    title_missing = _("Untitled note")

    objects = NoteQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=Writing.history_excluded)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [
            # Every column of visible_to(): search can test which notes a member may read
            # from this index alone instead of reading the whole table.
            models.Index(fields=["visibility", "author", "group", "id"], name="note_visible_to"),
        ]

    def stamp_author(self, user):
        """Make the user the author of a note that names none (neither an account nor,
        for a note from outside the site, a name)."""
        if self.author_id is None and not (self.author_name or self.author_name_zh):
            self.author = user

    def people(self):
        """The author's account, else the name of a note from outside the site, in the
        interface's language (a source's Chinese name in the Chinese interface)."""
        if self.author_id is not None:
            return [display_name(self.author)]
        name = shown_name(self.author_name or self.author_name_zh, self.author_name_zh)
        return [name] if name else []

    def get_absolute_url(self):
        return address("notes:note_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        # A zero-width space is none; nor is a body that renders as nothing ("<!-- … -->").
        titles, bodies = [self.title_zh, self.title_en], [self.body_zh, self.body_en]
        if not any(map(shows_something, titles)) and not any(map(shows_something_rendered, bodies)):
            raise ValidationError(_("Write a title or a body in at least one language."))
        if self.visibility == self.Visibility.GROUP and self.group_id is None:
            raise ValidationError({"group": _("A note visible to a group needs a group.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = f"note-{uuid.uuid4().hex[:12]}"
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            self.moderate_comments_by_its_group()

    def moderate_comments_by_its_group(self):
        """Give the note's comments the group whose organisers moderate them, as a new
        comment gets it (Comment.group_of): a note moved to another group or made private
        takes its discussion along. Its old group's organisers moderated it still, and
        the new group's could not. An update: a comment's own save would count as an
        edit of it, and refuse an edit opened before."""
        moderated_by = self.group_id if self.visibility != self.Visibility.PRIVATE else None
        self.comments.exclude(group_id=moderated_by).update(group_id=moderated_by)
