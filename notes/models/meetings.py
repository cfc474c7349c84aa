"""A group's meetings: when and where, who presents what, the write-up and minutes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.addresses import address
from core.compiled import compiled_once, fetch
from core.language import in_interface_language, sort_key
from core.models import Bilingual, RelatedRecord, SourceTitle, TextField, labelled_rows
from papers.models import Dataset, LanguageModel, Paper, Source

from .groups import ReadingGroup, in_groups_of
from .writing import Writing, display_name
from .zones import TimeZoneField, validate_meeting_day, zone_of

LINKED = {"model": LanguageModel, "dataset": Dataset}


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the meetings of the user's groups (every meeting for a superuser)."""
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__in=in_groups_of(user))

    def about(self, paper):
        """Return the meetings that presented the paper or discussed it (paper may be an
        OuterRef)."""
        # Inside the nested subquery an outer reference must reach one level further out.
        nested = models.OuterRef(paper) if isinstance(paper, models.OuterRef) else paper
        discussed = Meeting.papers.through.objects.filter(
            meeting=models.OuterRef("pk"), paper=nested
        )
        return self.filter(models.Q(paper=paper) | models.Exists(discussed))

    def held(self):
        """Return the meetings that take place (not skipped weeks)."""
        return self.exclude(status=Meeting.Status.SKIPPED)

    def coming(self, now=None):
        """Return meetings that have not ended yet (by their date when they have no time)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(ends_at__gt=now)
            | models.Q(ends_at__isnull=True, date__gte=timezone.localdate(now))
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.exclude(pk__in=self.coming(now).values("pk"))

    def clashing(self, group_id, start, end, exclude=None):
        """Return the group's held meetings whose time overlaps start–end."""
        queryset = self.held().filter(group_id=group_id, starts_at__lt=end, ends_at__gt=start)
        return queryset.exclude(pk=exclude) if exclude else queryset

    def for_schedule(self):
        """Return meetings with what a schedule lists: group, paper, presenters, papers."""
        return self.select_related("group", "paper", "series").prefetch_related(
            "presenters", "papers"
        )

    def get_by_natural_key(self, group_slug, number):
        return self.get(group__slug=group_slug, number=number)


class Meeting(Writing):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        SKIPPED = "skipped", _("skipped")
        MOVED = "moved", _("moved")
        ONE_OFF = "one-off", _("one-off")

    HANDBACK_DAYS = 2  # for a meeting outside any series

    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"), validators=[validate_meeting_day])
    # When and where: a meeting entered after the fact may have only its date.
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    time_zone = TimeZoneField(_("time zone"), max_length=64, blank=True)
    place = models.CharField(_("room"), max_length=200, blank=True)
    link = models.URLField(_("video-call link"), max_length=500, blank=True)
    series = models.ForeignKey(
        "MeetingSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("series"),
    )
    series_date = models.DateField(
        _("date in the series"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The series' date this meeting was planned for, even when moved."),
    )
    presenter_slots = models.PositiveSmallIntegerField(_("presenters wanted"), default=1)
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
    body = Bilingual(TextField, _("write-up"), markdown=True, blank=True)
    minutes = TextField(_("minutes"), blank=True)
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
            models.UniqueConstraint(fields=["group", "number"], name="unique_meeting_number"),
            models.UniqueConstraint(
                fields=["series", "series_date"],
                condition=models.Q(series__isnull=False),
                name="unique_series_date",
            ),
        ]

    def __str__(self):  # the admin's, in the interface's language; a member reads heading()
        group = in_interface_language(self.group, "name")
        title = in_interface_language(self) if self.title_zh or self.title_en else ""
        return " ".join(filter(None, [f"{group} #{self.number} · {self.date:%Y-%m-%d}", title]))

    def heading(self):
        """Return the meeting's name in the active language, for text read outside the
        site (a feed entry, a calendar file; a member's e-mail language there): "group
        #number · date", its status unless planned (as the meeting page's badge), its title."""
        parts = [f"{in_interface_language(self.group, 'name')} #{self.number}", self.dated()]
        if self.title_zh.strip() or self.title_en.strip():
            parts.append(in_interface_language(self).strip())
        return " · ".join(parts)

    def dated(self):
        """Its date, and its status unless planned ("2026-12-23 · skipped"), as the meeting
        page's badge says it: for text read outside the site and the list of what changed."""
        if self.status == self.Status.PLANNED:
            return f"{self.date:%Y-%m-%d}"
        return f"{self.date:%Y-%m-%d} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.starts_at is not None:  # the date is the day where the meeting takes place
            self.date = timezone.localtime(self.starts_at, self.zone).date()
            fields = kwargs.get("update_fields")
            if fields is not None and "starts_at" in fields:
                kwargs["update_fields"] = {*fields, "date"}
        super().save(*args, **kwargs)

    @property
    def zone(self):
        return zone_of(self.time_zone or (self.series.time_zone if self.series_id else ""))

    @property
    def skipped(self):
        return self.status == self.Status.SKIPPED

    def is_coming(self, now=None):
        now = now or timezone.now()
        if self.ends_at is not None:
            return self.ends_at > now
        return self.date >= timezone.localdate(now)

    @property
    def handback_deadline(self):
        """Until when a presenter may hand the slot back (None: no time set)."""
        if self.starts_at is None:
            return None
        days = self.series.handback_days if self.series_id else self.HANDBACK_DAYS
        return self.starts_at - datetime.timedelta(days=days)

    def open_slots(self):
        return max(self.presenter_slots - len(self.presenters.all()), 0)

    def is_blank(self):
        """Whether nothing was planned for the meeting yet (no presenter, paper, text)."""
        return not (
            self.presenters.all()
            or self.proposals.all()
            or self.paper_id
            or self.body_zh
            or self.body_en
            or self.minutes
            or self.presenter_name
        )

    def papers_to_read(self):
        """The presented paper first, then the papers discussed."""
        papers = [self.paper] if self.paper_id else []
        return papers + [paper for paper in self.papers.all() if paper.pk != self.paper_id]

    def linked_rows(self):
        """Return the (kind, label, slug, extra) rows of the models, datasets and sources
        this meeting discussed (``labelled_rows``), in one UNION query."""
        released = Cast("released", output_field=models.CharField())
        return labelled_rows(self.language_models.all(), "model", "name", released).union(
            labelled_rows(self.datasets.all(), "dataset", "name"),
            labelled_rows(self.sources.all(), "source", "title_zh", F("title_en")),
            all=True,
        )

    def linked_statement(self):
        """The statement linked_records() reads, for ``core.compiled.read_ahead``."""
        return _linked_sql(self.pk)

    def linked_records(self):
        """Return the models, datasets and sources this meeting discussed, read in one
        query (``linked_rows``, its SQL compiled once per process: ``core.compiled``): {"model":
        [RelatedRecord], "dataset": [RelatedRecord], "source": [SourceTitle]}, each in
        its model's order (models by release, then by name)."""
        union = fetch(*self.linked_statement())
        found = {"model": [], "dataset": [], "source": []}
        order = {
            "model": lambda row: (not row[3], row[3], sort_key(row[1])),
            "dataset": lambda row: sort_key(row[1]),
            "source": lambda row: row[2],
        }
        for kind, name, slug, extra in sorted(union, key=lambda row: (row[0], order[row[0]](row))):
            found[kind].append(
                SourceTitle(name, extra)
                if kind == "source"
                else RelatedRecord(name, LINKED[kind](slug=slug).get_absolute_url())
            )
        return found

    def people(self):
        names = [display_name(user) for user in self.presenters.all()]
        return [*names, self.presenter_name] if self.presenter_name else names

    def get_absolute_url(self):
        return address("notes:meeting_detail", group=self.group.slug, number=self.number)

    def natural_key(self):
        return (*self.group.natural_key(), self.number)

    natural_key.dependencies = ["notes.readinggroup"]


# The SQL of linked_rows(), compiled once per process, for the meeting of an id.
_linked_sql = compiled_once(lambda pk: Meeting(pk=pk).linked_rows())


def _discussed_paper(link):
    return str(link.paper)


# A meeting's link to a paper it discusses (the automatic through model) is named by the
# paper, not "Meeting_papers object (1)" (the admin's meeting form lists them).
Meeting.papers.through.__str__ = _discussed_paper
