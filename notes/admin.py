"""The admin for what the groups write.

A superuser sees everything. Any other staff member sees and edits only what the
groups they organise own (the group, its memberships, meetings, reading lists and
the notes written for it that its members may read) plus their own notes; the
shared glossary follows Django's model permissions. Notes and meetings refuse a
save made over a newer one (see RevisionCheck).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .forms import RevisionForm, check_text, limit_length
from .models import (
    GlossaryTerm,
    Meeting,
    Membership,
    Mention,
    Note,
    ReadingGroup,
    ReadingList,
    ReadingListItem,
)

# --- No lost edits ----------------------------------------------------------------------

TEXT_FIELDS = {
    "title_zh", "title_en", "body_zh", "body_en", "writeup_zh", "writeup_en", "minutes",
}  # fmt: skip
LONG_TEXT_FIELDS = {"body_zh", "body_en", "writeup_zh", "writeup_en", "minutes"}


class RevisionAdminForm(forms.ModelForm):
    """An admin form for a record with a ``revision``: a save over a newer one is refused.

    The form carries the revision it was opened at in a hidden field. On save the
    stored revision is read (and locked, inside the admin's transaction); if it
    moved on, the form comes back with a clear error and the text as typed.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A restored version starts from the stored revision, not its own old one.
            current = self._stored_revision(lock=False)
            self.fields["revision"].initial = (
                current if current is not None else self.instance.revision
            )
        for name, field in self.fields.items():
            if name in TEXT_FIELDS:
                field.validators.append(check_text)
            if name in LONG_TEXT_FIELDS:
                limit_length(field)

    def _stored_revision(self, lock):
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if lock and connections[router.db_for_write(model)].in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("revision", flat=True).first()

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        current = self._stored_revision(lock=True)
        if current is None:  # restoring a deleted record
            return data
        mine = data.get("revision")
        touched = [name for name in self.changed_data if name != "revision"]
        if touched and mine is not None and mine != current:
            raise ValidationError(
                RevisionForm.conflict_message % {"current": current, "mine": mine},
                code="edit_conflict",
            )
        self.instance.revision = current + 1
        return data


class RevisionCheck:
    """Render the hidden revision field and use RevisionAdminForm (admin or inline)."""

    form = RevisionAdminForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        first = (name, {**options, "fields": [*options["fields"], "revision"]})
        return [first, *rest]

    def _without_revision(self, request, obj, kwargs):
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The model field is not editable; the form declares its own hidden one.
        kwargs["fields"] = [name for name in fields if name != "revision"]
        return kwargs

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **self._without_revision(request, obj, kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self._without_revision(request, obj, kwargs))


# --- Who sees what ------------------------------------------------------------------------


class GroupScoped:
    """Limit a non-superuser to the records of the groups they organise.

    ``group_path`` leads from the model to its ReadingGroup. Django's model
    permissions are not consulted for these records: the organiser role is the
    permission. The object checks read the object's own fields, so they also hold
    for a version from the history.
    """

    group_path = "group"

    def scope(self, request, queryset):
        return queryset.filter(
            **{f"{self.group_path}__in": permissions.organised_group_ids(request.user)}
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope(request, queryset)

    def group_id_of(self, obj):
        for step in self.group_path.split("__")[:-1]:
            obj = getattr(obj, step, None)
        return getattr(obj, f"{self.group_path.split('__')[-1]}_id", None) if obj else None

    def may_manage(self, request, obj=None):
        user = request.user
        if user.is_superuser:
            return True
        if not (user.is_active and user.is_staff):
            return False
        if obj is None:
            return permissions.organises_any(user)
        return permissions.organises(user, self.group_id_of(obj))

    def has_module_permission(self, request):
        return self.may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_add_permission(self, request, *args):
        return self.may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "group":
                kwargs["queryset"] = permissions.editable_groups(request.user)
            elif db_field.name == "meeting":
                kwargs["queryset"] = Meeting.objects.visible_to(request.user)
            elif db_field.name == "reading_list":
                kwargs["queryset"] = permissions.editable_reading_lists(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline:
    """An inline on a scoped record: whoever may change the record may change these."""

    def _parent_ok(self, request, obj):
        user = request.user
        if user.is_superuser:
            return True
        if not (user.is_active and user.is_staff):
            return False
        parent_admin = self.admin_site._registry.get(self.parent_model)
        if parent_admin is not None and isinstance(parent_admin, GroupScoped):
            return parent_admin.may_manage(request, obj)
        return parent_admin.has_change_permission(request, obj) if parent_admin else False

    def has_view_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_ok(request, obj)


class NoteScoped(GroupScoped):
    """Notes: one's own, and as organiser those of one's groups that are not private."""

    def scope(self, request, queryset):
        return queryset.filter(pk__in=permissions.editable_notes(request.user).values("pk"))

    def may_manage(self, request, obj=None):
        user = request.user
        if user.is_superuser:
            return True
        if not (user.is_active and user.is_staff):
            return False
        if obj is None:
            return True  # every staff member has notes of their own
        if obj.author_id == user.pk:
            return True
        return obj.visibility != Note.Visibility.PRIVATE and permissions.organises(
            user, obj.group_id
        )


class HistoryScoped:
    """Restoring a version needs the right to change the record as it is now."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser:
            current = self.get_queryset(request).filter(pk=object_id).first()
            if current is None:
                raise Http404
            if not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoteInlineBase(RevisionCheck, ScopedInline):
    """Notes shown inside another record: only those the user may edit."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=permissions.editable_notes(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group" and not request.user.is_superuser:
            kwargs["queryset"] = permissions.editable_groups(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- The models ---------------------------------------------------------------------------


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(ReadingGroup)
class ReadingGroupAdmin(GroupScoped, admin.ModelAdmin):
    list_display = ["name", "name_zh", "member_count", "meeting_count"]
    search_fields = ["name", "name_zh", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["sources"]
    inlines = [MembershipInline]
    group_path = "pk"

    def group_id_of(self, obj):
        return obj.pk

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("memberships", distinct=True),
                meeting_count=Count("meetings", distinct=True),
            )
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count


@admin.register(Membership)
class MembershipAdmin(GroupScoped, admin.ModelAdmin):
    list_display = ["user", "group", "role", "joined"]
    list_select_related = ["user", "group"]
    list_filter = ["role", ("group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "group__name"]
    autocomplete_fields = ["user", "group"]


class MeetingPaperInline(ScopedInline, admin.TabularInline):
    model = Meeting.papers.through
    extra = 0
    autocomplete_fields = ["paper"]
    verbose_name = _("paper")
    verbose_name_plural = _("papers presented")


class MeetingNoteInline(NoteInlineBase, admin.StackedInline):
    model = Note
    fk_name = "meeting"
    extra = 0
    fields = ["title_zh", "title_en", "author", "visibility"]
    autocomplete_fields = ["author"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(HistoryScoped, RevisionCheck, GroupScoped, SimpleHistoryAdmin):
    list_display = ["date", "number", "title_zh", "title_en", "group", "paper", "presenter_name"]
    list_display_links = ["date", "number", "title_zh"]
    list_select_related = ["group", "paper"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["title_zh", "title_en", "presenter_name", "writeup_zh", "writeup_en"]
    date_hierarchy = "date"
    autocomplete_fields = ["group", "paper", "presenters", "language_models", "datasets"]
    filter_horizontal = ["sources"]
    inlines = [MeetingPaperInline, MeetingNoteInline]
    fieldsets = [
        (None, {"fields": ["group", "number", "date", "title_zh", "title_en"]}),
        (_("Presenters"), {"fields": ["presenters", "presenter_name", "paper"]}),
        (_("Discussed"), {"fields": ["language_models", "datasets"]}),
        (_("Write-up"), {"fields": ["writeup_zh", "writeup_en", "translation", "minutes"]}),
        (_("Provenance"), {"fields": ["sources"]}),
    ]


@admin.register(Note)
class NoteAdmin(HistoryScoped, RevisionCheck, NoteScoped, SimpleHistoryAdmin):
    list_display = [
        "title",
        "author_display",
        "paper",
        "language_model",
        "group",
        "visibility",
        "updated",
    ]
    list_select_related = ["author", "paper", "language_model", "group"]
    list_filter = [
        "visibility",
        ("group", admin.RelatedOnlyFieldListFilter),
        "translation",
        "sources",
        "tags",
    ]
    search_fields = [
        "title_zh",
        "title_en",
        "body_zh",
        "body_en",
        "author__username",
        "author_name",
        "paper__title",
    ]
    autocomplete_fields = ["author", "group", "paper", "language_model", "meeting"]
    filter_horizontal = ["sources"]
    date_hierarchy = "updated"
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "slug", "tags"]}),
        (_("About"), {"fields": ["paper", "language_model", "meeting"]}),
        (_("Body"), {"fields": ["body_zh", "body_en", "translation"]}),
        (_("Who and who sees it"), {"fields": ["author", "author_name", "group", "visibility"]}),
        (_("Provenance"), {"fields": ["sources"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("author"), ordering="author__username")
    def author_display(self, obj):
        return obj.author or obj.author_name

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None and not obj.author_name:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "term_zh", "abbreviation", "translation"]
    list_filter = ["translation", "sources"]
    search_fields = ["term", "term_zh", "abbreviation", "definition_zh", "definition_en"]
    prepopulated_fields = {"slug": ("term",)}
    autocomplete_fields = ["papers"]
    filter_horizontal = ["sources"]


class ReadingListItemInline(ScopedInline, admin.TabularInline):
    model = ReadingListItem
    extra = 0
    fields = ["position", "section", "paper", "comment_zh", "comment_en"]
    autocomplete_fields = ["paper"]
    ordering = ["position"]


@admin.register(ReadingList)
class ReadingListAdmin(GroupScoped, admin.ModelAdmin):
    list_display = ["title", "title_zh", "group", "item_count"]
    list_select_related = ["group"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "sources"]
    search_fields = ["title", "title_zh", "description_zh", "description_en"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["group"]
    filter_horizontal = ["sources"]
    inlines = [ReadingListItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("papers"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count


@admin.register(ReadingListItem)
class ReadingListItemAdmin(GroupScoped, admin.ModelAdmin):
    group_path = "reading_list__group"
    list_display = ["reading_list", "position", "paper", "section"]
    list_select_related = ["reading_list", "paper"]
    list_filter = [("reading_list", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["paper__title", "reading_list__title", "comment_zh", "comment_en"]
    autocomplete_fields = ["reading_list", "paper"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Mentions are kept by saving what links: shown here, not edited."""

    list_display = ["source", "target_type", "target_id"]
    list_select_related = ["note", "meeting", "glossary_term", "target_type"]
    list_filter = ["target_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
