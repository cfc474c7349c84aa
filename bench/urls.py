"""The site's URLs, plus /bench-admin/: a plain ModelAdmin of papers (the same columns
and rows per page as the site's, none of its work), the baseline the admin paper change
list is measured against. Its admin site holds every model the site's does (their own
ModelAdmins), so that the page around the list (the sidebar of apps and models) is the
same on both: what differs is the paper ModelAdmin alone."""

from django.contrib import admin
from django.urls import path

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as site_urlpatterns
from core.adminsite import SiteAdmin
from papers.admin import PaperAdmin
from papers.models import Paper


class PlainPaperAdmin(admin.ModelAdmin):
    list_display = [name for name in PaperAdmin.list_display if name != "tag_list"]
    list_per_page = PaperAdmin.list_per_page


plain_site = SiteAdmin(name="bench_admin")
for model, model_admin in admin.site._registry.items():
    plain_site.register(model, PlainPaperAdmin if model is Paper else type(model_admin))

urlpatterns = [path("bench-admin/", plain_site.urls), *site_urlpatterns]
