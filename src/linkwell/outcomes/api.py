"""Outcome measures over the API: GET/POST /api/v1/referrals/{id}/measurements.

The same selector and service as the pages: only the link worker service holding the
referral sees or records measurements (404 outside scope, 403 for the referrer).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.api.errors import error_responses, field_errors

from . import selectors, self_completion, services
from .instruments import INSTRUMENTS
from .instruments.eq5d5l import VALUE_SETS
from .models import Measurement, Mode

CHANNEL = "api"
_FORM_FIELDS = {"instrument", "timepoint", "mode", "completed_on", "value_set"}


class MeasurementSerializer(serializers.ModelSerializer):
    referral = serializers.IntegerField(source="referral_id", allow_null=True)
    person = serializers.IntegerField(source="person_id")
    entered_by = serializers.IntegerField(source="entered_by_id", allow_null=True)
    instrument = serializers.CharField(help_text="Instrument code, e.g. SWEMWBS.")
    mode = serializers.CharField(help_text=f"One of: {', '.join(Mode.values)}.")
    answers = serializers.DictField(child=serializers.JSONField())
    scores = serializers.DictField(child=serializers.JSONField())

    class Meta:
        model = Measurement
        fields = [
            "id",
            "referral",
            "person",
            "instrument",
            "timepoint",
            "answers",
            "scores",
            "value_set",
            "mode",
            "entered_by",
            "completed_at",
        ]


class MeasurementCreateSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=list(INSTRUMENTS))
    timepoint = serializers.CharField(
        max_length=40, help_text="A timepoint code from LINKWELL_OUTCOME_SCHEDULE, or 'other'."
    )
    # A plain string in the schema (the service checks it): another app's "mode" enum would
    # otherwise collide with this one in the OpenAPI component names.
    mode = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Mode.values)}.")
    completed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    value_set = serializers.ChoiceField(
        choices=list(VALUE_SETS),
        required=False,
        help_text="EQ5D5L only; defaults to LINKWELL_EQ5D_VALUE_SET.",
    )
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="Item answers keyed as in the CSV columns of `linkwell score` "
        "(e.g. item1..item7 for SWEMWBS; mobility..anxiety_depression and vas for EQ5D5L).",
    )


class MeasurementListView(APIView):
    @extend_schema(
        operation_id="measurements_list",
        tags=["outcomes"],
        summary="Outcome measures recorded on a referral",
        responses={200: MeasurementSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, referral_id: int):
        referral = selectors.outcomes_referral_get_for(request.user, referral_id, channel=CHANNEL)
        return Response(MeasurementSerializer(selectors.measurement_list(referral), many=True).data)

    @extend_schema(
        operation_id="measurements_create",
        tags=["outcomes"],
        summary="Record and score an outcome measure on a referral",
        request=MeasurementCreateSerializer,
        responses={
            201: MeasurementSerializer,
            **error_responses(400, 401, 403, 404, 413, 415),
        },
    )
    def post(self, request, referral_id: int):
        body = MeasurementCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if len(data["answers"]) > 50:
            raise exceptions.ValidationError({"answers": ["Too many answers."]})
        try:
            measurement = services.measurement_record(
                actor=request.user,
                referral_id=referral_id,
                instrument=data["instrument"],
                timepoint=data["timepoint"],
                answers=data["answers"],
                mode=data["mode"],
                completed_on=data.get("completed_on"),
                value_set=data.get("value_set"),
                channel=CHANNEL,
            )
        except DjangoValidationError as exc:
            errors = field_errors(exc)
            nested = {
                k: v for k, v in errors.items() if k not in _FORM_FIELDS and k in _item_keys()
            }
            flat = {k: v for k, v in errors.items() if k not in nested}
            if nested:
                flat["answers"] = nested
            raise exceptions.ValidationError(flat) from None
        return Response(MeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)


def _item_keys() -> set[str]:
    return {key for instrument in INSTRUMENTS.values() for key in instrument.item_keys}


class SelfCompletionLinkCreateSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=list(INSTRUMENTS))
    timepoint = serializers.CharField(max_length=40)
    send = serializers.BooleanField(
        default=False,
        help_text="Also send the link to the person through the messaging outbox (text, email "
        "or letter as they prefer; a call task when they take phone calls only).",
    )


class SelfCompletionLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Send this to the person. Shown once; works once.")
    instrument = serializers.CharField()
    timepoint = serializers.CharField()
    expires_at = serializers.DateTimeField()
    message = serializers.IntegerField(
        allow_null=True, help_text="The outbox message id when `send` was true."
    )
    message_channel = serializers.CharField(
        allow_null=True, help_text="sms, email, letter or call_task (null when not sent)."
    )
    message_status = serializers.CharField(
        allow_null=True, help_text="queued, or skipped when there is no way to reach the person."
    )


class SelfCompletionLinkCreateView(APIView):
    @extend_schema(
        operation_id="measurement_links_create",
        tags=["outcomes"],
        summary="Make a single-use, expiring link for the person to complete a measure",
        request=SelfCompletionLinkCreateSerializer,
        responses={
            201: SelfCompletionLinkSerializer,
            **error_responses(400, 401, 403, 404, 413, 415),
        },
    )
    def post(self, request, referral_id: int):
        body = SelfCompletionLinkCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link, token = self_completion.self_completion_link_create(
            actor=request.user,
            referral_id=referral_id,
            instrument=body.validated_data["instrument"],
            timepoint=body.validated_data["timepoint"],
            channel=CHANNEL,
            send=body.validated_data["send"],
            link_url=lambda t: request.build_absolute_uri(
                reverse("outcomes_public:complete", args=[t])
            ),
        )
        message = link.message
        data = {
            "url": request.build_absolute_uri(reverse("outcomes_public:complete", args=[token])),
            "instrument": link.instrument,
            "timepoint": link.timepoint,
            "expires_at": link.expires_at,
            "message": message.pk if message else None,
            "message_channel": message.channel if message else None,
            "message_status": message.status if message else None,
        }
        return Response(SelfCompletionLinkSerializer(data).data, status=status.HTTP_201_CREATED)
