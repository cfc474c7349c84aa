from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from core import pagecache, rendering  # noqa: F401  (connects the signal handlers)

        pagecache.connect_signals()
