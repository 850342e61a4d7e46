"""Sessions, bookings and attendance over the API: the same services (rules, row lock) as the
provider pages, scoped by `api_selectors` (404 outside scope; 403 for roles without access).

GET  /api/v1/sessions                       filters: service, from, to (dates, from defaults to today)
POST /api/v1/sessions                       a one-off session (provider)
GET  /api/v1/sessions/{id}                  with the bookings the caller may see, and walk-ins
POST /api/v1/sessions/{id}/bookings         {"service_referral": id} → booked | waitlisted
PUT  /api/v1/sessions/{id}/walk-ins         {"count": n} (provider)
POST /api/v1/bookings/{id}/cancel           a freed place is offered to the next on the waitlist
POST /api/v1/bookings/{id}/accept           take an offered place
POST /api/v1/bookings/{id}/attendance       {"status": "attended"|"absent"|"late"} (provider)
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role
from linkwell.api.errors import error_responses
from linkwell.audit.services import audit_list

from . import api_selectors, services
from .models import BookingStatus
from .selectors import provider_services_for, session_get_for

CHANNEL = "api"
SESSION_ROLES = (Role.PROVIDER, *LINK_WORKER_ROLES)
BOOKING_STATUS_HELP = ", ".join(BookingStatus.values) + "."


def _require(user, *roles) -> None:
    if not permissions.has_role(user, *roles):
        raise exceptions.PermissionDenied


# ---- serializers -------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    service = serializers.UUIDField(source="service_id")
    service_name = serializers.CharField(source="service.name")
    location = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cancelled = serializers.BooleanField()
    one_off = serializers.SerializerMethodField()
    places = serializers.IntegerField()
    places_taken = serializers.IntegerField(help_text="Booked, offered or already marked.")
    places_left = serializers.SerializerMethodField()
    waitlist_length = serializers.IntegerField(source="waitlisted")
    walk_ins = serializers.SerializerMethodField()

    def get_location(self, session) -> str | None:
        return session.location.name if session.location else None

    def get_one_off(self, session) -> bool:
        return session.schedule_id is None

    def get_places_left(self, session) -> int:
        return max(session.places - session.places_taken, 0)

    def get_walk_ins(self, session) -> int:
        walk_ins = getattr(session, "walk_ins", None)
        return walk_ins.count if walk_ins else 0


class SessionBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField(help_text=BOOKING_STATUS_HELP)
    service_referral = serializers.IntegerField(source="service_referral_id", allow_null=True)
    first_name = serializers.CharField(
        source="service_referral.shared_first_name", allow_null=True, default=None
    )
    waitlist_position = serializers.IntegerField(
        source="position", allow_null=True, help_text="1 = next to be offered a place."
    )


class SessionDetailSerializer(SessionSerializer):
    bookings = SessionBookingSerializer(many=True, source="visible_bookings")


class SessionCreateSerializer(serializers.Serializer):
    service = serializers.UUIDField(help_text="One of your organisation's directory listings.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    places = serializers.IntegerField(help_text="At least 1.")
    location = serializers.UUIDField(required=False, allow_null=True, default=None)


class BookingCreateSerializer(serializers.Serializer):
    service_referral = serializers.IntegerField(help_text="An onward referral to this service.")


class BookingResultSerializer(serializers.Serializer):
    booking = serializers.IntegerField(source="pk")
    session = serializers.IntegerField(source="session_id")
    status = serializers.CharField(help_text=BOOKING_STATUS_HELP)
    waitlist_position = serializers.IntegerField(
        source="position", allow_null=True, help_text="Only when waitlisted: 1 = next in line."
    )


class AttendanceSerializer(serializers.Serializer):
    # A plain string (checked by the service), so the schema keeps one "status" enum: the
    # referrals' FHIR Task status.
    status = serializers.CharField(help_text="attended, absent or late.", max_length=16)


class WalkInsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="0 or more; replaces the count.")


class WalkInsResultSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    count = serializers.IntegerField()


def _booking_result(booking, code=status.HTTP_200_OK) -> Response:
    booking.position = services.waitlist_position(booking)
    data = BookingResultSerializer(booking).data
    if data["waitlist_position"] is None:
        data.pop("waitlist_position")
    return Response(data, status=code)


def _session_detail(actor, session_id, *, code=status.HTTP_200_OK) -> Response:
    session = api_selectors.session_api_get(actor, session_id)
    bookings = api_selectors.session_api_bookings(actor, session)
    n = 0
    for booking in bookings:
        if booking.status == BookingStatus.WAITLISTED:
            n += 1
            booking.position = n
        else:
            booking.position = None
    session.visible_bookings = bookings
    audit_list(
        actor=actor,
        object_type="groups.booking",
        person_ids=[b.service_referral.case.person_id for b in bookings if b.service_referral],
        channel=CHANNEL,
    )
    return Response(SessionDetailSerializer(session).data, status=code)


# ---- views -------------------------------------------------------------------------------


class SessionListView(GenericAPIView):
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="sessions_list",
        tags=["groups"],
        summary="Sessions with places and places left",
        description=(
            "A provider sees its own services' sessions; a link worker the sessions of services "
            "its service's cases were referred on to. From the start of `from` (default today) "
            "to the end of `to`."
        ),
        parameters=[
            OpenApiParameter("service", OpenApiTypes.UUID, description="One listing only."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses={200: SessionSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        _require(request.user, *SESSION_ROLES)
        params = _ListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        sessions = api_selectors.sessions_api_list(
            request.user,
            service_id=params.validated_data.get("service"),
            from_date=params.validated_data.get("from"),
            to_date=params.validated_data.get("to"),
        )
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="sessions_create",
        tags=["groups"],
        summary="Add a one-off session to one of your listings",
        request=SessionCreateSerializer,
        responses={201: SessionDetailSerializer, **error_responses(400, 401, 403, 413, 415)},
    )
    def post(self, request):
        _require(request.user, Role.PROVIDER)
        body = SessionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not provider_services_for(request.user).filter(pk=data["service"]).exists():
            raise ValidationError({"service": _("Choose one of your organisation's listings.")})
        session = services.session_create(
            actor=request.user,
            service_id=data["service"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            places=data["places"],
            location_id=data["location"],
        )
        return _session_detail(request.user, session.pk, code=status.HTTP_201_CREATED)


class _ListParams(serializers.Serializer):
    service = serializers.UUIDField(required=False)
    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError(
                {"to": _("The end date must not be before the start.")}
            )
        return attrs


class SessionDetailView(APIView):
    @extend_schema(
        operation_id="sessions_retrieve",
        tags=["groups"],
        summary="A session, with the bookings you may see and the walk-in count",
        responses={200: SessionDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, session_id: int):
        _require(request.user, *SESSION_ROLES)
        return _session_detail(request.user, session_id)


class BookingCreateView(APIView):
    @extend_schema(
        operation_id="sessions_bookings_create",
        tags=["groups"],
        summary="Book a referred person: a place if one is left, else the waitlist",
        request=BookingCreateSerializer,
        responses={201: BookingResultSerializer, **error_responses(400, 401, 403, 404, 415)},
    )
    def post(self, request, session_id: int):
        _require(request.user, *SESSION_ROLES)
        session = api_selectors.session_api_get(request.user, session_id)
        body = BookingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = services.booking_create(
            actor=request.user,
            session_id=session.pk,
            service_referral_id=body.validated_data["service_referral"],
        )
        return _booking_result(booking, code=status.HTTP_201_CREATED)


class BookingCancelView(APIView):
    @extend_schema(
        operation_id="bookings_cancel",
        tags=["groups"],
        summary="Cancel a booking or a place on the waitlist",
        request=None,
        responses={200: BookingResultSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, booking_id: int):
        _require(request.user, *SESSION_ROLES)
        booking = api_selectors.booking_api_get(request.user, booking_id)
        booking = services.booking_cancel(actor=request.user, booking_id=booking.pk)
        return _booking_result(booking)


class BookingAcceptView(APIView):
    @extend_schema(
        operation_id="bookings_accept",
        tags=["groups"],
        summary="Take a place that was offered from the waitlist",
        request=None,
        responses={200: BookingResultSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, booking_id: int):
        _require(request.user, *SESSION_ROLES)
        booking = api_selectors.booking_api_get(request.user, booking_id)
        booking = services.booking_offer_accept(actor=request.user, booking_id=booking.pk)
        return _booking_result(booking)


class AttendanceView(APIView):
    @extend_schema(
        operation_id="bookings_attendance",
        tags=["groups"],
        summary="Mark attended, absent or late (not before the day of the session)",
        request=AttendanceSerializer,
        responses={200: BookingResultSerializer, **error_responses(400, 401, 403, 404, 415)},
    )
    def post(self, request, booking_id: int):
        _require(request.user, Role.PROVIDER)
        booking = api_selectors.booking_api_get(request.user, booking_id)
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = services.attendance_mark(
            actor=request.user, booking_id=booking.pk, status=body.validated_data["status"]
        )
        return _booking_result(booking)


class WalkInsView(APIView):
    @extend_schema(
        operation_id="sessions_walk_ins_update",
        tags=["groups"],
        summary="Set how many came without a referral (counted, never named)",
        request=WalkInsSerializer,
        responses={200: WalkInsResultSerializer, **error_responses(400, 401, 403, 404, 415)},
    )
    def put(self, request, session_id: int):
        _require(request.user, Role.PROVIDER)
        session = session_get_for(request.user, session_id)
        body = WalkInsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        walk_ins = services.walk_ins_record(
            actor=request.user, session_id=session.pk, count=body.validated_data["count"]
        )
        return Response(WalkInsResultSerializer(walk_ins).data)
