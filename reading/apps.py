from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    """The pages that join the knowledge base (papers) with what the group writes (notes)."""

    name = "reading"
    verbose_name = _("Reading pages")
