from django.urls import path

from . import matching_views, onward_views, prescription_views, views

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
    # Onward referrals, signposting, unmet needs, social prescription (onward_views.py,
    # prescription.py).
    path("cases/<int:pk>/refer/<uuid:service_id>/", onward_views.onward_new, name="onward_new"),
    path("cases/<int:pk>/signpost/<uuid:service_id>/", onward_views.signpost, name="signpost"),
    path(
        "cases/<int:pk>/onward/<int:onward_id>/cancel/",
        onward_views.onward_cancel,
        name="onward_cancel",
    ),
    path("refer/<uuid:service_id>/", onward_views.onward_pick, name="onward_pick"),
    path("cases/<int:pk>/unmet-needs/", onward_views.unmet_need_add, name="unmet_need_add"),
    path("cases/<int:pk>/prescription/", prescription_views.prescription_page, name="prescription"),
    path(
        "cases/<int:pk>/prescription/send/",
        prescription_views.prescription_send,
        name="prescription_send",
    ),
]
