"""A group's meetings: who presents what, the write-up and minutes."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Bilingual
from papers.models import Dataset, LanguageModel, Paper, Source

from .groups import ReadingGroup, group_ids_of
from .writing import Writing, display_name


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the meetings of the user's groups (every meeting for a superuser)."""
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__in=group_ids_of(user))

    def about(self, paper):
        """Return the meetings that presented the paper or discussed it (paper may be an
        OuterRef)."""
        # Inside the nested subquery an outer reference must reach one level further out.
        nested = models.OuterRef(paper) if isinstance(paper, models.OuterRef) else paper
        discussed = Meeting.papers.through.objects.filter(
            meeting=models.OuterRef("pk"), paper=nested
        )
        return self.filter(models.Q(paper=paper) | models.Exists(discussed))

    def get_by_natural_key(self, group_slug, number):
        return self.get(group__slug=group_slug, number=number)


class Meeting(Writing):
    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
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
    body = Bilingual(models.TextField, _("write-up"), markdown=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_html = models.TextField(editable=False, blank=True)
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    mention_field = "meeting"
    markdown_fields = {"minutes": "minutes_html"}

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*Writing.history_excluded, "minutes_html"])

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="unique_meeting_number")
        ]

    def __str__(self):
        return f"{self.group} #{self.number} · {self.date:%Y-%m-%d} {self.title}"

    def people(self):
        names = [display_name(user) for user in self.presenters.all()]
        return [*names, self.presenter_name] if self.presenter_name else names

    def get_absolute_url(self):
        return reverse(
            "notes:meeting_detail", kwargs={"group": self.group.slug, "number": self.number}
        )

    def natural_key(self):
        return (*self.group.natural_key(), self.number)

    natural_key.dependencies = ["notes.readinggroup"]
