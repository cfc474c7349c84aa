"""The accounts' admin (Django's own) with each permission named in the reader's language.

Django stores a permission's name once, in English, when the model is first migrated
("Can add paper"), and lists it so in every language ("论文 | Can add paper"). The
four permissions Django makes for each model are named here from the model's
translated name instead ("论文 | 可以增加 论文"); any other keeps its stored name.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

HISTORY = _("history of %(name)s")
# Django's own permissions of every model, by the first word of their codename.
BUILT_IN = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission):
    """The permission as the admin lists it: its app and model, then what it allows."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model no longer in the code
        return f"{content_type} | {permission.name}"
    action, _sep, model_name = permission.codename.partition("_")
    shown = model_label(model)
    name = permission.name
    if action in BUILT_IN and model_name == model._meta.model_name:
        name = BUILT_IN[action] % {"name": shown}
    return f"{model._meta.app_config.verbose_name} | {shown} | {name}"


def model_label(model):
    """A model's name in the reader's language. A record's history (django-simple-history's
    historical model) is named from its record's: simple-history writes its name once,
    "historical " and the record's name in the language the server started in."""
    record = getattr(model, "instance_type", None)
    if record is not None and model._meta.model_name == f"historical{record._meta.model_name}":
        return HISTORY % {"name": record._meta.verbose_name}
    return model._meta.verbose_name


class PermissionLabels:
    """A ModelAdmin whose permission choices are named by permission_label()."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.related_model._meta.label == "auth.Permission":
            formfield.label_from_instance = permission_label
        return formfield


class SiteUserAdmin(PermissionLabels, UserAdmin):
    pass


class SiteGroupAdmin(PermissionLabels, GroupAdmin):
    pass


User = get_user_model()
for model, model_admin in ((User, SiteUserAdmin), (Group, SiteGroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
