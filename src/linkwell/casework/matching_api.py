"""GET /api/v1/cases/{id}/matches: ranked services with score components and reasons.

Same form (`MatchPreferencesForm`) and selector (`matches_for` after `case_get_for`) as the
page. Query parameters: free_only, max_miles (absent: any distance), days (repeat: MO…SU),
times (repeat: morning|afternoon|evening), language (ISO 639 code).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.api.errors import error_responses

from . import matching_selectors, selectors
from .api import CHANNEL, _require_link_worker
from .matching_forms import MatchPreferencesForm


class ComponentSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    reason = serializers.CharField(allow_blank=True)


class MatchServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    url = serializers.SerializerMethodField()

    def get_url(self, service) -> str:
        from django.urls import reverse

        return reverse("services:detail", args=[service.pk])


class MatchSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    service = MatchServiceSerializer()
    score = serializers.FloatField(source="score.total", help_text="Out of 100.")
    distance_km = serializers.FloatField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), source="score.reasons")
    summary = serializers.CharField(source="score.summary")
    components = ComponentSerializer(many=True, source="score.components")


class MatchListSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    results = MatchSerializer(many=True)


class MatchListView(APIView):
    @extend_schema(
        operation_id="cases_matches",
        tags=["casework"],
        summary="Directory services that fit the case, best first, with reasons",
        parameters=[
            OpenApiParameter("free_only", OpenApiTypes.BOOL),
            OpenApiParameter("max_miles", OpenApiTypes.STR, enum=["1", "2", "5", "10", "20"]),
            OpenApiParameter("days", OpenApiTypes.STR, many=True),
            OpenApiParameter("times", OpenApiTypes.STR, many=True),
            OpenApiParameter("language", OpenApiTypes.STR),
        ],
        responses={200: MatchListSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, case_id: int):
        _require_link_worker(request.user)
        case = selectors.case_get_for(request.user, case_id, channel=CHANNEL)
        form = MatchPreferencesForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        matches = matching_selectors.matches_for(case, form.preferences())
        for i, match in enumerate(matches, start=1):
            match.rank = i
        return Response(MatchListSerializer({"case": case.pk, "results": matches}).data)
