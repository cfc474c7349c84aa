from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.main import urls as api_urls
from core import passwordreset
from core import views as core_views

# admin.site is core.adminsite.SiteAdmin (INSTALLED_APPS: core.apps.SiteAdminConfig).
urlpatterns = [
    path("reading/", core_views.set_reading_language, name="set_reading_language"),
    path("i18n/setlang/", core_views.set_interface_language, name="set_language"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    # A member's own password pages, in the site's look (Django's are the admin's), at
    # Django's addresses and names, before its own: templates/accounts/<name>.html. Asking
    # for a link by e-mail is limited (core/passwordreset.py).
    *(
        path(f"accounts/{route}", view.as_view(template_name=f"accounts/{name}.html"), name=name)
        for route, view, name in [
            # Its current password counts toward the login lockout (core.auth).
            ("password_change/", core_views.PasswordChangeView, "password_change"),
            ("password_change/done/", auth_views.PasswordChangeDoneView, "password_change_done"),
            ("password_reset/", passwordreset.PasswordResetView, "password_reset"),
            ("password_reset/done/", auth_views.PasswordResetDoneView, "password_reset_done"),
            (
                "reset/<uidb64>/<token>/",
                auth_views.PasswordResetConfirmView,
                "password_reset_confirm",
            ),
            ("reset/done/", auth_views.PasswordResetCompleteView, "password_reset_complete"),
        ]
    ),
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
