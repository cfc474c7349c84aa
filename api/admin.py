from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Change, LibraryVersion


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
    lists them and revokes them."""

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

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked=None).update(revoked=timezone.now())
        self.message_user(request, _("%(count)s tokens revoked.") % {"count": count})


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The change log clients sync from (read only: signals write it)."""

    list_display = ["version", "kind", "key", "object_id", "deleted", "at"]
    list_filter = ["kind", "deleted"]
    search_fields = ["key"]

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
