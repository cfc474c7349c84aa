from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from core import pagecache, rendering  # noqa: F401  (connects the signal handlers)

        pagecache.connect_signals()


class SiteAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site's AdminSite (core.adminsite.SiteAdmin)."""

    default = False  # "core" in INSTALLED_APPS is CoreConfig
    default_site = "core.adminsite.SiteAdmin"
