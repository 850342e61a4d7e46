"""The person's feedback page, /f/<token>/ (no sign-in)."""

from django.urls import path

from . import care_views

app_name = "groups_public"
urlpatterns = [path("<str:token>/", care_views.public_feedback, name="feedback")]
