from django.urls import path

from core.audiencepage import audience_page

from . import views

app_name = "papers"

urlpatterns = [
    path("models/", audience_page(views.ModelListView.as_view()), name="model_list"),
    path("models/family/", audience_page(views.model_family), name="model_family"),
    path("models/timeline/", audience_page(views.model_timeline), name="model_timeline"),
    path("datasets/", audience_page(views.DatasetListView.as_view()), name="dataset_list"),
    path("datasets/taxonomy/", audience_page(views.taxonomy), name="taxonomy"),
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
