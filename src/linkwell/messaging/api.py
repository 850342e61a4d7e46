"""Messaging over the API (/api/v1/), scoped like the pages (404 outside scope, 403 by role).

GET  /api/v1/people/{id}/messages         a person's message log (link workers of their service)
GET  /api/v1/messages/failed              messages not sent or not delivered (retry them)
POST /api/v1/messages/{id}/retry          send a failed message again
GET  /api/v1/notifications                my own in-app notifications, unread first
POST /api/v1/notifications/{id}/read      mark one of mine read
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES
from linkwell.api.errors import error_responses
from linkwell.audit.services import audit_list

from . import selectors, services
from .models import Channel
from .segments import sms_length
from .templates_text import render as render_text

CHANNEL = "api"


def _require_link_worker(user) -> None:
    if not permissions.has_role(user, *LINK_WORKER_ROLES):
        raise exceptions.PermissionDenied


class CallTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    no_answer_count = serializers.IntegerField()
    last_tried_at = serializers.DateTimeField(allow_null=True)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    template = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    language = serializers.CharField()
    language_fell_back = serializers.BooleanField(
        help_text="The person's language was missing, so it was sent in English."
    )
    body = serializers.SerializerMethodField(help_text="The text as sent (or to be sent).")
    sms_segments = serializers.SerializerMethodField(allow_null=True)
    status = serializers.CharField()
    status_reason = serializers.CharField(help_text="A code; see reason_label.")
    reason_label = serializers.CharField()
    channel_notes = serializers.ListField(
        child=serializers.CharField(), help_text="Why other channels were passed over (codes)."
    )
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    failed_at = serializers.DateTimeField(allow_null=True)
    call_task = serializers.SerializerMethodField()

    def _rendered(self, message):
        if not hasattr(message, "_rendered"):
            message._rendered = render_text(
                message.template, message.language, message.personalisation or {}
            )
        return message._rendered

    def get_body(self, message) -> str:
        return self._rendered(message).body

    def get_sms_segments(self, message) -> int | None:
        if message.channel != Channel.SMS:
            return None
        return sms_length(self._rendered(message).body).segments

    @extend_schema_field(CallTaskSerializer(allow_null=True))
    def get_call_task(self, message) -> dict | None:
        task = getattr(message, "call_task", None) if message.channel == Channel.CALL_TASK else None
        return CallTaskSerializer(task).data if task is not None else None


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class PersonMessageListView(GenericAPIView):
    serializer_class = MessageSerializer

    @extend_schema(
        operation_id="person_messages_list",
        tags=["messaging"],
        summary="A person's messages, newest first",
        responses={200: MessageSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, person_id: int):
        _require_link_worker(request.user)
        person = selectors.person_for_messages(request.user, person_id, channel=CHANNEL)
        page = self.paginate_queryset(selectors.person_messages(request.user, person))
        return self.get_paginated_response(MessageSerializer(page, many=True).data)


class FailedMessageListView(GenericAPIView):
    serializer_class = MessageSerializer

    @extend_schema(
        operation_id="messages_failed_list",
        tags=["messaging"],
        summary="Messages that could not be sent or delivered (my services)",
        responses={200: MessageSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        _require_link_worker(request.user)
        qs = selectors.failed_messages_for(request.user).select_related("call_task")
        page = self.paginate_queryset(qs)
        audit_list(
            actor=request.user,
            object_type="messaging.message",
            person_ids=[m.person_id for m in page if m.person_id],
            channel=CHANNEL,
        )
        return self.get_paginated_response(MessageSerializer(page, many=True).data)


class MessageRetryView(GenericAPIView):
    serializer_class = MessageSerializer

    @extend_schema(
        operation_id="messages_retry",
        tags=["messaging"],
        summary="Send a failed message again",
        request=None,
        responses={200: MessageSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, message_id: int):
        _require_link_worker(request.user)
        try:
            message = services.message_retry(actor=request.user, message_id=message_id)
        except DjangoPermissionDenied:
            # Not failed (already queued, sent or delivered): nothing to retry.
            raise exceptions.PermissionDenied(
                _("Only a message that was not sent or not delivered can be sent again.")
            ) from None
        return Response(MessageSerializer(message).data)


class NotificationListView(GenericAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(
        operation_id="notifications_list",
        tags=["messaging"],
        summary="My notifications, unread first",
        responses={200: NotificationSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.notifications_for(request.user))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadView(GenericAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(
        operation_id="notifications_read",
        tags=["messaging"],
        summary="Mark one of my notifications read",
        request=None,
        responses={200: NotificationSerializer, **error_responses(401, 404)},
    )
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
        return Response(NotificationSerializer(notification).data)
