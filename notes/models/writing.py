"""What members write in Markdown and link from: kept as mentions."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from core.models import RenderedMarkdown


class MentionSource(RenderedMarkdown):
    """Something the group writes whose wiki links are kept as Mention rows."""

    mention_field: str = ""  # this model's foreign key on Mention

    class Meta:
        abstract = True

    def record_mentions(self):
        targets = getattr(self, "wikilink_targets", None)
        if targets is None or self.pk is None:
            return
        from .mentions import Mention

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
