"""The person's self-completion page, /q/<token>/ (no sign-in)."""

from django.urls import path

from . import views

app_name = "outcomes_public"
urlpatterns = [path("<str:token>/", views.public_complete, name="complete")]
