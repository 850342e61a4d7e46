from django.urls import path

from . import views

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
]
