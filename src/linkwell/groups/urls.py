from django.urls import path

from . import care_views, funding_views, inbox_views, views

app_name = "groups"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("services/<uuid:service_id>/generate/", views.sessions_generate, name="generate"),
    path("sessions/<int:pk>/", views.register, name="register"),
    path("sessions/<int:pk>/walk-ins/", views.walk_ins, name="walk_ins"),
    path("sessions/<int:pk>/bookings/", views.booking_add, name="booking_add"),
    path("bookings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    # Provider inbox of onward referrals (inbox_views.py).
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox_views.inbox_detail, name="inbox_detail"),
    path("inbox/<int:pk>/respond/", inbox_views.respond, name="inbox_respond"),
    path("inbox/<int:pk>/progress/", inbox_views.progress, name="inbox_progress"),
    # Feedback, notes, concerns and signposting (care_views.py).
    path("sessions/<int:pk>/feedback/", care_views.session_care, name="session_care"),
    path("sessions/<int:pk>/feedback/link/", care_views.feedback_link, name="feedback_link"),
    path("sessions/<int:pk>/notes/", care_views.note_add, name="note_add"),
    path("sessions/<int:pk>/concerns/new/", care_views.concern_new, name="concern_new"),
    path("concerns/", care_views.concern_list, name="concerns"),
    path("concerns/<int:pk>/", care_views.concern_detail, name="concern"),
    path(
        "concerns/<int:pk>/acknowledge/", care_views.concern_acknowledge, name="concern_acknowledge"
    ),
    path("concerns/<int:pk>/resolve/", care_views.concern_resolve, name="concern_resolve"),
    path("signposting/", care_views.signposting, name="signposting"),
    # Funding and costs (funding_views.py).
    path("funding/", funding_views.overview, name="funding"),
    path("funding/sources/new/", funding_views.source_add, name="funding_source_add"),
    path("funding/sources/<int:pk>/", funding_views.source_edit, name="funding_source_edit"),
    path("funding/costs/new/", funding_views.cost_add, name="funding_cost_add"),
    path("funding/costs/<int:pk>/", funding_views.cost_edit, name="funding_cost_edit"),
]
