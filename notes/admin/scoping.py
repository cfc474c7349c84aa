"""Who sees and changes what in the admin, by the rules of notes/permissions.py.

A superuser sees everything. Any other staff member sees and edits only what the
groups they organise own (the group, its memberships, meetings, reading lists and
the notes written for it that its members may read) plus their own notes.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.adminsite import ReadableInlineFormSet
from notes import permissions
from notes.models import Meeting

from .locking import RevisionCheck


class GroupScoped:
    """Limit a non-superuser to the records of the groups they organise.

    ``group_path`` leads from the model to its ReadingGroup. Django's model
    permissions are not consulted for these records: the organiser role is the
    permission. The object checks read the object's own fields, so they also hold
    for a version from the history.
    """

    group_path = "group"
    # Whether a non-superuser may leave the record's group empty. A record of no group
    # (a reading list for the whole site) is a superuser's to make: an organiser's came
    # out of their reach at once, shown to every member, theirs neither to edit nor to
    # delete.
    staff_may_leave_no_group = False

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
        return self.staff_may_manage(user, obj)

    def staff_may_manage(self, user, obj):
        """Whether an active staff member (not a superuser) may manage the record, or
        the model when obj is None."""
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
            related = self.admin_site._registry.get(db_field.related_model)
            if db_field.name == "group":
                kwargs["queryset"] = permissions.editable_groups(request.user)
                if not self.staff_may_leave_no_group:
                    kwargs["required"] = True
            elif db_field.name == "meeting":
                kwargs["queryset"] = Meeting.objects.visible_to(request.user)
            elif db_field.name == "reading_list":
                kwargs["queryset"] = permissions.editable_reading_lists(request.user)
            elif isinstance(related, GroupScoped):
                # A proposal to vote on, the meeting a swap wants: of the groups the
                # organiser has in the admin, as the record's own group is. Picked by
                # autocomplete, these were checked against the whole table.
                kwargs["queryset"] = related.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Whether the form refuses a record that would belong to a group the staff member
    # does not organise (``_within_organised_groups``): a vote on another group's
    # proposal, a swap offered on another group's meeting. A note is checked by its
    # author and visibility instead (NoteScoped).
    checks_group_of_saved = True

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or not self.checks_group_of_saved:
            return form
        scoped = self

        class WithinOrganisedGroups(form):
            def _post_clean(self):
                super()._post_clean()
                scoped._within_organised_groups(request.user, self)

        return WithinOrganisedGroups

    def _within_organised_groups(self, user, form):
        """Add an error to the form (on the field its group comes through) when the
        record, as it would be saved, belongs to no group the user organises: the admin
        checks the record as it was, and an added one not at all."""
        if form.errors or self.group_path == "pk" or self.staff_may_manage(user, form.instance):
            return
        step = self.group_path.split("__")[0]
        field = step if step in form.fields else None
        form.add_error(field, _("Choose one of a group you organise."))


class ScopedInline:
    """An inline on a scoped record: whoever may change the record may change these."""

    formset = ReadableInlineFormSet

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


class AuthorStamped:
    """Only a superuser picks a note's author; anyone else writes as themselves."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("author")
        return fields


class NoteScoped(AuthorStamped, GroupScoped):
    """Notes: one's own, and as organiser those of one's groups that are not private."""

    staff_may_leave_no_group = True  # a note of no group is its author's own
    checks_group_of_saved = False

    def scope(self, request, queryset):
        return queryset.filter(pk__in=permissions.editable_notes(request.user).values("pk"))

    def staff_may_manage(self, user, obj):
        if obj is None:
            return True  # every staff member has notes of their own
        return permissions.may_change_note(user, obj)


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


class NoteInlineBase(AuthorStamped, RevisionCheck, ScopedInline):
    """Notes shown inside another record: only those the user may edit."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=permissions.editable_notes(request.user).values("pk"))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class AuthorStampedFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.stamp_author(request.user)
                return super().save_new(form, commit=commit)

        return AuthorStampedFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group" and not request.user.is_superuser:
            kwargs["queryset"] = permissions.editable_groups(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
