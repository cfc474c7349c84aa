"""Wiki links from what the group writes to the knowledge base."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.adminsite import label_case
from core.language import colon

from .glossary import GlossaryTerm
from .meetings import Meeting
from .notes import Note


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
        Note,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        verbose_name=_("note"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        verbose_name=_("meeting"),
    )
    glossary_term = models.ForeignKey(
        GlossaryTerm,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        verbose_name=_("glossary term"),
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record linked to")
    )
    target_id = models.PositiveBigIntegerField(_("id of the record linked to"))
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
        return f"{self.source} → {self.target_label()}"

    def target_label(self):
        """The record linked to, after its kind ("论文：LLaMA …"); a kind and id when
        it is gone. Not the content type's code name ("glossaryterm 7"): this names the
        mention on its admin page, its history and its deletion."""
        model = self.target_type.model_class()
        kind = label_case(model._meta.verbose_name) if model else self.target_type.model
        if self.target is None:
            return f"{kind} {self.target_id}"
        return f"{kind}{colon()}{self.target}"

    @property
    def source(self):
        return self.note or self.meeting or self.glossary_term


MENTIONABLE = {"papers.paper", "papers.languagemodel", "papers.dataset", "notes.glossaryterm"}


@receiver(post_delete)
def forget_mentions_of_deleted_records(sender, instance, **kwargs):
    if sender._meta.label_lower in MENTIONABLE:
        Mention.objects.of(instance).delete()
