"""Keep rendered Markdown in step with its source, also for fixture loads."""

from django.apps import apps
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.models import RenderedMarkdown
from core.wikilinks import Index
from papers.models import LanguageModel


def markdown_models():
    return [m for m in apps.get_models() if issubclass(m, RenderedMarkdown)]


def rerender_all():
    """Render every Markdown record again (after a fixture load); return how many."""
    resolve = Index()
    count = 0
    for model in markdown_models():
        targets = list(model.markdown_fields.values())
        for obj in model.objects.iterator(chunk_size=500):
            obj.render_markdown(resolve_wikilink=resolve)
            model.objects.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in targets})
            obj.record_mentions()
            count += 1
    return count


@receiver(post_save)
def render_raw_save(sender, instance, raw, **kwargs):
    """loaddata saves without calling save(): render those records here, and give a
    language model (and what derives from it) its family root."""
    if raw and isinstance(instance, LanguageModel):
        instance.update_family_roots()
    if raw and isinstance(instance, RenderedMarkdown):
        instance.render_markdown()
        targets = list(instance.markdown_fields.values())
        sender.objects.filter(pk=instance.pk).update(**{f: getattr(instance, f) for f in targets})
        instance.record_mentions()
