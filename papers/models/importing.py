"""What importing papers keeps between requests: the shared rate-limit slot of each
outside service, and the state of arXiv harvests (so that one resumes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceSlot(models.Model):
    """One outside service's turn: who holds the connection, and when the next request
    may start. Every worker on every machine takes its turn through this row."""

    name = models.CharField(_("service"), max_length=40, unique=True)
    holder = models.CharField(_("held by"), max_length=64, blank=True)
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    next_at = models.DateTimeField(_("next request at"), null=True, blank=True)
    requests = models.PositiveBigIntegerField(_("requests made"), default=0)

    affects_pages = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("outside service slot")
        verbose_name_plural = _("outside service slots")

    def __str__(self):
        return self.name


class Harvest(models.Model):
    """An OAI-PMH harvest of one arXiv category from a date: where it stopped (the
    resumption token), so that an interrupted run goes on from there."""

    category = models.CharField(_("category"), max_length=40)
    since = models.DateField(_("from"))
    resumption_token = models.CharField(_("resumption token"), max_length=300, blank=True)
    pages = models.PositiveIntegerField(_("pages read"), default=0)
    records = models.PositiveIntegerField(_("records read"), default=0)
    added = models.PositiveIntegerField(_("papers added"), default=0)
    last_datestamp = models.DateField(_("last datestamp"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    affects_pages = False

    class Meta:
        ordering = ["-updated_at"]
        # Not "arXiv harvest": Django writes a model's name with a capital ("ArXiv …").
        verbose_name = _("harvest from arXiv")
        verbose_name_plural = _("harvests from arXiv")
        constraints = [models.UniqueConstraint(fields=["category", "since"], name="unique_harvest")]

    def __str__(self):
        return f"{self.category} ≥ {self.since:%Y-%m-%d}"
