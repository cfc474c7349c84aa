from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("healthz/auth/", views.health, name="health"),
]
