"""What the group writes: groups, meetings, notes, the glossary and reading lists."""

import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from core.models import Language, NaturalKeyManager, RenderedMarkdown, TimeStamped
from papers.models import Dataset, LanguageModel, Paper, Source, TaggedItem


class ReadingGroupQuerySet(models.QuerySet):
    def of(self, user):
        """Return the groups the user is a member of (any role)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=group_ids_of(user))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ReadingGroup(TimeStamped):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="reading_groups",
        verbose_name=_("members"),
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = ReadingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("reading group")
        verbose_name_plural = _("reading groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("notes:group_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        MEMBER = "member", _("member")

    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    joined = models.DateField(_("joined"), auto_now_add=True)

    class GroupUserManager(models.Manager):
        def get_by_natural_key(self, group_slug, username):
            return self.get(group__slug=group_slug, user__username=username)

    objects = GroupUserManager()

    class Meta:
        ordering = ["group", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} · {self.group} ({self.get_role_display()})"

    def natural_key(self):
        return (self.group.slug, self.user.get_username())

    natural_key.dependencies = ["notes.readinggroup", "auth.user"]


def group_ids_of(user):
    """Return the ids of the reading groups the user belongs to (a subquery)."""
    return Membership.objects.filter(user=user).values("group_id")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the meetings of the user's groups (every meeting for a superuser)."""
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__in=group_ids_of(user))

    def get_by_natural_key(self, group_slug, number):
        return self.get(group__slug=group_slug, number=number)


class MentionSource(RenderedMarkdown):
    """Something the group writes whose wiki links are kept as Mention rows."""

    mention_field: str = ""  # this model's foreign key on Mention

    class Meta:
        abstract = True

    def record_mentions(self):
        targets = getattr(self, "wikilink_targets", None)
        if targets is None or self.pk is None:
            return
        Mention.objects.filter(**{self.mention_field: self}).delete()
        types = ContentType.objects
        Mention.objects.bulk_create(
            Mention(
                **{self.mention_field: self},
                target_type=types.get_for_model(apps.get_model(label)),
                target_id=pk,
            )
            for label, pk in sorted(targets)
        )


class Meeting(MentionSource, TimeStamped):
    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="presented_meetings",
        verbose_name=_("presenters"),
    )
    presenter_name = models.CharField(
        _("presenter (name)"),
        max_length=200,
        blank=True,
        help_text=_("For a presenter without an account on the site."),
    )
    paper = models.ForeignKey(
        Paper,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
        verbose_name=_("presented paper"),
        help_text=_("The paper the meeting presents; others go under papers discussed."),
    )
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="meetings", verbose_name=_("papers discussed")
    )
    language_models = models.ManyToManyField(
        LanguageModel, blank=True, related_name="meetings", verbose_name=_("models")
    )
    datasets = models.ManyToManyField(
        Dataset, blank=True, related_name="meetings", verbose_name=_("datasets")
    )
    writeup_zh = models.TextField(_("write-up (Chinese)"), blank=True)
    writeup_en = models.TextField(_("write-up (English)"), blank=True)
    writeup_zh_html = models.TextField(editable=False, blank=True)
    writeup_en_html = models.TextField(editable=False, blank=True)
    translation = models.CharField(
        _("translated side"),
        max_length=2,
        choices=Language,
        blank=True,
        help_text=_("Which language's text is a translation of the other, if either."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_html = models.TextField(editable=False, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    mention_field = "meeting"
    markdown_fields = {
        "writeup_zh": "writeup_zh_html",
        "writeup_en": "writeup_en_html",
        "minutes": "minutes_html",
    }

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["writeup_zh_html", "writeup_en_html", "minutes_html"]
    )

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="unique_meeting_number")
        ]

    def __str__(self):
        return f"{self.group} #{self.number} · {self.date:%Y-%m-%d} {self.title}"

    @property
    def title(self):
        return self.title_zh or self.title_en

    def get_absolute_url(self):
        return reverse(
            "notes:meeting_detail", kwargs={"group": self.group.slug, "number": self.number}
        )

    def natural_key(self):
        return (*self.group.natural_key(), self.number)

    natural_key.dependencies = ["notes.readinggroup"]


class TaggedNote(TaggedItem):
    content_object = models.ForeignKey("Note", on_delete=models.CASCADE)

    class Meta:
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
            | models.Q(visibility=Note.Visibility.GROUP, group__in=group_ids_of(user))
        )

    def by(self, user):
        return self.filter(author=user)

    def for_list(self):
        """Return notes with author, group and the paper or model they are about."""
        return self.select_related("author", "group", "paper", "language_model", "meeting")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Note(MentionSource, TimeStamped):
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
    group = models.ForeignKey(
        ReadingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("group"),
    )
    paper = models.ForeignKey(
        Paper,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("paper"),
    )
    language_model = models.ForeignKey(
        LanguageModel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
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
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_zh = models.TextField(_("body (Chinese)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    body_zh_html = models.TextField(editable=False, blank=True)
    body_en_html = models.TextField(editable=False, blank=True)
    translation = models.CharField(
        _("translated side"),
        max_length=2,
        choices=Language,
        blank=True,
        help_text=_("Which language's text is a translation of the other, if either."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.GROUP
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))
    tags = TaggableManager(through=TaggedNote, blank=True, verbose_name=_("tags"))

    mention_field = "note"
    markdown_fields = {"body_zh": "body_zh_html", "body_en": "body_en_html"}

    objects = NoteQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_zh_html", "body_en_html"])

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [
            # Every column of visible_to(): search can test which notes a member may read
            # from this index alone instead of reading the whole table.
            models.Index(fields=["visibility", "author", "group", "id"], name="note_visible_to"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return self.title_zh or self.title_en or _("Untitled note")

    def get_absolute_url(self):
        return reverse("notes:note_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if not any([self.title_zh, self.title_en, self.body_zh, self.body_en]):
            raise ValidationError(_("Write a title or a body in at least one language."))
        if self.visibility == self.Visibility.GROUP and self.group_id is None:
            raise ValidationError({"group": _("A note visible to a group needs a group.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = f"note-{uuid.uuid4().hex[:12]}"
        super().save(*args, **kwargs)


class GlossaryTerm(MentionSource, TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    term = models.CharField(_("term"), max_length=200)
    term_zh = models.CharField(_("Chinese term"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_zh_html = models.TextField(editable=False, blank=True)
    definition_en_html = models.TextField(editable=False, blank=True)
    translation = models.CharField(_("translated side"), max_length=2, choices=Language, blank=True)
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="glossary_terms", verbose_name=_("related papers")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    mention_field = "glossary_term"
    markdown_fields = {"definition_zh": "definition_zh_html", "definition_en": "definition_en_html"}

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return f"{self.term} ({self.term_zh})" if self.term_zh else self.term

    def get_absolute_url(self):
        return reverse("notes:glossary") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class ReadingList(TimeStamped):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    group = models.ForeignKey(
        ReadingGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reading_lists",
        verbose_name=_("group"),
    )
    papers = models.ManyToManyField(
        Paper, through="ReadingListItem", related_name="reading_lists", verbose_name=_("papers")
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notes:readinglist_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="items", verbose_name=_("reading list")
    )
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="reading_list_items", verbose_name=_("paper")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    section = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("A heading the list groups it under.")
    )
    comment_zh = models.TextField(_("comment (Chinese)"), blank=True)
    comment_en = models.TextField(_("comment (English)"), blank=True)

    class ListPaperManager(models.Manager):
        def get_by_natural_key(self, list_slug, paper_slug):
            return self.get(reading_list__slug=list_slug, paper__slug=paper_slug)

    objects = ListPaperManager()

    class Meta:
        ordering = ["reading_list", "position"]
        verbose_name = _("reading-list item")
        verbose_name_plural = _("reading-list items")
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "paper"], name="unique_list_paper")
        ]

    def __str__(self):
        return f"{self.reading_list} · {self.position}. {self.paper}"

    def natural_key(self):
        return (self.reading_list.slug, self.paper.slug)

    natural_key.dependencies = ["notes.readinglist", "papers.paper"]


class MentionQuerySet(models.QuerySet):
    def of(self, obj):
        """Return the mentions of one record of the knowledge base."""
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)

    def visible_to(self, user):
        """Return mentions from the notes and meetings the user may read, and the glossary."""
        return self.filter(
            models.Q(note__in=Note.objects.visible_to(user))
            | models.Q(meeting__in=Meeting.objects.visible_to(user))
            | models.Q(glossary_term__isnull=False)
        )

    def for_list(self):
        return self.select_related("note", "meeting__group", "glossary_term").order_by(
            "glossary_term", "meeting", "-note__updated"
        )


class Mention(models.Model):
    """A wiki link from a note, meeting or glossary term to a paper, model, dataset or term."""

    note = models.ForeignKey(
        Note, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    glossary_term = models.ForeignKey(
        GlossaryTerm, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        indexes = [models.Index(fields=["target_type", "target_id"], name="mention_target")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(note__isnull=False, meeting=None, glossary_term=None)
                    | models.Q(note=None, meeting__isnull=False, glossary_term=None)
                    | models.Q(note=None, meeting=None, glossary_term__isnull=False)
                ),
                name="mention_has_one_source",
            )
        ]

    def __str__(self):
        return f"{self.source} → {self.target_type.model} {self.target_id}"

    @property
    def source(self):
        return self.note or self.meeting or self.glossary_term


MENTIONABLE = {"papers.paper", "papers.languagemodel", "papers.dataset", "notes.glossaryterm"}


@receiver(post_delete)
def forget_mentions_of_deleted_records(sender, instance, **kwargs):
    if sender._meta.label_lower in MENTIONABLE:
        Mention.objects.of(instance).delete()
