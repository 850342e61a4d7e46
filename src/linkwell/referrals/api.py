"""Referrals over the API: list, submit, read, change status; and the list of needs.

Views are thin: parse the body, call the one service or selector the pages also call, render.
Serializers parse types and cap sizes; every business rule (and its message) is in
`referrals.services` and `people.services`, and comes back here as field errors.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Organisation, Role
from linkwell.api.errors import error_responses, field_errors
from linkwell.audit.services import audit_list
from linkwell.people.api import (
    LIST_GUARD,
    SHORT_GUARD,
    TEXT_GUARD,
    CodeField,
    PersonDetailsSerializer,
)
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails

from . import selectors, services
from .models import Referral, Source, Status, Urgency

IDEMPOTENCY_KEY_MAX = 200  # IdempotencyRecord.key
CHANNEL = "api"


# --- Output ---------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class CodeLabelSerializer(serializers.Serializer):
    """An entry of a controlled list: a stable `code` and a `label` in the request's language."""

    code = serializers.CharField()
    label = serializers.CharField(source="display_label")


class NeedSerializer(CodeLabelSerializer):
    plain_label = serializers.CharField(
        help_text="The label in plain words, as the person sees it."
    )


# Shown only to the link worker service; the referrer needs enough to recognise the person.
SERVICE_ONLY_PERSON_FIELDS = (
    "age",
    "phone",
    "phone_is_shared",
    "email",
    "postcode",
    "no_fixed_abode",
    "language",
    "language_detail",
    "interpreter_needed",
    "link_worker_sex_preference",
    "communication_needs",
    "contact_methods",
    "no_voicemail",
    "safe_times_to_call",
)


class ReferralPersonSerializer(serializers.Serializer):
    """The person, as far as the reader of a referral needs. Fields not marked required are
    sent to the link worker service only; the full record is at /api/v1/people/{id}."""

    id = serializers.IntegerField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    nhs_number = serializers.CharField()
    # Service only (required=False documents that they may be absent).
    age = serializers.IntegerField(allow_null=True, required=False)
    phone = serializers.CharField(required=False)
    phone_is_shared = serializers.BooleanField(required=False)
    email = serializers.CharField(required=False)
    postcode = serializers.CharField(required=False)
    no_fixed_abode = serializers.BooleanField(required=False)
    language = serializers.CharField(required=False)
    language_detail = serializers.CharField(required=False)
    interpreter_needed = serializers.BooleanField(required=False)
    link_worker_sex_preference = serializers.CharField(required=False)
    communication_needs = serializers.ListField(child=serializers.CharField(), required=False)
    contact_methods = serializers.ListField(child=serializers.CharField(), required=False)
    no_voicemail = serializers.BooleanField(required=False)
    safe_times_to_call = serializers.CharField(required=False)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("for_service"):
            for name in SERVICE_ONLY_PERSON_FIELDS:
                data.pop(name, None)
        return data


class ReferralEventSerializer(serializers.Serializer):
    from_status = serializers.CharField(help_text="Empty for the first event.")
    to_status = serializers.CharField()
    reason = CodeLabelSerializer(allow_null=True)
    reason_text = serializers.CharField()
    note = serializers.CharField(required=False, help_text="Link worker service only.")
    at = serializers.DateTimeField()
    actor_organisation = serializers.CharField(
        source="actor_organisation.name", allow_null=True, default=None
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("for_service"):
            data.pop("note", None)
        return data


class ReferralListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    reference = serializers.CharField()
    status = CodeField(codes=Status.values)
    status_label = serializers.CharField(source="get_status_display")
    urgency = CodeField(codes=Urgency.values)
    needs = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    referrer_organisation = OrganisationRefSerializer(allow_null=True)
    service = OrganisationRefSerializer()
    allocated_to = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return reverse(
            "api:referral-detail",
            kwargs={"referral_id": obj.pk},
            request=self.context.get("request"),
        )

    def get_needs(self, obj) -> list[str]:
        # .all() so the selector's prefetch is used: one query for the whole page.
        return [need.code for need in obj.needs.all()]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "given_name": {"type": "string"},
                "family_name": {"type": "string"},
            },
            "required": ["id", "given_name", "family_name"],
        }
    )
    def get_person(self, obj):
        p = obj.person
        return {"id": p.pk, "given_name": p.given_name, "family_name": p.family_name}


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="Short reference to read out over the phone.")
    source = CodeField(codes=Source.values)
    status = CodeField(codes=Status.values)
    status_label = serializers.CharField(source="get_status_display")
    status_reason = CodeLabelSerializer(allow_null=True)
    status_reason_text = serializers.CharField()
    urgency = CodeField(codes=Urgency.values)
    urgency_label = serializers.CharField(source="get_urgency_display")
    needs = CodeLabelSerializer(source="needs.all", many=True)
    reason = serializers.CharField()
    what_matters = serializers.CharField()
    risks = serializers.CharField()
    referrer_contact = serializers.CharField()
    referrer_organisation = OrganisationRefSerializer(allow_null=True)
    service = OrganisationRefSerializer()
    allocated_to = UserRefSerializer(allow_null=True, help_text="The link worker.")
    snomed_code = serializers.CharField()
    person = ReferralPersonSerializer()
    events = serializers.SerializerMethodField()
    consent_confirmed_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(ReferralEventSerializer(many=True))
    def get_events(self, obj):
        return ReferralEventSerializer(
            selectors.referral_events(obj), many=True, context=self.context
        ).data


def _render(request, referral: Referral, **kwargs) -> Response:
    context = {
        "request": request,
        "for_service": selectors.referral_viewer_is_service(request.user, referral),
    }
    return Response(ReferralSerializer(referral, context=context).data, **kwargs)


# --- Input ----------------------------------------------------------------------------------


def _text(**kwargs) -> serializers.CharField:
    kwargs.setdefault("max_length", TEXT_GUARD)
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class ReferralCreateSerializer(serializers.Serializer):
    person = PersonDetailsSerializer(
        required=False, help_text="A person not referred before. Send this or `person_id`."
    )
    person_id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Someone already referred by your organisation or known to your service.",
    )
    needs = serializers.ListField(
        child=serializers.CharField(max_length=SHORT_GUARD),
        required=False,
        default=list,
        max_length=LIST_GUARD,
        help_text="Need codes, from GET /api/v1/needs.",
    )
    reason = _text()
    what_matters = _text()
    urgency = CodeField(codes=Urgency.values, required=False, default=Urgency.ROUTINE)
    risks = _text(help_text="Anything a link worker visiting alone should know.")
    referrer_contact = _text(help_text="How the link worker can reach the referrer.")
    consent_confirmed = serializers.BooleanField(
        required=False, default=False, help_text="Must be true: the person agreed to be referred."
    )
    referrer_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed only if you belong to more than one organisation that can refer.",
        error_messages={"does_not_exist": _("There is no organisation with that id")},
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="A link worker service. Leave out to route by referrer and postcode.",
        error_messages={"does_not_exist": _("There is no link worker service with that id")},
    )

    def validate(self, attrs):
        if ("person" in attrs) == ("person_id" in attrs):
            # Not under "person": that key holds the nested person's own field errors.
            raise serializers.ValidationError(
                _("Send either person (someone new) or person_id (someone already referred)")
            )
        return attrs


class ReferralTransitionSerializer(serializers.Serializer):
    status = CodeField(codes=Status.values, help_text="The status to move to.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SHORT_GUARD,
        help_text="Status reason code. Required to reject, cancel, fail or put on hold.",
    )
    reason_text = _text()
    allocate_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="On accept: the link worker (user id). Defaults to you; only a lead may choose "
        "someone else.",
    )
    note = _text()


class ReferralFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)


_PERSON_FIELDS = frozenset(f.name for f in dataclasses.fields(PersonDetails))


def _submission_errors(exc: DjangoValidationError) -> dict:
    """Service errors keyed as the request body is: person fields nested under `person`."""
    errors: dict = {}
    for name, messages in field_errors(exc).items():
        if name in _PERSON_FIELDS:
            errors.setdefault("person", {})[name] = messages
        elif name == "person":
            errors["person_id"] = messages
        else:
            errors[name] = messages
    return errors


def _referrer_organisation(user, chosen: Organisation | None) -> Organisation | None:
    if chosen is not None:
        return chosen
    # The organisations referral_submit lets this user refer from.
    mine = permissions.organisations(user, Role.REFERRER, *LINK_WORKER_ROLES)
    if len(mine) > 1:
        raise exceptions.ValidationError(
            {
                "referrer_organisation": [
                    gettext("Choose which of your organisations is making this referral")
                ]
            }
        )
    return mine[0] if mine else None


# --- Views ----------------------------------------------------------------------------------


class ReferralPagination(LimitOffsetPagination):
    # Every referral on a page is an audited read of a person: no unbounded pages.
    max_limit = 200


_IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string up to 200 characters (a UUID is ideal). Retrying with the same key and "
        "the same body returns the first referral (200, `Idempotent-Replayed: true`) instead of "
        "making a second one; the same key with a different body is refused with 422. Keys are "
        "per user."
    ),
)
_REPLAYED = OpenApiParameter(
    name="Idempotent-Replayed",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="`true` when this is the answer to an earlier request with the same key.",
)
_LOCATION = OpenApiParameter(
    name="Location",
    type=OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The referral's URL.",
)


class ReferralListView(GenericAPIView):
    serializer_class = ReferralListItemSerializer
    pagination_class = ReferralPagination

    @extend_schema(
        operation_id="referrals_list",
        tags=["referrals"],
        summary="Referrals this user may see",
        description="Referrals made by the user's organisations, or received by their link "
        "worker services; newest first. Every person on the page is recorded in the audit log.",
        parameters=[ReferralFilterSerializer],
        responses={200: ReferralListItemSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        # Like the web list: only referrers and link worker services have referrals to list.
        if not permissions.has_role(request.user, Role.REFERRER, *LINK_WORKER_ROLES):
            raise exceptions.PermissionDenied()
        filters = ReferralFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        referrals = selectors.referral_list_for(
            request.user, status=filters.validated_data.get("status")
        )
        page = self.paginate_queryset(referrals)
        audit_list(
            actor=request.user,
            object_type=Referral._meta.label_lower,
            person_ids=[referral.person_id for referral in page],
            channel=CHANNEL,
        )
        data = ReferralListItemSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="referrals_create",
        tags=["referrals"],
        summary="Refer someone to a link worker service",
        description="Person field errors come back nested: "
        '`{"errors": {"person": {"phone": ["..."]}}}`.',
        request=ReferralCreateSerializer,
        parameters=[_IDEMPOTENCY_KEY, _REPLAYED, _LOCATION],
        responses={
            201: OpenApiResponse(ReferralSerializer, description="Referral made."),
            200: OpenApiResponse(
                ReferralSerializer, description="Same Idempotency-Key and body as before."
            ),
            **error_responses(400, 401, 403, 413, 415, 422),
        },
        examples=[
            OpenApiExample(
                "A new person",
                request_only=True,
                value={
                    "person": {
                        "given_name": "Amina",
                        "family_name": "Hassan",
                        "date_of_birth": "1980-05-17",
                        "phone": "07700 900982",
                        "postcode": "SR1 1AA",
                        "language": "ar",
                        "interpreter_needed": True,
                        "contact_methods": ["phone"],
                    },
                    "needs": ["loneliness"],
                    "reason": "Isolated since moving to the area",
                    "consent_confirmed": True,
                },
            )
        ],
    )
    def post(self, request):
        if not permissions.can_refer(request.user):
            raise exceptions.PermissionDenied
        body = ReferralCreateSerializer(data=request.data)
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
        person = person_details = None
        if "person_id" in data:
            # An id that does not exist gets the service's answer for one outside the user's
            # scope, so the API never reveals which ids exist.
            person = Person.objects.filter(pk=data["person_id"]).first() or Person(
                pk=data["person_id"]
            )
        else:
            person_details = PersonDetails(**data["person"])
        try:
            referral, created = services.referral_submit(
                actor=request.user,
                source=Source.API,
                channel=CHANNEL,
                details=services.ReferralDetails(
                    needs=data["needs"],
                    reason=data.get("reason", ""),
                    what_matters=data.get("what_matters", ""),
                    urgency=data["urgency"],
                    risks=data.get("risks", ""),
                    referrer_contact=data.get("referrer_contact", ""),
                    consent_confirmed=data["consent_confirmed"],
                ),
                person=person,
                person_details=person_details,
                referrer_organisation=_referrer_organisation(
                    request.user, data["referrer_organisation"]
                ),
                service=data["service"],
                idempotency_scope=f"user:{request.user.pk}",
                idempotency_key=key,
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(_submission_errors(exc)) from exc
        headers = {
            "Location": reverse(
                "api:referral-detail", kwargs={"referral_id": referral.pk}, request=request
            )
        }
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return _render(
            request,
            referral,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )


class ReferralDetailView(APIView):
    @extend_schema(
        operation_id="referrals_retrieve",
        tags=["referrals"],
        summary="One referral, with its timeline",
        description="The referrer sees status, timeline and reasons; the link worker service "
        "also sees the person's contact and access details and internal notes. Audited.",
        responses={200: ReferralSerializer, **error_responses(401, 404)},
    )
    def get(self, request, referral_id: int):
        referral = selectors.referral_get_for(request.user, referral_id, channel=CHANNEL)
        return _render(request, referral)


class ReferralTransitionView(APIView):
    @extend_schema(
        operation_id="referrals_transition",
        tags=["referrals"],
        summary="Move a referral to a new status",
        description="Allowed moves follow the FHIR Task states. The link worker service may make "
        "any allowed move; the referring organisation may only cancel a referral nobody has "
        "accepted yet.",
        request=ReferralTransitionSerializer,
        responses={
            200: ReferralSerializer,
            **error_responses(400, 401, 403, 404, 413, 415),
        },
    )
    def post(self, request, referral_id: int):
        body = ReferralTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        referral = services.referral_transition(
            actor=request.user,
            referral_id=referral_id,
            to_status=data["status"],
            reason_code=data.get("reason", ""),
            reason_text=data.get("reason_text", ""),
            allocate_to=data["allocate_to"],
            note=data.get("note", ""),
            channel=CHANNEL,
        )
        return _render(request, referral)


class NeedListView(APIView):
    @extend_schema(
        operation_id="needs_list",
        tags=["needs"],
        summary="Needs a referral can name",
        responses={200: NeedSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        return Response(NeedSerializer(selectors.needs_active(), many=True).data)


# --- Self-referral --------------------------------------------------------------------------


class SelfReferralCreateSerializer(serializers.Serializer):
    person = PersonDetailsSerializer(help_text="The person referring themselves.")
    needs = serializers.ListField(
        child=serializers.CharField(max_length=SHORT_GUARD),
        required=False,
        default=list,
        max_length=LIST_GUARD,
        help_text="Need codes, from the same list as GET /api/v1/needs.",
    )
    reason = _text(help_text="Anything else the person wants to tell us, in their own words.")
    consent_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Must be true: the person agrees that Linkwell keeps their details and a link "
        "worker contacts them.",
    )
    share_with_provider = serializers.BooleanField(required=False, default=False)
    contact_sms = serializers.BooleanField(required=False, default=False)
    research = serializers.BooleanField(required=False, default=False)


class SelfReferralReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField()
    reply_within_working_days = serializers.IntegerField()


class SelfReferralCreateView(APIView):
    """For a charity's website, a kiosk or an app that helps people refer themselves.

    Anyone may call it (it is the API twin of /self-referral/), so it answers with the reference
    only, never the record, and is rate-limited per address.
    """

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="self_referrals_create",
        tags=["self-referrals"],
        summary="A person refers themselves (no sign-in)",
        request=SelfReferralCreateSerializer,
        parameters=[_IDEMPOTENCY_KEY, _REPLAYED],
        responses={
            201: OpenApiResponse(SelfReferralReceiptSerializer, description="Referral made."),
            200: OpenApiResponse(
                SelfReferralReceiptSerializer,
                description="Same Idempotency-Key and body as before.",
            ),
            **error_responses(400, 413, 415, 422),
        },
    )
    def post(self, request):
        from django.conf import settings

        body = SelfReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()[:IDEMPOTENCY_KEY_MAX]
        try:
            referral, created = services.referral_submit(
                actor=None,
                source=Source.SELF,
                channel="self-referral",
                details=services.ReferralDetails(
                    needs=data["needs"],
                    reason=data.get("reason", ""),
                    consent_confirmed=data["consent_confirmed"],
                ),
                person_details=PersonDetails(**data["person"]),
                consents={
                    "share_with_provider": data["share_with_provider"],
                    "contact_sms": data["contact_sms"],
                    "research": data["research"],
                },
                idempotency_scope="self-referral-api",
                idempotency_key=key,
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(_submission_errors(exc)) from exc
        receipt = SelfReferralReceiptSerializer(
            {
                "reference": referral.reference,
                "reply_within_working_days": settings.LINKWELL_SELF_REFERRAL_REPLY_DAYS,
            }
        ).data
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(
            receipt,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )
