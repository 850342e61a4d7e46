"""This app's routes under /api/v1/ (spliced into linkwell.api.urls, namespace "api")."""

from django.urls import path  # noqa: F401

from . import api as sessions_api
from . import api_care, api_referrals

urlpatterns: list = [
    # Onward referrals and the provider's answers (groups/api_referrals.py).
    path(
        "service-referrals",
        api_referrals.ServiceReferralListView.as_view(),
        name="service-referral-list",
    ),
    path(
        "service-referrals/<int:service_referral_id>",
        api_referrals.ServiceReferralDetailView.as_view(),
        name="service-referral-detail",
    ),
    path(
        "service-referrals/<int:service_referral_id>/responses",
        api_referrals.ServiceReferralResponseView.as_view(),
        name="service-referral-responses",
    ),
    path(
        "cases/<int:case_id>/service-referrals",
        api_referrals.CaseServiceReferralCreateView.as_view(),
        name="case-service-referrals",
    ),
    # Sessions, bookings and attendance (groups/api.py).
    path("sessions", sessions_api.SessionListView.as_view(), name="session-list"),
    path(
        "sessions/<int:session_id>", sessions_api.SessionDetailView.as_view(), name="session-detail"
    ),
    path(
        "sessions/<int:session_id>/bookings",
        sessions_api.BookingCreateView.as_view(),
        name="session-bookings",
    ),
    path(
        "sessions/<int:session_id>/walk-ins",
        sessions_api.WalkInsView.as_view(),
        name="session-walk-ins",
    ),
    path(
        "bookings/<int:booking_id>/cancel",
        sessions_api.BookingCancelView.as_view(),
        name="booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/accept",
        sessions_api.BookingAcceptView.as_view(),
        name="booking-accept",
    ),
    path(
        "bookings/<int:booking_id>/attendance",
        sessions_api.AttendanceView.as_view(),
        name="booking-attendance",
    ),
    # Feedback and concerns (groups/api_care.py).
    path(
        "sessions/<int:session_id>/feedback",
        api_care.SessionFeedbackView.as_view(),
        name="session-feedback",
    ),
    path("concerns", api_care.ConcernListView.as_view(), name="concern-list"),
    path("concerns/<int:concern_id>", api_care.ConcernDetailView.as_view(), name="concern-detail"),
    path(
        "concerns/<int:concern_id>/acknowledge",
        api_care.ConcernAcknowledgeView.as_view(),
        name="concern-acknowledge",
    ),
    path(
        "concerns/<int:concern_id>/resolve",
        api_care.ConcernResolveView.as_view(),
        name="concern-resolve",
    ),
]
