"""The dashboard tables as JSON, for commissioners only (same figures and suppression).

GET /api/v1/reports                     the tables there are, with their URLs
GET /api/v1/reports/{name}?from=&to=&area=   one table: columns, rows, notes

A suppressed count is the string "<5"; a value hidden so that a small count cannot be worked
out (secondary suppression, or a rate computed from a small count) is "[c]"; no data is null.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.accounts import permissions
from linkwell.accounts.models import Role
from linkwell.api.errors import error_responses

from .dashboard import TABLE_NAMES, dashboard_table
from .forms import PeriodForm

PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 12 months ago)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
    OpenApiParameter("area", OpenApiTypes.STR, description="Postcode district, e.g. SR4"),
]

TableSerializer = inline_serializer(
    "ReportTable",
    {
        "name": serializers.CharField(),
        "title": serializers.CharField(),
        "section": serializers.CharField(),
        "period": inline_serializer(
            "ReportPeriod",
            {
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "area": serializers.CharField(),
            },
        ),
        "columns": inline_serializer(
            "ReportColumn",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "kind": serializers.ChoiceField(
                    ["label", "count", "amount", "percent", "points", "days", "number"]
                ),
            },
            many=True,
        ),
        "rows": serializers.ListField(
            child=serializers.ListField(child=serializers.JSONField()),
            help_text='Numbers, labels, "<5", "[c]" or null, in column order.',
        ),
        "notes": serializers.ListField(child=serializers.CharField()),
    },
)


def _require_commissioner(user) -> None:
    if not permissions.has_role(user, Role.COMMISSIONER):
        raise exceptions.PermissionDenied


class ReportIndexView(APIView):
    @extend_schema(
        operation_id="reports_index",
        summary="The dashboard tables (commissioners)",
        responses={
            200: inline_serializer(
                "ReportIndex",
                {
                    "tables": inline_serializer(
                        "ReportIndexEntry",
                        {"name": serializers.CharField(), "url": serializers.CharField()},
                        many=True,
                    )
                },
            ),
            **error_responses(401, 403),
        },
    )
    def get(self, request):
        _require_commissioner(request.user)
        return Response(
            {
                "tables": [
                    {
                        "name": name,
                        "url": request.build_absolute_uri(reverse("api:report-table", args=[name])),
                    }
                    for name in TABLE_NAMES
                ]
            }
        )


class ReportTableView(APIView):
    @extend_schema(
        operation_id="reports_table",
        summary="One dashboard table, suppressed (commissioners)",
        parameters=PERIOD_PARAMETERS,
        responses={
            200: OpenApiResponse(TableSerializer),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request, name: str):
        _require_commissioner(request.user)
        if name not in TABLE_NAMES:
            raise exceptions.NotFound
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        period = form.period
        body = dashboard_table(period, name).publish().as_json()
        body["period"] = {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "area": period.area,
        }
        return Response(body)
