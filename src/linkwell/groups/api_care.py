"""Feedback and concerns over the API: the same selectors (scope, 404) and services (rules,
403, field errors) as the pages.

POST /api/v1/sessions/{id}/feedback         paper feedback (provider)
GET  /api/v1/concerns                       the actor's concerns, unacknowledged first
POST /api/v1/concerns                       raise one (provider)
GET  /api/v1/concerns/{id}
POST /api/v1/concerns/{id}/acknowledge      the person's link worker service
POST /api/v1/concerns/{id}/resolve          {"resolution": "..."}
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.api.errors import error_responses

from . import concerns, feedback, selectors
from .models import ComeAgain, Concern, ConcernSeverity, Feedback

CHANNEL = "api"


def _require(user, *roles) -> None:
    if not permissions.has_role(user, *roles):
        raise exceptions.PermissionDenied


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = [
            "id",
            "session",
            "booking",
            "feeling",
            "come_again",
            "comment",
            "share_comment",
            "source",
            "created_at",
        ]


class FeedbackCreateSerializer(serializers.Serializer):
    booking = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Omit for anonymous feedback."
    )
    # Range and choices are checked by the service, so the API and the page say the same.
    feeling = serializers.IntegerField(help_text="1 (very unhappy) to 5 (very happy).")
    come_again = serializers.CharField(help_text=", ".join(ComeAgain.values), allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    share_comment = serializers.BooleanField(required=False, default=False)


class SessionFeedbackView(APIView):
    @extend_schema(
        operation_id="sessions_feedback_create",
        tags=["groups"],
        summary="Record feedback given on paper (about one booking, or anonymous)",
        request=FeedbackCreateSerializer,
        responses={201: FeedbackSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, session_id: int):
        _require(request.user, Role.PROVIDER)
        session = selectors.session_get_for(request.user, session_id)
        body = FeedbackCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = feedback.feedback_record(
            actor=request.user,
            session_id=session.pk,
            booking_id=data["booking"],
            feeling=data["feeling"],
            come_again=data["come_again"],
            comment=data["comment"],
            share_comment=data["share_comment"],
            channel=CHANNEL,
        )
        return Response(FeedbackSerializer(item).data, status=status.HTTP_201_CREATED)


class ConcernSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", allow_null=True)
    session = serializers.IntegerField(source="session_id", allow_null=True)
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    provider_organisation = serializers.IntegerField(source="provider_organisation_id")
    raised_by = serializers.IntegerField(source="raised_by_id", allow_null=True)
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    resolved_by = serializers.IntegerField(source="resolved_by_id", allow_null=True)

    class Meta:
        model = Concern
        fields = [
            "id",
            "case",
            "session",
            "booking",
            "provider_organisation",
            "severity",
            "what_happened",
            "actions_taken",
            "raised_by",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]


class ConcernCreateSerializer(serializers.Serializer):
    session = serializers.IntegerField(required=False, allow_null=True, default=None)
    booking = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The booked person it is about; omit for a walk-in (then give `session`).",
    )
    severity = serializers.CharField(help_text=", ".join(ConcernSeverity.values), allow_blank=True)
    what_happened = serializers.CharField(allow_blank=True, help_text="Required.")
    actions_taken = serializers.CharField(required=False, allow_blank=True, default="")


CONCERN_ROLES = (Role.PROVIDER, *LINK_WORKER_ROLES)


class ConcernListView(APIView):
    @extend_schema(
        operation_id="concerns_list",
        tags=["groups"],
        summary="Concerns: those about the actor's service's cases, and those its provider "
        "organisation raised; unacknowledged first",
        responses={200: ConcernSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        _require(request.user, *CONCERN_ROLES)
        items = concerns.concerns_list_for(request.user, channel=CHANNEL)
        return Response(ConcernSerializer(items, many=True).data)

    @extend_schema(
        operation_id="concerns_create",
        tags=["groups"],
        summary="Raise a concern (goes at once to the person's link worker and the leads)",
        request=ConcernCreateSerializer,
        responses={201: ConcernSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request):
        _require(request.user, Role.PROVIDER)
        body = ConcernCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["session"] is not None:
            selectors.session_get_for(request.user, data["session"])  # 404 outside scope
        if data["booking"] is not None:
            selectors.booking_get_for(request.user, data["booking"])
        concern = concerns.concern_raise(
            actor=request.user,
            session_id=data["session"],
            booking_id=data["booking"],
            severity=data["severity"],
            what_happened=data["what_happened"],
            actions_taken=data["actions_taken"],
            channel=CHANNEL,
        )
        return Response(ConcernSerializer(concern).data, status=status.HTTP_201_CREATED)


class ConcernDetailView(APIView):
    @extend_schema(
        operation_id="concerns_retrieve",
        tags=["groups"],
        summary="One concern",
        responses={200: ConcernSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, concern_id: int):
        _require(request.user, *CONCERN_ROLES)
        concern = concerns.concern_get_for(request.user, concern_id, channel=CHANNEL)
        return Response(ConcernSerializer(concern).data)


class ConcernAcknowledgeView(APIView):
    @extend_schema(
        operation_id="concerns_acknowledge",
        tags=["groups"],
        summary="Acknowledge a concern (stops the re-alerts)",
        request=None,
        responses={200: ConcernSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, concern_id: int):
        _require(request.user, *CONCERN_ROLES)
        concerns.concern_get_for(request.user, concern_id, audit=False)
        concern = concerns.concern_acknowledge(
            actor=request.user, concern_id=concern_id, channel=CHANNEL
        )
        return Response(ConcernSerializer(concern).data)


class ConcernResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True)


class ConcernResolveView(APIView):
    @extend_schema(
        operation_id="concerns_resolve",
        tags=["groups"],
        summary="Resolve an acknowledged concern with a note",
        request=ConcernResolveSerializer,
        responses={200: ConcernSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, concern_id: int):
        _require(request.user, *CONCERN_ROLES)
        concerns.concern_get_for(request.user, concern_id, audit=False)
        body = ConcernResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concern = concerns.concern_resolve(
            actor=request.user,
            concern_id=concern_id,
            resolution=body.validated_data["resolution"],
            channel=CHANNEL,
        )
        return Response(ConcernSerializer(concern).data)
