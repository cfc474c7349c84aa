"""The user admin as organisers meet it: picking a member (a group's membership, a
meeting's presenters) from the admin's autocomplete.

Django's autocomplete asks the user admin whether the organiser may view users; an
organiser holds no Django permission on accounts, so the choice stayed empty and only a
typed id would do. They may now search accounts there and nowhere else: the user list
and pages stay theirs who have Django's permissions, and the search reads names, not
e-mail addresses (which addresses have accounts is nobody's to find out here).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model

from core.admin import SiteUserAdmin
from notes import permissions

# What an organiser's search in the autocomplete reads.
NAMES = ("username", "first_name", "last_name")


def _autocompleting(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


def _organiser_picking(request):
    """Whether an active staff member who organises a group is using the autocomplete."""
    user = request.user
    if not (user.is_active and user.is_staff and _autocompleting(request)):
        return False
    return permissions.organises_any(user)


class MemberUserAdmin(SiteUserAdmin):
    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        return obj is None and _organiser_picking(request)

    def get_search_fields(self, request):
        if _organiser_picking(request) and not super().has_view_permission(request):
            return NAMES
        return super().get_search_fields(request)


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, MemberUserAdmin)
