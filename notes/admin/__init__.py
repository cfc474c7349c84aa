"""The admin for what the groups write.

Who sees what comes from scoping.py, the refusal of stale saves from locking.py;
the shared glossary follows Django's model permissions. knowledge_base.py puts the
notes about a paper or a model under it; figures.py holds the figures' admin.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.adminlist import QuickChangelist
from core.history import HistoryAdmin
from core.pagecache import CachedChangelist
from core.revisions import RevisionCheck as RecordRevisionCheck
from notes import scheduling
from notes.forms import CommentForm, MeetingAdminForm
from notes.models import (
    Comment,
    FeedKey,
    GlossaryTerm,
    Meeting,
    MeetingSeries,
    MemberSettings,
    Membership,
    Mention,
    Note,
    PaperProposal,
    ReadingGroup,
    ReadingList,
    ReadingListItem,
    ReadingStatus,
    Reminder,
    SwapRequest,
    Visit,
    Vote,
)
from papers.admin import ShownTopicsFilter

from . import figures, knowledge_base, members  # noqa: F401  (register the figure, paper, model and user admins)
from .locking import RevisionCheck
from .scoping import GroupScoped, HistoryScoped, NoteInlineBase, NoteScoped, ScopedInline

# --- The models ---------------------------------------------------------------------------


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    part_of_record = True  # an edit of it is an edit of the group (core.revisions)
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(ReadingGroup)
class ReadingGroupAdmin(RecordRevisionCheck, GroupScoped, admin.ModelAdmin):
    list_display = ["name", "name_zh", "member_count", "meeting_count"]
    search_fields = ["name", "name_zh", "slug"]
    # The address is made from the name as it is typed: the name first.
    fields = ["name", "name_zh", "slug", "description_zh", "description_en", "sources"]
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
    list_display = ["user", "group", "role", "shares_reading", "joined"]
    list_select_related = ["user", "group"]
    list_filter = ["role", ("group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "group__name"]
    autocomplete_fields = ["user", "group"]


class MeetingPaperInline(ScopedInline, admin.TabularInline):
    model = Meeting.papers.through
    part_of_record = True  # an edit of it is an edit of the record (core.revisions)
    extra = 0
    autocomplete_fields = ["paper"]
    verbose_name = _("paper")
    # The field's name, as the presented paper's help text calls it.
    verbose_name_plural = _("papers discussed")

    def get_queryset(self, request):
        # Each row is named by its paper (Meeting.papers.through's __str__).
        return super().get_queryset(request).select_related("paper")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paper":  # the automatic link model's label is not translated
            kwargs["label"] = _("paper")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeetingNoteInline(NoteInlineBase, admin.StackedInline):
    model = Note
    fk_name = "meeting"
    extra = 0
    fields = ["title_zh", "title_en", "author", "visibility"]
    autocomplete_fields = ["author"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(
    CachedChangelist, QuickChangelist, HistoryScoped, RevisionCheck, GroupScoped, HistoryAdmin
):
    form = MeetingAdminForm
    list_display = [
        "date",
        "number",
        "title_zh",
        "title_en",
        "group",
        "status",
        "starts_at",
        "paper",
        "presenter_name",
    ]
    list_display_links = ["date", "number", "title_zh"]
    list_select_related = ["group", "paper"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "status", "date"]
    search_fields = [
        "title_zh",
        "title_en",
        "presenter_name",
        "presenters__username",
        "presenters__first_name",
        "presenters__last_name",
        "body_zh",
        "body_en",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["group", "paper", "presenters", "language_models", "datasets"]
    filter_horizontal = ["sources"]
    readonly_fields = ["series", "series_date"]
    inlines = [MeetingPaperInline, MeetingNoteInline]
    fieldsets = [
        (None, {"fields": ["group", "number", "date", "title_zh", "title_en"]}),
        (
            _("When and where"),
            {
                "fields": [
                    "status",
                    "starts_at",
                    "ends_at",
                    "time_zone",
                    "place",
                    "link",
                    "series",
                    "series_date",
                ]
            },
        ),
        (_("Presenters"), {"fields": ["presenter_slots", "presenters", "presenter_name", "paper"]}),
        (_("Discussed"), {"fields": ["language_models", "datasets"]}),
        (_("Write-up"), {"fields": ["body_zh", "body_en", "translation", "minutes"]}),
        (_("Provenance"), {"fields": ["sources"]}),
    ]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(RecordRevisionCheck, GroupScoped, admin.ModelAdmin):
    list_display = [
        "group",
        "weekday",
        "start_time",
        "duration",
        "time_zone",
        "place",
        "first_date",
        "last_date",
        "active",
    ]
    list_select_related = ["group"]
    list_filter = ["active", "weekday", ("group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["group__name", "place", "time_zone"]
    autocomplete_fields = ["group"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if skipped := scheduling.skipped_weeks(obj.replan().meetings):
            self.message_user(request, skipped, messages.WARNING)
        if shifted := scheduling.shifted_weeks(obj):
            self.message_user(request, shifted, messages.WARNING)


class VoteInline(ScopedInline, admin.TabularInline):
    """A proposal's votes: an organiser of its group may change them as the proposal (by
    Django's model permissions alone, which organisers have not, they saw none)."""

    model = Vote
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(PaperProposal)
class PaperProposalAdmin(GroupScoped, admin.ModelAdmin):
    group_path = "meeting__group"
    list_display = ["paper", "meeting", "proposed_by", "vote_count", "picked", "created"]
    list_select_related = ["paper", "meeting__group", "proposed_by"]
    list_filter = ["picked", ("meeting__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "paper__title_en",
        "paper__title_zh",
        "proposed_by__username",
        "meeting__group__name",
    ]
    autocomplete_fields = ["meeting", "paper", "proposed_by"]
    inlines = [VoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vote_total=Count("ballots"))

    @admin.display(description=_("votes"), ordering="vote_total")
    def vote_count(self, obj):
        return obj.vote_total


@admin.register(Vote)
class VoteAdmin(GroupScoped, admin.ModelAdmin):
    group_path = "proposal__meeting__group"
    list_display = ["user", "proposal", "created"]
    list_select_related = ["user", "proposal__paper", "proposal__meeting"]
    list_filter = [("proposal__meeting__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "proposal__paper__title_en"]
    autocomplete_fields = ["user", "proposal"]


@admin.register(SwapRequest)
class SwapRequestAdmin(GroupScoped, admin.ModelAdmin):
    group_path = "meeting__group"
    list_display = ["requester", "meeting", "other", "other_meeting", "status", "created"]
    list_select_related = ["requester", "meeting__group", "other", "other_meeting__group"]
    list_filter = ["status", ("meeting__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["requester__username", "other__username", "meeting__group__name"]
    autocomplete_fields = ["meeting", "other_meeting", "requester", "other"]


@admin.register(Reminder)
class ReminderAdmin(GroupScoped, admin.ModelAdmin):
    """Reminders are written by send_reminders: listed here, not edited."""

    group_path = "meeting__group"
    list_display = ["sent", "kind", "user", "meeting", "starts_at"]
    list_select_related = ["user", "meeting__group"]
    list_filter = ["kind", ("meeting__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__email", "meeting__group__name"]
    date_hierarchy = "sent"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Note)
class NoteAdmin(
    CachedChangelist, QuickChangelist, HistoryScoped, RevisionCheck, NoteScoped, HistoryAdmin
):
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
        ("tags", ShownTopicsFilter),
    ]
    search_fields = [
        "title_zh",
        "title_en",
        "body_zh",
        "body_en",
        "author__username",
        "author_name",
        "author_name_zh",
        "paper__title_en",
    ]
    autocomplete_fields = ["author", "group", "paper", "language_model", "meeting"]
    filter_horizontal = ["sources"]
    date_hierarchy = "updated"
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "slug", "tags"]}),
        (_("About"), {"fields": ["paper", "language_model", "meeting"]}),
        (_("Body"), {"fields": ["body_zh", "body_en", "translation"]}),
        (
            _("Who and who sees it"),
            {"fields": ["author", "author_name", "author_name_zh", "group", "visibility"]},
        ),
        (_("Provenance"), {"fields": ["sources"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("author"), ordering="author__username")
    def author_display(self, obj):
        return obj.byline

    def save_model(self, request, obj, form, change):
        if not change:
            obj.stamp_author(request.user)
        super().save_model(request, obj, form, change)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(CachedChangelist, QuickChangelist, RevisionCheck, admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "abbreviation", "translation"]
    list_filter = ["translation", "sources"]
    search_fields = ["title_en", "title_zh", "abbreviation", "body_zh", "body_en"]
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ["papers"]
    filter_horizontal = ["sources"]
    fieldsets = [
        (None, {"fields": ["title_en", "title_zh", "abbreviation", "slug"]}),
        (_("Definition"), {"fields": ["body_zh", "body_en", "translation", "papers"]}),
        (_("Provenance"), {"fields": ["sources"]}),
    ]


class ReadingListItemInline(ScopedInline, admin.TabularInline):
    model = ReadingListItem
    part_of_record = True  # an edit of it is an edit of the record (core.revisions)
    extra = 0
    fields = ["position", "section", "paper", "comment_zh", "comment_en"]
    autocomplete_fields = ["paper"]
    ordering = ["position"]
    # A row's comments are a line or two: Django's ten-line boxes made the table 2 400 px
    # wide, its last columns out of sight on a laptop.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 16})},
    }


@admin.register(ReadingList)
class ReadingListAdmin(RecordRevisionCheck, GroupScoped, admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "group", "item_count"]
    list_select_related = ["group"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "sources"]
    search_fields = ["title_en", "title_zh", "description_zh", "description_en"]
    prepopulated_fields = {"slug": ("title_en",)}
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
    search_fields = ["paper__title_en", "reading_list__title_en", "comment_zh", "comment_en"]
    autocomplete_fields = ["reading_list", "paper"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Mentions are kept by saving what links: shown here, not edited."""

    list_display = ["mentioned_in", "links_to"]
    list_select_related = ["note", "meeting__group", "glossary_term", "target_type"]
    # The kinds of record that are linked to, not every model of the site.
    list_filter = [("target_type", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("mentioned in"))
    def mentioned_in(self, mention):
        return mention.source

    @admin.display(description=_("links to"))
    def links_to(self, mention):
        return mention.target_label()

    def has_view_permission(self, request, obj=None):
        # Their sources include private notes: only a superuser sees them all.
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MemberRecordAdmin(admin.ModelAdmin):
    """What the site keeps per member: shown to a superuser, never edited by hand."""

    list_select_related = ["user"]
    search_fields = ["user__username"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedKey)
class FeedKeyAdmin(MemberRecordAdmin):
    """Members renew or turn off their feed addresses on the site; a superuser can turn
    off anyone's here (delete: the member gets new addresses when they next ask)."""

    list_display = fields = readonly_fields = ["user", "created"]


@admin.register(Visit)
class VisitAdmin(MemberRecordAdmin):
    list_display = fields = readonly_fields = ["user", "seen", "since", "language"]


@admin.register(ReadingStatus)
class ReadingStatusAdmin(MemberRecordAdmin):
    """A member's statuses are theirs (shared with their groups on the site only)."""

    list_display = fields = readonly_fields = ["user", "paper", "status", "changed"]
    list_select_related = ["user", "paper"]
    list_filter = ["status"]
    search_fields = ["user__username", "paper__title_en", "paper__title_zh"]


@admin.register(Comment)
class CommentAdmin(RevisionCheck, GroupScoped, HistoryAdmin):
    """Organisers moderate their groups' discussions; a superuser sees every comment.
    A moderation over an edit made meanwhile is refused, as on the site."""

    form = CommentForm

    list_display = ["__str__", "author", "group", "created", "deleted"]
    list_select_related = ["author", "group", "paper", "note", "meeting__group"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "deleted"]
    search_fields = ["body", "author__username"]
    date_hierarchy = "created"
    fields = ["author", "group", "paper", "note", "meeting", "parent", "body", "deleted"]
    readonly_fields = ["author", "group", "paper", "note", "meeting", "parent"]

    def has_add_permission(self, request, *args):
        return False  # comments are written on the site, beside what they discuss


@admin.register(MemberSettings)
class MemberSettingsAdmin(MemberRecordAdmin):
    """Members change their settings on the site; a superuser sees them here."""

    list_display = fields = readonly_fields = ["user", "email_language", "reminders", "time_zone"]
    list_filter = ["email_language", "reminders"]
