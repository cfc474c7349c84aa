from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from django.core import checks

        from core.checks import SERVING

        from . import sync
        from .limits import check_rate

        sync.connect_signals()
        checks.register(check_rate, SERVING)
