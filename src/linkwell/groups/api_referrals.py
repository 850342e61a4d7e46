"""Onward referrals over the API: the same services and scope as the pages.

GET  /api/v1/service-referrals                  provider: those to its services (shared fields
                                                only); link worker: those from its service's cases
GET  /api/v1/service-referrals/{id}
POST /api/v1/cases/{id}/service-referrals       refer on (or signpost) with items + consent;
                                                Idempotency-Key as for POST /api/v1/referrals
POST /api/v1/service-referrals/{id}/responses   provider: accepted | rejected (reason) | on-hold

A provider is never sent anything but the shared snapshot; referrers, commissioners and
others get 403; a referral outside the caller's scope is 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.api.errors import error_responses
from linkwell.audit.models import AuditAction
from linkwell.audit.services import audit_list, audit_record

from . import onward, services
from .models import SHARE_ITEMS, DeclineReason, OnwardKind, ServiceReferral
from .services import RESPONSES

CHANNEL = "api"
IDEMPOTENCY_KEY_MAX = 200


def _is_provider(user) -> bool:
    return permissions.has_role(user, Role.PROVIDER)


def _is_link_worker(user) -> bool:
    return permissions.has_role(user, *LINK_WORKER_ROLES)


def _require_any(user) -> None:
    if not (_is_provider(user) or _is_link_worker(user)):
        raise exceptions.PermissionDenied


# ---- serializers -------------------------------------------------------------------------


class EventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    reason_text = serializers.CharField()
    at = serializers.DateTimeField()


class SharedSerializer(serializers.Serializer):
    """Only what the link worker shared, with the person's consent."""

    first_name = serializers.CharField(source="shared_first_name")
    contact_route = serializers.CharField(source="shared_contact_route")
    language = serializers.CharField(source="shared_language")
    interpreter_needed = serializers.BooleanField(source="shared_interpreter_needed")
    access_needs = serializers.CharField(source="shared_access_needs")
    note = serializers.CharField(source="shared_note")
    items = serializers.ListField(child=serializers.CharField(), source="shared_items")


class ServiceReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    kind = serializers.CharField(help_text="referral | signposted")
    status = serializers.CharField(help_text="FHIR Task status.")
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.UUIDField(source="service_id")
    service_name = serializers.CharField(source="service.name")
    shared = SharedSerializer(source="*")
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField(help_text="A DeclineReason code, or empty.")
    decline_text = serializers.CharField()
    case = serializers.IntegerField(
        source="case_id", required=False, help_text="Link worker service only."
    )
    events = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse(
            "api:service-referral-detail",
            kwargs={"service_referral_id": obj.pk},
            request=self.context.get("request"),
        )

    def get_events(self, obj) -> list[dict]:
        if not self.context.get("with_events"):
            return []
        return EventSerializer(onward.onward_events(obj), many=True).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("for_link_worker"):
            data.pop("case", None)
        return data


class ServiceReferralCreateSerializer(serializers.Serializer):
    service = serializers.UUIDField(help_text="A published directory service (GET /oruk/).")
    kind = serializers.CharField(
        required=False,
        default=OnwardKind.REFERRAL,
        max_length=16,
        help_text="referral (default) | signposted (recorded only; nothing is sent).",
    )
    share = serializers.ListField(
        child=serializers.ChoiceField(choices=SHARE_ITEMS),
        required=False,
        default=list,
        max_length=len(SHARE_ITEMS),
        help_text="What to share, item by item: first_name (needed), contact_route, language "
        "(with interpreter need), access_needs. Values come from the person's record.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    consent_given = serializers.BooleanField(
        required=False, default=False, help_text="Must be true: the person agreed to share."
    )


class ResponseSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=[(r, r) for r in RESPONSES])
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to decline (rejected).",
    )
    reason_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class FilterSerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False, max_length=16, help_text="A FHIR Task status, e.g. requested."
    )
    service = serializers.UUIDField(required=False)

    def validate_status(self, value):
        if value not in onward.INBOX_STATUSES:
            raise serializers.ValidationError(gettext("Not a status an onward referral has."))
        return value


# ---- views -------------------------------------------------------------------------------


def _scoped_get(user, pk, *, audit=True) -> tuple[ServiceReferral, bool]:
    """(referral, for_link_worker), provider scope first; 404 outside both."""
    if _is_provider(user):
        try:
            return onward.inbox_get_for(user, pk, audit=audit, channel=CHANNEL), False
        except Http404:
            pass
    if _is_link_worker(user):
        try:
            referral = (
                onward.link_worker_queryset_for(user)
                .select_related("service", "case")
                .get(pk=int(pk))
            )
        except (ServiceReferral.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
        if audit:
            audit_record(
                actor=user,
                action=AuditAction.VIEW,
                obj=referral,
                person_id=referral.case.person_id,
                channel=CHANNEL,
            )
        return referral, True
    raise Http404


class Pagination(LimitOffsetPagination):
    max_limit = 200


class ServiceReferralListView(GenericAPIView):
    serializer_class = ServiceReferralSerializer
    pagination_class = Pagination

    @extend_schema(
        operation_id="service_referrals_list",
        tags=["groups"],
        summary="Onward referrals: a provider's inbox, or a link worker service's",
        parameters=[FilterSerializer],
        responses={200: ServiceReferralSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        user = request.user
        _require_any(user)
        filters = FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        status_filter = filters.validated_data.get("status", "")
        service_id = filters.validated_data.get("service")
        for_link_worker = not _is_provider(user)
        if for_link_worker:
            qs = onward.link_worker_queryset_for(user).select_related("service", "case")
            if status_filter:
                qs = qs.filter(status=status_filter)
            if service_id:
                qs = qs.filter(service_id=service_id)
            qs = qs.order_by("-created_at", "-id")
        else:
            qs = onward.inbox_for(user, status=status_filter, service_id=service_id)
        page = self.paginate_queryset(qs)
        audit_list(
            actor=user,
            object_type="groups.servicereferral",
            person_ids=[r.case.person_id for r in page],
            channel=CHANNEL,
        )
        data = ServiceReferralSerializer(
            page, many=True, context={"request": request, "for_link_worker": for_link_worker}
        ).data
        return self.get_paginated_response(data)


class ServiceReferralDetailView(APIView):
    @extend_schema(
        operation_id="service_referrals_retrieve",
        tags=["groups"],
        summary="One onward referral, with its history",
        responses={200: ServiceReferralSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, service_referral_id: int):
        _require_any(request.user)
        referral, for_link_worker = _scoped_get(request.user, service_referral_id)
        context = {"request": request, "for_link_worker": for_link_worker, "with_events": True}
        return Response(ServiceReferralSerializer(referral, context=context).data)


class CaseServiceReferralCreateView(APIView):
    @extend_schema(
        operation_id="cases_service_referrals_create",
        tags=["casework"],
        summary="Refer the person on to a directory service (or record signposting)",
        description="Only the items in `share` are shared, with values from the person's record; "
        "`consent_given` must be true for a referral. Refused with field errors: no consent, a "
        "signpost-only service, an open referral of this case to the service already.",
        request=ServiceReferralCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="As for POST /api/v1/referrals: the same key and body returns the "
                "first answer (200, `Idempotent-Replayed: true`); a different body is 422.",
            )
        ],
        responses={
            201: OpenApiResponse(ServiceReferralSerializer, description="Referred on."),
            200: OpenApiResponse(ServiceReferralSerializer, description="Replayed."),
            **error_responses(400, 401, 403, 404, 422),
        },
    )
    def post(self, request, case_id: int):
        from linkwell.casework.selectors import case_get_for

        user = request.user
        if not _is_link_worker(user):
            raise exceptions.PermissionDenied
        case = case_get_for(user, case_id, audit=False, channel=CHANNEL)
        body = ServiceReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
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
        items = data["share"]
        values = services.shared_values_for(case.person, items)
        referral, created = services.service_referral_submit(
            actor=user,
            case_id=case.pk,
            service_id=data["service"],
            note=data["note"],
            consent_given=data["consent_given"],
            items=items,
            kind=data["kind"],
            idempotency_key=key,
            channel=CHANNEL,
            **values,
        )
        headers = {
            "Location": reverse(
                "api:service-referral-detail",
                kwargs={"service_referral_id": referral.pk},
                request=request,
            )
        }
        if not created:
            headers["Idempotent-Replayed"] = "true"
        context = {"request": request, "for_link_worker": True, "with_events": True}
        return Response(
            ServiceReferralSerializer(referral, context=context).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )


class ServiceReferralResponseView(APIView):
    @extend_schema(
        operation_id="service_referrals_respond",
        tags=["groups"],
        summary="The provider's answer: accepted, rejected (with a reason) or on-hold (waitlist)",
        request=ResponseSerializer,
        responses={200: ServiceReferralSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, service_referral_id: int):
        user = request.user
        if not _is_provider(user):
            raise exceptions.PermissionDenied
        referral = onward.inbox_get_for(user, service_referral_id, audit=False, channel=CHANNEL)
        body = ResponseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.service_referral_respond(
            actor=user,
            service_referral_id=referral.pk,
            response=data["response"],
            reason=data["reason"],
            reason_text=data["reason_text"],
            channel=CHANNEL,
        )
        referral = onward.inbox_get_for(user, referral.pk, audit=False)
        context = {"request": request, "for_link_worker": False, "with_events": True}
        return Response(ServiceReferralSerializer(referral, context=context).data)
