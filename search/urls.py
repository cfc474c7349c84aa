from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "search"

urlpatterns = [
    path("", cached_page(views.results), name="results"),
]
