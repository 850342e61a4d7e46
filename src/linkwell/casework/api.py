"""Casework over the API: the same selectors (scope, 404) and services (rules, 403) as the pages.

GET  /api/v1/cases                                   my open cases
GET  /api/v1/cases/{id}                              case, contacts, plan, follow-ups
POST /api/v1/cases/{id}/contacts
POST /api/v1/cases/{id}/goals                        needs the plan `version` it was made from
POST /api/v1/cases/{id}/goals/{goal_id}/progress
POST /api/v1/cases/{id}/follow-ups
POST /api/v1/cases/{id}/discharge
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.api.errors import error_responses
from linkwell.audit.services import audit_list

from . import selectors, services
from .models import MAX_CONTACT_MINUTES, Contact, ContactMode, FollowUp, GoalProgress, PlanGoal

CHANNEL = "api"


def _require_link_worker(user) -> None:
    if not permissions.has_role(user, *LINK_WORKER_ROLES):
        raise exceptions.PermissionDenied


class GoalProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalProgress
        fields = ["id", "score", "at", "note"]


class PlanGoalSerializer(serializers.ModelSerializer):
    progress = GoalProgressSerializer(many=True, read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "wording", "steps", "who_does_what", "review_on", "progress"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "at",
            "mode",
            "minutes",
            "successful",
            "with_interpreter",
            "interpreter_language",
            "notes",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "due", "what", "done_at"]


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    referral = serializers.IntegerField(source="referral_id")
    reference = serializers.CharField(source="referral.reference")
    person = serializers.IntegerField(source="person_id")
    status = serializers.CharField(source="referral.status", help_text="FHIR Task status.")
    link_worker = serializers.IntegerField(source="link_worker_id", allow_null=True)
    next_action_due = serializers.DateField(allow_null=True)
    last_contact_at = serializers.DateTimeField(allow_null=True)
    failed_attempts = serializers.IntegerField()
    risk_flags = serializers.ListField(child=serializers.CharField())
    interpreter_needed = serializers.BooleanField(source="person.interpreter_needed")
    opened_at = serializers.DateTimeField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    referral = serializers.IntegerField(source="referral_id")
    reference = serializers.CharField(source="referral.reference")
    person = serializers.IntegerField(source="person_id")
    status = serializers.CharField(source="referral.status")
    link_worker = serializers.IntegerField(source="link_worker_id", allow_null=True)
    what_matters = serializers.CharField()
    risk_flags = serializers.ListField(child=serializers.CharField())
    next_action_due = serializers.DateField(allow_null=True)
    plan_version = serializers.IntegerField(
        help_text="Send this as `version` with a plan change; a stale one is refused."
    )
    goals = PlanGoalSerializer(many=True, source="goal_list")
    contacts = ContactSerializer(many=True, source="contacts.all")
    follow_ups = FollowUpSerializer(many=True, source="follow_ups.all")
    discharge_reason = serializers.CharField(source="discharge_reason.code", allow_null=True)
    discharge_summary = serializers.CharField()
    discharged_at = serializers.DateTimeField(allow_null=True)


def _case_response(actor, case_id, *, code=status.HTTP_200_OK, audit=False):
    case = selectors.case_get_for(actor, case_id, audit=audit, channel=CHANNEL)
    case.goal_list = selectors.case_goals(case)
    return Response(CaseSerializer(case).data, status=code)


class CaseListView(GenericAPIView):
    serializer_class = CaseListItemSerializer

    @extend_schema(
        operation_id="cases_list",
        tags=["casework"],
        summary="My open cases",
        responses={200: CaseListItemSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        _require_link_worker(request.user)
        services.cases_ensure_for(request.user)
        cases = selectors.caseload_for(request.user)
        page = self.paginate_queryset(cases)
        audit_list(
            actor=request.user,
            object_type="casework.case",
            person_ids=[c.person_id for c in page],
            channel=CHANNEL,
        )
        return self.get_paginated_response(CaseListItemSerializer(page, many=True).data)


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        tags=["casework"],
        summary="A case: what matters, the plan, contacts, follow-ups and discharge",
        responses={200: CaseSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, case_id: int):
        _require_link_worker(request.user)
        return _case_response(request.user, case_id, audit=True)


class ContactCreateSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=ContactMode.choices)
    minutes = serializers.IntegerField(help_text=f"1 to {MAX_CONTACT_MINUTES}.")
    successful = serializers.BooleanField(default=True)
    with_interpreter = serializers.BooleanField(default=False)
    interpreter_language = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=8000)


class ContactCreateView(APIView):
    @extend_schema(
        operation_id="cases_contacts_create",
        tags=["casework"],
        summary="Record a contact or an attempt to contact",
        request=ContactCreateSerializer,
        responses={201: CaseSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = ContactCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contact_record(
            actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
        )
        return _case_response(request.user, case_id, code=status.HTTP_201_CREATED)


class GoalCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The case's plan_version you are changing.")
    wording = serializers.CharField(allow_blank=True, max_length=2000)
    steps = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    who_does_what = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalCreateView(APIView):
    @extend_schema(
        operation_id="cases_goals_create",
        tags=["casework"],
        summary="Add a goal to the plan (a stale `version` is refused with a 400)",
        request=GoalCreateSerializer,
        responses={201: CaseSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = GoalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.plan_goal_add(
            actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
        )
        return _case_response(request.user, case_id, code=status.HTTP_201_CREATED)


class ProgressCreateSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="1 (not started) to 10 (achieved).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ProgressCreateView(APIView):
    @extend_schema(
        operation_id="cases_goal_progress_create",
        tags=["casework"],
        summary="Record progress on a goal",
        request=ProgressCreateSerializer,
        responses={201: CaseSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, case_id: int, goal_id: int):
        _require_link_worker(request.user)
        body = ProgressCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.goal_progress_record(
            actor=request.user,
            case_id=case_id,
            goal_id=goal_id,
            channel=CHANNEL,
            **body.validated_data,
        )
        return _case_response(request.user, case_id, code=status.HTTP_201_CREATED)


class FollowUpCreateSerializer(serializers.Serializer):
    due = serializers.DateField()
    what = serializers.CharField(allow_blank=True, max_length=1000)


class FollowUpCreateView(APIView):
    @extend_schema(
        operation_id="cases_follow_ups_create",
        tags=["casework"],
        summary="Add a follow-up",
        request=FollowUpCreateSerializer,
        responses={201: CaseSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = FollowUpCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.follow_up_add(
            actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
        )
        return _case_response(request.user, case_id, code=status.HTTP_201_CREATED)


class DischargeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=48,
        help_text="goals_met, connected_to_community, declined, unable_to_contact, moved_away, "
        "needs_met_elsewhere or inappropriate_referral.",
    )
    summary = serializers.CharField(allow_blank=True, max_length=16000)


class DischargeView(APIView):
    @extend_schema(
        operation_id="cases_discharge",
        tags=["casework"],
        summary="Close the case and send the discharge summary to the referrer",
        request=DischargeSerializer,
        responses={200: CaseSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = DischargeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_discharge(
            actor=request.user,
            case_id=case_id,
            reason_code=body.validated_data["reason"],
            summary=body.validated_data["summary"],
            channel=CHANNEL,
        )
        return _case_response(request.user, case_id)
