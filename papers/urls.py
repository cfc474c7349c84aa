from django.urls import path

from core.pagecache import cached_page

from . import views

app_name = "papers"

urlpatterns = [
    path("models/", cached_page(views.ModelListView.as_view()), name="model_list"),
    path("models/family/", cached_page(views.model_family), name="model_family"),
    path("models/timeline/", cached_page(views.model_timeline), name="model_timeline"),
    path("datasets/", cached_page(views.DatasetListView.as_view()), name="dataset_list"),
    path("datasets/taxonomy/", cached_page(views.taxonomy), name="taxonomy"),
    path("papers/add/", views.add_papers, name="add"),
    path(
        "papers/<slug:slug>/cite.bib",
        views.paper_citation,
        {"export_format": "bibtex"},
        name="paper_bibtex",
    ),
    path(
        "papers/<slug:slug>/cite.json",
        views.paper_citation,
        {"export_format": "csl-json"},
        name="paper_csl",
    ),
]
