"""This app's routes under /api/v1/ (spliced into linkwell.api.urls, namespace "api")."""

from django.urls import path

from .api import ReportIndexView, ReportTableView

urlpatterns: list = [
    path("reports", ReportIndexView.as_view(), name="report-index"),
    path("reports/<slug:name>", ReportTableView.as_view(), name="report-table"),
]
