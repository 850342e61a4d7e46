"""The project's URLs with /directory/export.csv first, for the CSV export tests, so they do not
depend on whether directory/urls.py has wired the view in yet."""

from django.urls import path

from linkwell.directory.export_views import search_export_csv
from linkwell.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("directory/export.csv", search_export_csv, name="test-directory-export-csv"),
    *project_urlpatterns,
]
