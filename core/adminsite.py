"""The site's admin: Django's AdminSite under the group's name, without the app list
beside every page.

Django's ``each_context`` builds the list of every app and model the organiser may
see, for the sidebar, on every admin page; the sidebar is off here (the paper change
list needs the width for its titles and filters: at 1280 px they wrapped to eight
lines), so the list is made only where a page shows it (the home page, an app's page).
"""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class SiteAdmin(admin.AdminSite):
    # The admin says whose it is, not "Django administration".
    site_header = _("LLM Reading Group · admin")
    site_title = _("LLM Reading Group admin")
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """Django's list of apps, made when a page first reads it."""
        make = super().get_app_list
        return SimpleLazyObject(lambda: make(request, app_label))
