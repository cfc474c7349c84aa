from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", views.PaperListView.as_view(), name="paper_list"),
    path("papers/<slug:slug>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("models/", views.ModelListView.as_view(), name="model_list"),
    path("models/family/", views.model_family, name="model_family"),
    path("models/timeline/", views.model_timeline, name="model_timeline"),
    path("models/<slug:slug>/", views.ModelDetailView.as_view(), name="model_detail"),
    path("datasets/", views.DatasetListView.as_view(), name="dataset_list"),
    path("datasets/taxonomy/", views.taxonomy, name="taxonomy"),
    path("datasets/<slug:slug>/", views.DatasetDetailView.as_view(), name="dataset_detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
]
