"""The API tokens pages (the API itself is at /api/v1/: ``api.main.urls()``); /api/ itself
leads to the interactive docs."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "api"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="index"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
