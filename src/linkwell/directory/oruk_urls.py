"""/oruk/: the Open Referral UK 3.0 read API (see oruk_views)."""

from django.urls import path, re_path

from . import oruk_views as views

app_name = "oruk"

urlpatterns = [
    path("", views.api_details, name="api-details"),
    path("openapi.json", views.openapi, name="openapi"),
    path("services", views.service_list, name="service-list"),
    path("services/<str:service_id>", views.service_detail, name="service-detail"),
    path("organizations", views.organization_list, name="organization-list"),
    path(
        "organizations/<str:organization_id>",
        views.organization_detail,
        name="organization-detail",
    ),
    path("taxonomies", views.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:taxonomy_id>", views.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", views.taxonomy_term_list, name="taxonomy-term-list"),
    path("taxonomy_terms/<str:term_id>", views.taxonomy_term_detail, name="taxonomy-term-detail"),
    path("service_at_locations", views.service_at_location_list, name="sal-list"),
    path("service_at_locations/<str:sal_id>", views.service_at_location_detail, name="sal-detail"),
    # Anything else under /oruk/ is a JSON 404 with the CORS header, not the HTML page.
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
