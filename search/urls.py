from django.urls import path

from core.audiencepage import audience_page

from . import views

app_name = "search"

urlpatterns = [
    path("", audience_page(views.results), name="results"),
]
