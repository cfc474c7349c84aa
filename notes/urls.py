from django.contrib.auth.decorators import login_not_required
from django.urls import path

from core.audiencepage import audience_page
from core.pagecache import cached_page

from . import (
    audience,
    calendars,
    edit_views,
    feeds,
    figure_views,
    present,
    schedule_views,
    together_views,
    views,
)

app_name = "notes"

urlpatterns = [
    # A feed reader cannot log in: the signed token in the address names the member.
    path("feeds/<str:token>/notes/", login_not_required(feeds.NotesFeed()), name="notes_feed"),
    path(
        "feeds/<str:token>/meetings/",
        login_not_required(feeds.MeetingsFeed()),
        name="meetings_feed",
    ),
    path(
        "feeds/<str:token>/activity/",
        login_not_required(feeds.ActivityFeed()),
        name="activity_feed",
    ),
    # Calendar programs subscribe as feed readers do: the token names the member.
    path(
        "calendars/<str:token>/meetings.ics",
        login_not_required(calendars.member_calendar),
        name="member_calendar",
    ),
    path(
        "calendars/<str:token>/talks.ics",
        login_not_required(calendars.talks_calendar),
        name="talks_calendar",
    ),
    path(
        "calendars/<str:token>/groups/<slug:slug>.ics",
        login_not_required(calendars.group_calendar),
        name="group_calendar",
    ),
    path("settings/", schedule_views.member_settings, name="member_settings"),
    path("feeds/renew/", edit_views.feed_renew, name="feed_renew"),
    path("feeds/off/", edit_views.feed_revoke, name="feed_revoke"),
    path("groups/<slug:slug>/", cached_page(views.group_detail), name="group_detail"),
    path(
        "groups/<slug:group>/meetings/<id:number>/",
        audience_page(
            views.meeting_detail, models=["notes.readingstatus"], also=audience.meeting_entry
        ),
        name="meeting_detail",
    ),
    path(
        "groups/<slug:group>/meetings/<id:number>/present/",
        audience_page(present.meeting_present),
        name="meeting_present",
    ),
    path(
        "groups/<slug:group>/meetings/<id:number>/edit/",
        edit_views.meeting_edit,
        name="meeting_edit",
    ),
    path("groups/<slug:slug>/schedule/", schedule_views.schedule, name="schedule"),
    path(
        "groups/<slug:group>/meetings/<id:number>/calendar.ics",
        calendars.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "groups/<slug:group>/meetings/<id:number>/move/",
        schedule_views.meeting_move,
        name="meeting_move",
    ),
    path(
        "groups/<slug:group>/meetings/<id:number>/plan/<slug:action>/",
        schedule_views.meeting_plan,
        name="meeting_plan",
    ),
    path("notes/", views.MyNotesView.as_view(), name="my_notes"),
    path("notes/new/", edit_views.note_edit, name="note_create"),
    path("notes/preview/", edit_views.markdown_preview, name="markdown_preview"),
    path("figures/upload/", figure_views.figure_upload, name="figure_upload"),
    path("figures/<slug:sha256>.<slug:extension>", figure_views.figure, name="figure"),
    path("notes/<slug:slug>/", cached_page(views.note_detail), name="note_detail"),
    path("notes/<slug:slug>/edit/", edit_views.note_edit, name="note_edit"),
    path("notes/<slug:slug>/present/", audience_page(present.note_present), name="note_present"),
    path("notes/<slug:slug>/delete/", edit_views.note_delete, name="note_delete"),
    path("my-reading/", together_views.my_reading, name="my_reading"),
    path("my-reading/share/<slug:slug>/", together_views.sharing_set, name="sharing_set"),
    path("reading-status/<id:pk>/", together_views.status_set, name="status_set"),
    path(
        "comments/paper/<slug:slug>/<slug:group>/",
        together_views.comment_on_paper,
        name="comment_on_paper",
    ),
    path("comments/note/<slug:slug>/", together_views.comment_on_note, name="comment_on_note"),
    path(
        "comments/meeting/<slug:group>/<id:number>/",
        together_views.comment_on_meeting,
        name="comment_on_meeting",
    ),
    path("comments/<id:pk>/edit/", together_views.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", together_views.comment_delete, name="comment_delete"),
    path("glossary/", audience_page(views.glossary), name="glossary"),
    path("lists/", audience_page(views.reading_lists), name="readinglist_list"),
    path(
        "lists/<slug:slug>/",
        audience_page(views.reading_list_detail, models=["notes.readingstatus"]),
        name="readinglist_detail",
    ),
    path(
        "lists/<slug:slug>/present/",
        audience_page(present.readinglist_present),
        name="readinglist_present",
    ),
]
