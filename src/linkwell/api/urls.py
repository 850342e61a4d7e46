"""The JSON API at /api/v1/. Documented at /api/schema/ (OpenAPI 3)."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from linkwell.casework.api import (
    CaseDetailView,
    CaseListView,
    ContactCreateView,
    DischargeView,
    FollowUpCreateView,
    FollowUpDoneView,
    GoalCreateView,
    GoalDetailView,
    ProgressCreateView,
    ReallocateView,
)
from linkwell.casework.matching_api import MatchListView
from linkwell.groups import api_urls as groups_api_urls
from linkwell.messaging import api_urls as messaging_api_urls
from linkwell.noticeboard import api_urls as noticeboard_api_urls
from linkwell.outcomes.api import MeasurementListView, SelfCompletionLinkCreateView
from linkwell.people.api import PersonDetailView
from linkwell.referrals.api import (
    NeedListView,
    ReferralDetailView,
    ReferralListView,
    ReferralTransitionView,
    SelfReferralCreateView,
)
from linkwell.reports import api_urls as reports_api_urls

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
    path("cases", CaseListView.as_view(), name="case-list"),
    path("cases/<int:case_id>", CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:case_id>/contacts", ContactCreateView.as_view(), name="case-contacts"),
    path("cases/<int:case_id>/goals", GoalCreateView.as_view(), name="case-goals"),
    path(
        "cases/<int:case_id>/goals/<int:goal_id>/progress",
        ProgressCreateView.as_view(),
        name="case-goal-progress",
    ),
    path("cases/<int:case_id>/follow-ups", FollowUpCreateView.as_view(), name="case-follow-ups"),
    path("cases/<int:case_id>/discharge", DischargeView.as_view(), name="case-discharge"),
    path(
        "cases/<int:case_id>/goals/<int:goal_id>", GoalDetailView.as_view(), name="case-goal-detail"
    ),
    path(
        "cases/<int:case_id>/follow-ups/<int:follow_up_id>/done",
        FollowUpDoneView.as_view(),
        name="case-follow-up-done",
    ),
    path("cases/<int:case_id>/reallocate", ReallocateView.as_view(), name="case-reallocate"),
    path("cases/<int:case_id>/matches", MatchListView.as_view(), name="case-matches"),
    # Each later app keeps its own API routes (names stay in the "api" namespace).
    *groups_api_urls.urlpatterns,
    *messaging_api_urls.urlpatterns,
    *noticeboard_api_urls.urlpatterns,
    *reports_api_urls.urlpatterns,
    re_path(r"", not_found),
]
