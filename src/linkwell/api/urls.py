"""The JSON API at /api/v1/. Documented at /api/schema/ (OpenAPI 3)."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from linkwell.outcomes.api import MeasurementListView, SelfCompletionLinkCreateView
from linkwell.people.api import PersonDetailView
from linkwell.referrals.api import (
    NeedListView,
    ReferralDetailView,
    ReferralListView,
    ReferralTransitionView,
    SelfReferralCreateView,
)

app_name = "api"


@csrf_exempt  # API clients send no CSRF token; without this a POST would get an HTML 403.
def not_found(request, *args, **kwargs):
    """Any other path under the API answers in JSON too, never with an HTML page."""
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


urlpatterns = [
    path("referrals", ReferralListView.as_view(), name="referral-list"),
    path("referrals/<int:referral_id>", ReferralDetailView.as_view(), name="referral-detail"),
    path(
        "referrals/<int:referral_id>/transitions",
        ReferralTransitionView.as_view(),
        name="referral-transition",
    ),
    path("self-referrals", SelfReferralCreateView.as_view(), name="self-referral-create"),
    path("needs", NeedListView.as_view(), name="need-list"),
    path("people/<int:person_id>", PersonDetailView.as_view(), name="person-detail"),
    path(
        "referrals/<int:referral_id>/measurements",
        MeasurementListView.as_view(),
        name="referral-measurements",
    ),
    path(
        "referrals/<int:referral_id>/measurement-links",
        SelfCompletionLinkCreateView.as_view(),
        name="referral-measurement-links",
    ),
    re_path(r"", not_found),
]
