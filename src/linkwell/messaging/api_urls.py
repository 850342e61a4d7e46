"""This app's routes under /api/v1/ (spliced into linkwell.api.urls, namespace "api")."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
