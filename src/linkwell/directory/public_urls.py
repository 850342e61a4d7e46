from django.urls import path

from . import public_views

app_name = "services"
urlpatterns = [
    path("", public_views.search, name="search"),
    path("<uuid:pk>/", public_views.detail, name="detail"),
    path("<uuid:pk>/print/", public_views.print_view, name="print"),
    path("<uuid:pk>/report/", public_views.report, name="report"),
    path("<uuid:pk>/report/sent/", public_views.report_done, name="report_done"),
]
