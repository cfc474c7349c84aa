"""The admin for the shared knowledge base.

Papers, models, datasets and the rest are shared by every group: staff edit them
as Django's model permissions allow. Notes shown inline are only those the user
may edit; notes/admin.py adds them. Papers and models keep a history with restore.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.managers import TaggableManager
from taggit.models import Tag

from core.adminlist import QuickChangelist, QuickListFilter
from core.adminsite import ReadableInlineFormSet, WrittenLabels
from core.history import ADDED_IN_ADMIN_REASON, HistoryAdmin
from core.language import names_separator, shown_name, sort_key
from core.pagecache import CachedChangelist
from core.revisions import RevisionCheck

from .filters import admin_filter_lookups, paper_count, shown_topics
from .forms import MonthField, PaperAdminForm, TopicAdminForm
from .importing import plan as importing
from .importing.records import ServiceError
from .models import (
    Ability,
    Dataset,
    EvaluationTask,
    Harvest,
    LanguageModel,
    ModelDataset,
    Organization,
    Paper,
    ServiceSlot,
    Source,
    Topic,
    TopicName,
    topic_names,
)


class TagsMixin:
    """Show a record's topics in one column of the change list (``tag_list``), their names
    read for the page's records in one query (``TopicsChangeList``)."""

    def get_changelist(self, request, **kwargs):
        return TopicsChangeList

    @admin.display(description=_("topics"))
    def tag_list(self, obj):
        """The record's topics, each by its name in the interface's language, in the
        order of those names (the Chinese ones by their pinyin)."""
        names = getattr(obj, "topic_names", None)
        if names is None:
            names = [Topic.of(tag).shown_name for tag in obj.tags.all()]
        return ", ".join(sorted(names, key=sort_key))


class TopicsChangeList(ChangeList):
    """A change list whose records carry their topics' names (``topic_names``) when it
    shows them: one query of (record, name) for the page, not records of links and tags
    (taggit's prefetch, or ours through the links, were a tenth of the paper list)."""

    def get_results(self, request):
        super().get_results(request)
        if "tag_list" not in self.list_display:
            return
        records = {record.pk: record for record in self.result_list}
        for record in records.values():
            record.topic_names = []
        for pk, name, name_zh in topic_names(self.model, tuple(records)) if records else ():
            records[pk].topic_names.append(shown_name(name, name_zh))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "slug", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["title_en", "title_zh", "slug", "description"]
    prepopulated_fields = {"slug": ("title_en",)}


@admin.register(Organization)
class OrganizationAdmin(RevisionCheck, admin.ModelAdmin):
    list_display = ["name", "name_zh", "country", "paper_count", "model_count"]
    list_filter = ["country", "sources"]
    search_fields = ["name", "name_zh", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["sources"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                paper_count=Count("papers", distinct=True),
                model_count=Count("models", distinct=True),
            )
        )

    @admin.display(description=_("papers"), ordering="paper_count")
    def paper_count(self, obj):
        return obj.paper_count

    @admin.display(description=_("models"), ordering="model_count")
    def model_count(self, obj):
        return obj.model_count


REFRESH_AT_MOST = 500  # five requests to arXiv, a quarter of a minute


class YearFilter(QuickListFilter):
    """The paper years, from the paper list's cached filter choices: listing the distinct
    years of a large library reads every row."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return admin_filter_lookups(request)["years"]

    def queryset(self, request, queryset):
        if (year := self.number(request)) is not None:
            return queryset.filter(year=year)
        return queryset


class CachedChoicesFilter(QuickListFilter):
    """A filter on a related model whose choices come from the cached filter choices
    (``admin_filter_lookups``), not from a query on every view of the change list; the
    same parameter as Django's related-field filter."""

    choices_key = ""
    field = ""

    def lookups(self, request, model_admin):
        return admin_filter_lookups(request)[self.choices_key]

    def queryset(self, request, queryset):
        if (pk := self.number(request)) is not None:
            return queryset.filter(**{f"{self.field}__id": pk})
        return queryset


class TopicFilter(CachedChoicesFilter):
    title, parameter_name = _("topics"), "tags__id__exact"
    choices_key, field = "topics", "tags"


class ShownTopicsFilter(admin.RelatedFieldListFilter):
    """The topics filter of a list other than the papers' (``("tags", ShownTopicsFilter)``):
    the topics its records have, named as the site names them, in the interface's
    language and in the order of those names (papers.filters.shown_topics). Django's own
    lists every tag by its English name."""

    def field_choices(self, field, request, model_admin):
        used = model_admin.model.tags.through.objects.values("tag")
        tags = Tag.objects.filter(pk__in=used).select_related("chinese_name")
        return [(tag.pk, topic.shown_name) for tag, topic in shown_topics(tags)]


class SourceFilter(CachedChoicesFilter):
    title, parameter_name = _("sources"), "sources__id__exact"
    choices_key, field = "sources", "sources"


class OrganizationFilter(CachedChoicesFilter):
    title, parameter_name = _("organizations"), "organizations__id__exact"
    choices_key, field = "organizations", "organizations"


# What the paper change list does not show of a paper, left out of its page's query: the
# long texts, the arXiv record's fields, the links (~0.6 ms of a view at PostgreSQL).
NOT_LISTED = ["authors", "summary_zh", "summary_en", "remarks", "comment", "affiliations"]
NOT_LISTED += ["created", "updated", "month", "arxiv_version", "doi", "primary_category"]
NOT_LISTED += ["categories", "journal_ref", "title_key", "added_by", "citation_key"]
NOT_LISTED += ["url", "pdf_url", "code_url"]


class PaperPaginator(Paginator):
    """The paper change list's pages, read without the fields NOT_LISTED; with no filter
    and no search, the number of papers from the cache (``paper_count``), not a COUNT of
    the whole table on every view."""

    def __init__(self, object_list, *args, **kwargs):
        super().__init__(object_list.defer(*NOT_LISTED), *args, **kwargs)

    @cached_property
    def count(self):
        if self.object_list.query.where:
            return super().count
        return paper_count()


@admin.register(Paper)
class PaperAdmin(
    WrittenLabels, CachedChangelist, QuickChangelist, TagsMixin, RevisionCheck, HistoryAdmin
):
    form = PaperAdminForm
    add_form_template = "admin/papers/paper/add_form.html"  # points to "Add papers"
    list_display = ["title_en", "title_zh", "arxiv_id", "year", "venue", "provenance", "tag_list"]
    list_filter = [YearFilter, "provenance", TopicFilter, SourceFilter, OrganizationFilter]
    search_fields = ["title_en", "title_zh", "arxiv_id", "doi", "authors", "slug"]
    # At 100k papers a second COUNT over the whole table on every page view, and 100
    # rows of tags, cost more than the list is worth.
    show_full_result_count = False
    paginator = PaperPaginator
    list_per_page = 50
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ["organizations", "added_by"]
    filter_horizontal = ["sources"]
    readonly_fields = ["created"]
    actions = ["refresh_from_arxiv"]

    def save_model(self, request, obj, form, change):
        # Named, so that a paper typed here is never taken for an import's (its version
        # without a reason and "added from" arXiv was), whose fields a refresh replaces.
        if not change:
            obj._change_reason = ADDED_IN_ADMIN_REASON
        super().save_model(request, obj, form, change)

    def get_changelist_instance(self, request):
        """Unfiltered, the list's count is the whole library's: Django, not counting the
        whole (show_full_result_count), offered "135 results (Show all)" beside the
        search box of a list that showed them all."""
        cl = super().get_changelist_instance(request)
        if cl.full_result_count is None and not cl.query and not cl.has_active_filters:
            cl.full_result_count = cl.result_count
        return cl

    fieldsets = [
        (None, {"fields": ["title_en", "title_zh", "slug", "authors", "organizations", "tags"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "venue",
                    "year",
                    "month",
                    "arxiv_id",
                    "arxiv_version",
                    "doi",
                    "citation_key",
                ]
            },
        ),
        (
            _("arXiv"),
            {
                "fields": ["primary_category", "categories", "comment", "journal_ref"],
                "classes": ["collapse"],
            },
        ),
        (_("Links"), {"fields": ["url", "pdf_url", "code_url"]}),
        (_("Summary"), {"fields": ["summary_zh", "summary_en"]}),
        (
            _("Provenance"),
            {
                "fields": [
                    "provenance",
                    "added_by",
                    "created",
                    "sources",
                    "remarks",
                    "affiliations",
                ]
            },
        ),
    ]

    @admin.action(description=_("Refresh from arXiv (when a new version appeared)"))
    def refresh_from_arxiv(self, request, queryset):
        papers = list(queryset.exclude(arxiv_id=None)[: REFRESH_AT_MOST + 1])
        if len(papers) > REFRESH_AT_MOST:
            self.message_user(
                request,
                _(
                    "Choose at most %(count)d papers at a time (arXiv is asked once every "
                    "few seconds); for more, use: manage.py import_arxiv --refresh"
                )
                % {"count": REFRESH_AT_MOST},
                messages.ERROR,
            )
            return
        try:
            result = importing.refresh(papers)
        except ServiceError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d paper updated to a new arXiv version.",
                "%(count)d papers updated to a new arXiv version.",
                len(result.updated),
            )
            % {"count": len(result.updated)}
            + " "
            + ngettext(
                "%(count)d already current.", "%(count)d already current.", len(result.current)
            )
            % {"count": len(result.current)},
            messages.SUCCESS,
        )
        for note in result.notes:
            self.message_user(request, note, messages.WARNING)
        if result.missing:
            self.message_user(
                request,
                _("arXiv has none of: %(ids)s")
                % {"ids": ", ".join(p.arxiv_id for p in result.missing)},
                messages.WARNING,
            )


@admin.register(ServiceSlot)
class ServiceSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "holder", "held_until", "next_at", "requests"]
    search_fields = ["name"]
    readonly_fields = ["requests"]


@admin.register(Harvest)
class HarvestAdmin(admin.ModelAdmin):
    list_display = ["category", "since", "pages", "records", "added", "last_datestamp"]
    list_display += ["updated_at", "finished_at"]
    list_filter = ["category"]
    search_fields = ["category", "resumption_token"]
    date_hierarchy = "since"


class ModelDatasetInline(admin.TabularInline):
    formset = ReadableInlineFormSet
    model = ModelDataset
    part_of_record = True  # an edit of it is an edit of the record (core.revisions)
    extra = 0
    autocomplete_fields = ["dataset"]


@admin.register(LanguageModel)
class LanguageModelAdmin(CachedChangelist, QuickChangelist, TagsMixin, RevisionCheck, HistoryAdmin):
    list_display = [
        "name",
        "organization",
        "release_month",
        "parameters_b",
        "open_weights",
        "base_model",
        "relation",
    ]
    list_select_related = ["organization", "base_model"]
    list_filter = [
        "open_weights",
        "relation",
        "commercial_use",
        "organization",
        ("tags", ShownTopicsFilter),
    ]
    search_fields = ["name", "slug", "organization__name", "organization__name_zh"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["organization", "base_model", "papers"]
    filter_horizontal = ["sources"]
    date_hierarchy = "released"
    inlines = [ModelDatasetInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organization", "released", "tags", "url"]}),
        (_("Lineage"), {"fields": ["base_model", "relation"]}),
        (
            _("Size and licence"),
            {
                "fields": [
                    "parameters_b",
                    "parameter_sizes",
                    "open_weights",
                    "license",
                    "commercial_use",
                ]
            },
        ),
        (
            _("Architecture"),
            {
                "fields": [
                    "architecture",
                    "layers",
                    "attention_heads",
                    "hidden_size",
                    "vocab_size",
                    "context_length",
                    "training_tokens",
                    "tokenizer",
                    "hardware",
                    "facts",
                ]
            },
        ),
        (_("Description"), {"fields": ["description_zh", "description_en", "papers"]}),
        (_("Provenance"), {"fields": ["sources", "remarks"]}),
    ]

    @admin.display(description=_("release month"), ordering="released")
    def release_month(self, model):
        """The month, as the form and the site write it (2023-07): the date it is stored
        as showed a first of the month nobody gave."""
        return model.released.strftime("%Y-%m") if model.released else None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "released":  # a month, typed as one
            return MonthField(
                label=capfirst(db_field.verbose_name),
                required=False,
                help_text=_("The month it was released, e.g. 2023-07."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class DatasetLanguagesFilter(admin.AllValuesFieldListFilter):
    """The datasets' languages named as their pages name them ("zh, en": 中文、英文 in
    Chinese), where Django's own shows the stored codes."""

    def choices(self, changelist):
        values = {str(value) for value in self.lookup_choices}
        for choice in super().choices(changelist):
            if choice["display"] in values:
                choice = {**choice, "display": Dataset(languages=choice["display"]).language_names}
            yield choice


@admin.register(Dataset)
class DatasetAdmin(CachedChangelist, QuickChangelist, TagsMixin, RevisionCheck, admin.ModelAdmin):
    list_display = ["name", "kind", "size", "shown_languages", "organization", "tag_list"]
    list_select_related = ["organization"]
    list_filter = [
        "kind",
        ("languages", DatasetLanguagesFilter),
        "sources",
        ("tags", ShownTopicsFilter),
    ]
    search_fields = ["name", "slug", "description_zh", "description_en"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["organization", "papers"]
    filter_horizontal = ["sources"]

    @admin.display(description=_("languages"), ordering="languages")
    def shown_languages(self, dataset):
        """As the filter and the dataset pages name them (中文、英文), not the codes."""
        return dataset.language_names


class EvaluationTaskInline(admin.TabularInline):
    formset = ReadableInlineFormSet
    model = EvaluationTask
    part_of_record = True  # an edit of it is an edit of the record (core.revisions)
    extra = 0
    fields = ["position", "name", "name_zh", "slug", "benchmarks"]
    autocomplete_fields = ["benchmarks"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Ability)
class AbilityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "level", "position", "task_count"]
    list_filter = ["level"]
    list_editable = ["position"]
    search_fields = ["name", "name_zh"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [EvaluationTaskInline]
    filter_horizontal = ["sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj):
        return obj.task_count


@admin.register(EvaluationTask)
class EvaluationTaskAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "ability", "position", "benchmark_list"]
    list_select_related = ["ability"]
    list_filter = ["ability__level", "ability"]
    search_fields = ["name", "name_zh", "benchmarks__name"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["ability", "benchmarks"]
    filter_horizontal = ["sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("benchmarks")

    @admin.display(description=_("benchmarks"))
    def benchmark_list(self, obj):
        return ", ".join(dataset.name for dataset in obj.benchmarks.all())


@admin.register(ModelDataset)
class ModelDatasetAdmin(admin.ModelAdmin):
    list_display = ["model", "role", "dataset"]
    list_select_related = ["model", "dataset"]
    list_filter = ["role"]
    search_fields = ["model__name", "dataset__name"]
    autocomplete_fields = ["model", "dataset"]


# Topics (taggit's tags) --------------------------------------------------------------------


def tagged_models():
    """Every model with topics (a TaggableManager named ``tags``): papers, models and
    datasets here, notes above; found through the app registry, so no app is imported."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(f, TaggableManager) for f in model._meta.get_fields() if f.name == "tags")
    ]


@transaction.atomic
def merge_topics(topics, keep):
    """Give every record of the topics ``keep`` instead, then delete the others. Through
    each record's ``tags`` manager, so the search index and the kept pages hear of it."""
    others = [topic for topic in topics if topic.pk != keep.pk]
    for model in tagged_models():
        # Unordered: DISTINCT cannot sort by the models' expressions on PostgreSQL.
        for record in model._default_manager.filter(tags__in=others).order_by().distinct():
            record.tags.add(keep)
            record.tags.remove(*others)
    keep_chinese_name(keep, others)
    Tag.objects.filter(pk__in=[topic.pk for topic in others]).delete()
    return others


def keep_chinese_name(keep, others):
    """The kept topic keeps its own Chinese name; without one, it takes the first of the
    merged topics' (in their order), before they go with theirs."""
    if TopicName.objects.filter(tag=keep).exists():
        return
    names = {named.tag_id: named.name_zh for named in TopicName.objects.filter(tag__in=others)}
    first = next((names[topic.pk] for topic in others if topic.pk in names), None)
    if first is not None:
        TopicName.objects.create(tag=keep, name_zh=first)


admin.site.unregister(Tag)


@admin.register(Tag)
class TopicAdmin(admin.ModelAdmin):
    """taggit's tags, as the site's topics, each with its Chinese name (a field of the
    form, kept in papers.TopicName). Merging works on every model's topics: taggit's own
    action moved only its generic tagged items, which this site does not use."""

    form = TopicAdminForm
    list_display = ["name", "name_zh", "slug"]
    ordering = ["name"]
    search_fields = ["name", "chinese_name__name_zh"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("chinese_name")

    # Not named chinese_name: the admin would take the column for that relation, its
    # header the related model's name and not sortable.
    @admin.display(description=_("Chinese name"), ordering="chinese_name__name_zh")
    def name_zh(self, obj):
        named = getattr(obj, "chinese_name", None)  # None when it has none
        return named.name_zh if named else None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.save_chinese_name()

    @admin.action(description=_("Merge the selected topics into one"), permissions=["change"])
    def merge(self, request, queryset):
        topics = list(queryset.order_by("name"))
        if len(topics) < 2:
            self.message_user(request, _("Select two topics or more to merge."), messages.WARNING)
            return None
        keep = next((t for t in topics if str(t.pk) == request.POST.get("keep")), None)
        if keep is not None:
            merged = merge_topics(topics, keep)
            names = names_separator().join(f"“{topic.name}”" for topic in merged)
            self.message_user(
                request,
                _("Merged %(names)s into “%(keep)s”.") % {"names": names, "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        uses = {topic.pk: 0 for topic in topics}
        for model in tagged_models():
            through = model.tags.through
            for pk, count in (
                through.objects.filter(tag__in=topics)
                .values_list("tag")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                uses[pk] += count
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge topics"),
            "opts": self.model._meta,
            "topics": [(topic, uses[topic.pk]) for topic in topics],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/merge_topics.html", context)
