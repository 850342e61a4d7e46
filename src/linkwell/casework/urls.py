from django.urls import path

from . import matching_views, views

app_name = "casework"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/conversation/", views.conversation_update, name="conversation"),
    path("cases/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("cases/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("cases/<int:pk>/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("cases/<int:pk>/goals/<int:goal_id>/progress/", views.progress_add, name="progress_add"),
    path("cases/<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path(
        "cases/<int:pk>/follow-ups/<int:follow_up_id>/done/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path("cases/<int:pk>/reallocate/", views.reallocate, name="reallocate"),
    path("cases/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("cases/<int:pk>/plan/print/", views.plan_print, name="plan_print"),
    path("cases/<int:pk>/matches/", matching_views.matches, name="matches"),
]
