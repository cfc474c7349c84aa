from django.urls import path

from core.audiencepage import audience_page
from core.pagecache import cached_page
from notes.times import reader_today

from . import views

app_name = "reading"

# "Papers I (or my groups) have read": the member's own list, not their audience's.
MY_READING = ("read",)

# Included after papers.urls: its fixed paths (models/family/, datasets/taxonomy/) come first.
urlpatterns = [
    # "In 2 days" on its next meeting: kept per day of the member's own time zone.
    path("", cached_page(views.home, vary=reader_today), name="home"),
    path("models/family/read/", cached_page(views.model_family_read), name="model_family_read"),
    path(
        "models/timeline/read/", cached_page(views.model_timeline_read), name="model_timeline_read"
    ),
    path(
        "papers/",
        audience_page(views.PaperListView.as_view(), unless=MY_READING),
        name="paper_list",
    ),
    path(
        "papers/<slug:slug>/", audience_page(views.PaperDetailView.as_view()), name="paper_detail"
    ),
    path(
        "models/<slug:slug>/", audience_page(views.ModelDetailView.as_view()), name="model_detail"
    ),
    path(
        "datasets/<slug:slug>/",
        audience_page(views.DatasetDetailView.as_view()),
        name="dataset_detail",
    ),
    path(
        "organizations/<slug:slug>/",
        audience_page(views.organization_detail),
        name="organization_detail",
    ),
]
