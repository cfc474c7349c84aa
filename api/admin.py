from django.contrib import admin
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Change, LibraryVersion, Restore
from .sync import KINDS


class ActiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("revoked", _("revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked=None)
        if self.value() == "revoked":
            return queryset.exclude(revoked=None)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their members (the secret is shown to them once); the admin
    lists them and revokes them. Nothing else of a token changes here: clearing its
    revocation brought back a token its member had revoked, and another member named its
    holder made the secret act as them."""

    list_display = ["name", "user", "scope", "prefix", "created", "last_used", "revoked"]
    list_filter = ["scope", ActiveFilter]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created", "last_used"]
    fields = ["user", "name", "scope", "prefix", "created", "last_used", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [name for name in self.fields if name != "revoked"]
        if obj is not None and obj.revoked is not None:
            fields.append("revoked")  # a revoked token stays revoked
        return fields

    def save_model(self, request, obj, form, change):
        if "revoked" in form.changed_data and obj.revoked is not None:
            obj.revoked = timezone.now()  # revoked when revoked, whatever date was typed
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked=None).update(revoked=timezone.now())
        self.message_user(request, _("%(count)s tokens revoked.") % {"count": count})


def kind_name(kind):
    """A synced kind ("reading-lists") as the admin names its records (阅读清单)."""
    model = KINDS.get(kind)
    return capfirst(model._meta.verbose_name_plural) if model is not None else kind


class KindFilter(admin.SimpleListFilter):
    """The kinds by their records' names in the interface's language, not the API's
    words for them."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(((kind, kind_name(kind)) for kind in KINDS), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        if self.value() in KINDS:
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The change log clients sync from (read only: signals write it)."""

    list_display = ["version", "kind_shown", "key", "object_id", "deleted", "at"]
    list_filter = [KindFilter, "deleted"]
    search_fields = ["key"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, obj):
        return kind_name(obj.kind)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a client that missed a deletion would keep the record for ever


@admin.register(LibraryVersion)
class LibraryVersionAdmin(admin.ModelAdmin):
    """The library's version counter (read only: every synced change moves it on)."""

    list_display = ["value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Restore)
class RestoreAdmin(admin.ModelAdmin):
    """The restores from backups, and the versions each left behind (read only: a
    client holding one of them is told to fetch everything again)."""

    list_display = ["at", "restored", "resumed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
