from django.urls import path

from . import export_views, views

app_name = "directory"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<uuid:pk>/", views.service_manage, name="service"),
    path("services/<uuid:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:pk>/confirm/", views.service_confirm, name="service_confirm"),
    path("services/<uuid:pk>/submit/", views.service_submit, name="service_submit"),
    path("review/", views.review_queue, name="review"),
    path("versions/<int:pk>/", views.version_review, name="version"),
    path("export.csv", export_views.search_export_csv, name="export_csv"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report_resolve"),
]
