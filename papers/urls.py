from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", cached_page(views.PaperListView.as_view()), name="paper_list"),
    path("papers/<slug:slug>/", cached_page(views.PaperDetailView.as_view()), name="paper_detail"),
    path("models/", cached_page(views.ModelListView.as_view()), name="model_list"),
    path("models/family/", cached_page(views.model_family), name="model_family"),
    path("models/timeline/", cached_page(views.model_timeline), name="model_timeline"),
    path("models/<slug:slug>/", cached_page(views.ModelDetailView.as_view()), name="model_detail"),
    path("datasets/", cached_page(views.DatasetListView.as_view()), name="dataset_list"),
    path("datasets/taxonomy/", cached_page(views.taxonomy), name="taxonomy"),
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
