from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "reading"

# Included after papers.urls: its fixed paths (models/family/, datasets/taxonomy/) come first.
urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("models/family/read/", cached_page(views.model_family_read), name="model_family_read"),
    path(
        "models/timeline/read/", cached_page(views.model_timeline_read), name="model_timeline_read"
    ),
    path("papers/", cached_page(views.PaperListView.as_view()), name="paper_list"),
    path("papers/<slug:slug>/", cached_page(views.PaperDetailView.as_view()), name="paper_detail"),
    path("models/<slug:slug>/", cached_page(views.ModelDetailView.as_view()), name="model_detail"),
    path(
        "datasets/<slug:slug>/",
        cached_page(views.DatasetDetailView.as_view()),
        name="dataset_detail",
    ),
    path(
        "organizations/<slug:slug>/",
        cached_page(views.organization_detail),
        name="organization_detail",
    ),
]
