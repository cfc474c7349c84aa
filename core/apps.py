from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from taggit import apps as taggit_apps


class CoreConfig(AppConfig):
    default = True  # "core"'s configuration among the others of this module
    name = "core"
    verbose_name = _("Site")

    def ready(self):
        # The signal handlers, and the addresses' <id:…> (before any URLconf is read).
        from core import numbers, pagecache, rendering  # noqa: F401
        from core.links import name_link_models

        pagecache.connect_signals()
        name_link_models()


class SiteAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site's AdminSite (core.adminsite.SiteAdmin)."""

    default = False  # "core" in INSTALLED_APPS is CoreConfig
    default_site = "core.adminsite.SiteAdmin"

    def ready(self):
        from core.adminsite import hint_date_formats

        hint_date_formats()  # before Django's ready() registers the admins (autodiscover)
        super().ready()


class TopicsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit, named in the admin for what its tags are here: the papers' topics
    (its section was headed "Taggit"). Its slug's label is named below so that our
    catalogue calls it 网址标识 as every other slug (taggit's own says 唯一标识)."""

    default = False
    verbose_name = _("Topics")

    def ready(self):
        """Name its Tag a topic as everything else does (the section, the papers' field,
        the filters, the merge action), not a tag under "Topics". Set on the options
        and not their original_attrs: the migrations keep taggit's own name."""
        from taggit.models import Tag

        super().ready()
        Tag._meta.verbose_name = _("topic")
        Tag._meta.verbose_name_plural = _("topics")


class LoginLockoutConfig(axes_apps.AppConfig):
    """django-axes, named in the admin for what it does here (its section was headed
    "Axes"). Its models' names have no Chinese in axes' own catalogue: they are
    translated in locale/, and named below so that makemessages keeps them."""

    default = False
    verbose_name = _("Login lockout")


AXES_MODEL_NAMES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
]
# …and its records' fields, which django-axes has no Chinese for.
AXES_FIELD_NAMES = [
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    # The title of the access attempts' "locked out" filter (axes.admin.IsLockedOutFilter).
    gettext_noop("Locked Out"),
]

# The admin index's table headers for screen readers (admin/app_list.html), which
# Django's own Chinese catalogue leaves in English: translated in locale/.
ADMIN_INDEX_HEADERS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]

# Django's "Add user" page says this in English in its own Chinese catalogue.
ADMIN_ADD_USER = [
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]


pgettext_lazy("A tag slug", "slug")  # a lazy string: named, not translated here
