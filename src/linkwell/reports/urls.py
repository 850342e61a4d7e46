from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly-pdf"),
    path("tables/<slug:name>.csv", views.table_export, {"fmt": "csv"}, name="table-csv"),
    path("tables/<slug:name>.xlsx", views.table_export, {"fmt": "xlsx"}, name="table-xlsx"),
    path("mine/", views.mine, name="mine"),
]
