from django.contrib import admin
from django.urls import include, path

from api.main import urls as api_urls
from core import views as core_views

# admin.site is core.adminsite.SiteAdmin (INSTALLED_APPS: core.apps.SiteAdminConfig).
urlpatterns = [
    path("reading/", core_views.set_reading_language, name="set_reading_language"),
    path("i18n/setlang/", core_views.set_interface_language, name="set_language"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz/auth/", core_views.health, name="health"),
    path("", include("papers.urls")),
    path("", include("reading.urls")),
    path("", include("notes.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", api_urls()),
    path("api/", include("api.urls")),
]

# 403 and 404 use Django's views with templates/403.html and 404.html.
handler500 = "core.errors.server_error"
