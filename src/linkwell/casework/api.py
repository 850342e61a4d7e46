"""Casework over the API: the same selectors (scope, 404) and services (rules, 403) as the pages.

GET   /api/v1/cases                                   my open cases
GET   /api/v1/cases/{id}                              case, contacts, plan, follow-ups
PATCH /api/v1/cases/{id}                              what matters / risk flags (`version`)
POST  /api/v1/cases/{id}/contacts
POST  /api/v1/cases/{id}/goals                        needs the plan `version` it was made from
PATCH /api/v1/cases/{id}/goals/{goal_id}              wording, steps, who does what, review date
POST  /api/v1/cases/{id}/goals/{goal_id}/progress
POST  /api/v1/cases/{id}/follow-ups
POST  /api/v1/cases/{id}/follow-ups/{follow_up_id}/done
POST  /api/v1/cases/{id}/reallocate                   leads only
POST  /api/v1/cases/{id}/discharge

Plan changes made from a stale `version` are refused with 409 (nothing saved). Every POST
accepts an `Idempotency-Key` (ADR 0002, the referrals' IdempotencyRecord): the same key and
body return the case again (200, `Idempotent-Replayed: true`) without doing it twice; the same
key with a different body or path is refused with 422.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.api.errors import ErrorSerializer, error_responses
from linkwell.audit.services import audit_list
from linkwell.referrals.models import IdempotencyRecord
from linkwell.referrals.services import IdempotencyConflict

from . import selectors, services
from .models import (
    MAX_CONTACT_MINUTES,
    Case,
    Contact,
    ContactMode,
    FollowUp,
    GoalProgress,
    PlanGoal,
)

CHANNEL = "api"
IDEMPOTENCY_KEY_MAX = 200  # IdempotencyRecord.key


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


# --- Idempotency and stale plans -----------------------------------------------------------

_IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string up to 200 characters (a UUID is ideal). Retrying with the same key "
        "and the same body returns the case (200, `Idempotent-Replayed: true`) without doing "
        "the change again; the same key with a different body or on another path is refused "
        "with 422. Keys are per user."
    ),
)
_REPLAYED = OpenApiParameter(
    name="Idempotent-Replayed",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="`true` when this is the answer to an earlier request with the same key.",
)


def _scope(user) -> str:
    # Not the referrals' "user:<id>" scope: a key used there must never replay a case.
    return f"case-api:user:{user.pk}"


def _body_hash(request) -> str:
    payload = {"method": request.method, "path": request.path, "body": request.data}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _idempotent(request, case_id, change, *, code=status.HTTP_201_CREATED) -> Response:
    """Run `change()` (a service call) once per Idempotency-Key, then answer with the case.

    The record is written in the same transaction as the change; a concurrent duplicate loses
    the unique-constraint race and is answered as a replay.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    gettext("Must be %(limit)s characters or fewer")
                    % {"limit": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )
    if not key:
        change()
        return _case_response(request.user, case_id, code=code)
    scope, body_hash = _scope(request.user), _body_hash(request)

    def replay(record: IdempotencyRecord) -> Response:
        if record.body_hash != body_hash:
            raise IdempotencyConflict
        case = Case.objects.filter(referral_id=record.referral_id).values_list("pk", flat=True)
        response = _case_response(request.user, case.first(), code=status.HTTP_200_OK)
        response["Idempotent-Replayed"] = "true"
        return response

    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        return replay(existing)
    try:
        with transaction.atomic():
            change()
            referral_id = (
                Case.objects.filter(pk=case_id).values_list("referral_id", flat=True).first()
            )
            IdempotencyRecord.objects.create(
                scope=scope, key=key, body_hash=body_hash, referral_id=referral_id
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:
            raise
        return replay(existing)
    return _case_response(request.user, case_id, code=code)


def _has_code(exc: DjangoValidationError, field: str, code: str) -> bool:
    if not hasattr(exc, "error_dict"):
        return False
    return any(getattr(e, "code", None) == code for e in exc.error_dict.get(field, []))


def _plan_change(call):
    """Call a plan service; a stale `version` becomes 409 with the messages under `errors`."""
    try:
        return call()
    except DjangoValidationError as exc:
        if _has_code(exc, "version", "stale_plan"):
            raise StalePlan(exc.message_dict["version"]) from None
        raise


def _not_found_as_404(call, field: str):
    """A goal or follow-up id that is not on this case answers 404, like any other id."""
    try:
        return call()
    except DjangoValidationError as exc:
        if _has_code(exc, field, "not_found"):
            raise Http404 from None
        raise


class StalePlan(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_plan"

    def __init__(self, messages: list[str]):
        super().__init__({"detail": messages[0], "errors": {"version": messages}})


class StalePlanSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    class Meta:
        ref_name = "StalePlan"


_STALE = {
    409: OpenApiResponse(
        StalePlanSerializer,
        description="The plan changed since the `version` sent; nothing was saved. GET the "
        "case, check the plan as it is now and send the change again with its plan_version.",
    )
}
_IDEMPOTENT_RESPONSES = {
    200: OpenApiResponse(
        CaseSerializer, description="Same Idempotency-Key and body as before (a replay)."
    ),
    422: OpenApiResponse(
        ErrorSerializer, description="The Idempotency-Key was already used with another body."
    ),
}


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


def _post_schema(operation_id, summary, request, *, code=201, conflict=False, extra=()):
    responses = {
        code: CaseSerializer,
        **_IDEMPOTENT_RESPONSES,
        **error_responses(400, 401, 403, 404, 413, 415, *extra),
    }
    if conflict:
        responses.update(_STALE)
    return extend_schema(
        operation_id=operation_id,
        tags=["casework"],
        summary=summary,
        request=request,
        parameters=[_IDEMPOTENCY_KEY, _REPLAYED],
        responses=responses,
    )


class ConversationUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The case's plan_version you are changing.")
    what_matters = serializers.CharField(
        required=False, allow_blank=True, max_length=8000, help_text="In the person's own words."
    )
    risk_flags = serializers.ListField(
        child=serializers.CharField(max_length=48),
        required=False,
        max_length=20,
        help_text="Risk flag codes (casework vocabulary); the whole list replaces the old one.",
    )


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

    @extend_schema(
        operation_id="cases_partial_update",
        tags=["casework"],
        summary="Record what matters to the person and the risk flags (the conversation)",
        description="Fields left out keep their value. A stale `version` is refused with 409.",
        request=ConversationUpdateSerializer,
        responses={
            200: CaseSerializer,
            **_STALE,
            **error_responses(400, 401, 403, 404, 413, 415),
        },
    )
    def patch(self, request, case_id: int):
        _require_link_worker(request.user)
        body = ConversationUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = selectors.case_get_for(request.user, case_id, audit=False, channel=CHANNEL)
        _plan_change(
            lambda: services.case_update_conversation(
                actor=request.user,
                case_id=case.pk,
                version=data["version"],
                what_matters=data.get("what_matters", case.what_matters),
                risk_flags=data.get("risk_flags", case.risk_flags),
                channel=CHANNEL,
            )
        )
        return _case_response(request.user, case.pk)


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
    @_post_schema(
        "cases_contacts_create",
        "Record a contact or an attempt to contact",
        ContactCreateSerializer,
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = ContactCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: services.contact_record(
                actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
            ),
        )


class GoalCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The case's plan_version you are changing.")
    wording = serializers.CharField(allow_blank=True, max_length=2000)
    steps = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    who_does_what = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalCreateView(APIView):
    @_post_schema(
        "cases_goals_create",
        "Add a goal to the plan (a stale `version` is refused with 409)",
        GoalCreateSerializer,
        conflict=True,
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = GoalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: _plan_change(
                lambda: services.plan_goal_add(
                    actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
                )
            ),
        )


class GoalUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The case's plan_version you are changing.")
    wording = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    steps = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    who_does_what = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    review_on = serializers.DateField(required=False, allow_null=True)


class GoalDetailView(APIView):
    @extend_schema(
        operation_id="cases_goals_partial_update",
        tags=["casework"],
        summary="Change a goal's wording, steps, who does what or review date",
        description="Fields left out keep their value. A stale `version` is refused with 409.",
        request=GoalUpdateSerializer,
        responses={
            200: CaseSerializer,
            **_STALE,
            **error_responses(400, 401, 403, 404, 413, 415),
        },
    )
    def patch(self, request, case_id: int, goal_id: int):
        _require_link_worker(request.user)
        body = GoalUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = selectors.case_get_for(request.user, case_id, audit=False, channel=CHANNEL)
        goal = case.goals.filter(pk=goal_id).first()
        if goal is None:
            raise Http404
        _plan_change(
            lambda: _not_found_as_404(
                lambda: services.plan_goal_update(
                    actor=request.user,
                    case_id=case.pk,
                    goal_id=goal.pk,
                    version=data["version"],
                    wording=data.get("wording", goal.wording),
                    steps=data.get("steps", goal.steps),
                    who_does_what=data.get("who_does_what", goal.who_does_what),
                    review_on=data.get("review_on", goal.review_on),
                    channel=CHANNEL,
                ),
                "goal",
            )
        )
        return _case_response(request.user, case.pk)


class ProgressCreateSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="1 (not started) to 10 (achieved).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ProgressCreateView(APIView):
    @_post_schema(
        "cases_goal_progress_create", "Record progress on a goal", ProgressCreateSerializer
    )
    def post(self, request, case_id: int, goal_id: int):
        _require_link_worker(request.user)
        body = ProgressCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: _not_found_as_404(
                lambda: services.goal_progress_record(
                    actor=request.user,
                    case_id=case_id,
                    goal_id=goal_id,
                    channel=CHANNEL,
                    **body.validated_data,
                ),
                "goal",
            ),
        )


class FollowUpCreateSerializer(serializers.Serializer):
    due = serializers.DateField()
    what = serializers.CharField(allow_blank=True, max_length=1000)


class FollowUpCreateView(APIView):
    @_post_schema("cases_follow_ups_create", "Add a follow-up", FollowUpCreateSerializer)
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = FollowUpCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: services.follow_up_add(
                actor=request.user, case_id=case_id, channel=CHANNEL, **body.validated_data
            ),
        )


class FollowUpDoneView(APIView):
    @_post_schema(
        "cases_follow_ups_done",
        "Mark a follow-up as done (doing it twice changes nothing)",
        None,
        code=200,
    )
    def post(self, request, case_id: int, follow_up_id: int):
        _require_link_worker(request.user)
        return _idempotent(
            request,
            case_id,
            lambda: _not_found_as_404(
                lambda: services.follow_up_done(
                    actor=request.user,
                    case_id=case_id,
                    follow_up_id=follow_up_id,
                    channel=CHANNEL,
                ),
                "follow_up",
            ),
            code=status.HTTP_200_OK,
        )


class ReallocateSerializer(serializers.Serializer):
    link_worker = serializers.IntegerField(
        help_text="User id of a link worker (or lead) in the case's service."
    )


class ReallocateView(APIView):
    @_post_schema(
        "cases_reallocate",
        "Move the case to another link worker of the service (leads only)",
        ReallocateSerializer,
        code=200,
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = ReallocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: services.case_reallocate(
                actor=request.user,
                case_id=case_id,
                link_worker=body.validated_data["link_worker"],
                channel=CHANNEL,
            ),
            code=status.HTTP_200_OK,
        )


class DischargeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=48,
        help_text="goals_met, connected_to_community, declined, unable_to_contact, moved_away, "
        "needs_met_elsewhere or inappropriate_referral.",
    )
    summary = serializers.CharField(allow_blank=True, max_length=16000)


class DischargeView(APIView):
    @_post_schema(
        "cases_discharge",
        "Close the case and send the discharge summary to the referrer",
        DischargeSerializer,
        code=200,
    )
    def post(self, request, case_id: int):
        _require_link_worker(request.user)
        body = DischargeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _idempotent(
            request,
            case_id,
            lambda: services.case_discharge(
                actor=request.user,
                case_id=case_id,
                reason_code=body.validated_data["reason"],
                summary=body.validated_data["summary"],
                channel=CHANNEL,
            ),
            code=status.HTTP_200_OK,
        )
