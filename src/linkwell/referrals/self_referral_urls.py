"""The public self-referral at /self-referral/: no sign-in, one question per page."""

from django.urls import path

from . import self_referral_views as views

app_name = "self_referral"
urlpatterns = [
    path("", views.start, name="start"),
    *[
        path(f"{step.slug}/", views.step, {"step_name": step.name}, name=step.name)
        for step in views.STEPS
    ],
    path("check-your-answers/", views.check, name="check"),
    path("confirmation/", views.confirmation, name="confirmation"),
    path("no-service/", views.no_service, name="no_service"),
]
