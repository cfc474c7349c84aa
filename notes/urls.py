from django.urls import path

from . import edit_views, present, views

app_name = "notes"

urlpatterns = [
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path(
        "groups/<slug:group>/meetings/<int:number>/",
        views.meeting_detail,
        name="meeting_detail",
    ),
    path(
        "groups/<slug:group>/meetings/<int:number>/present/",
        present.meeting_present,
        name="meeting_present",
    ),
    path(
        "groups/<slug:group>/meetings/<int:number>/edit/",
        edit_views.meeting_edit,
        name="meeting_edit",
    ),
    path("notes/", views.MyNotesView.as_view(), name="my_notes"),
    path("notes/new/", views.note_edit, name="note_create"),
    path("notes/preview/", views.markdown_preview, name="markdown_preview"),
    path("notes/<slug:slug>/", views.note_detail, name="note_detail"),
    path("notes/<slug:slug>/edit/", views.note_edit, name="note_edit"),
    path("notes/<slug:slug>/present/", present.note_present, name="note_present"),
    path("notes/<slug:slug>/delete/", views.note_delete, name="note_delete"),
    path("glossary/", views.glossary, name="glossary"),
    path("lists/", views.reading_lists, name="readinglist_list"),
    path("lists/<slug:slug>/", views.reading_list_detail, name="readinglist_detail"),
    path("lists/<slug:slug>/present/", present.readinglist_present, name="readinglist_present"),
]
