"""How the API answers when something goes wrong: always JSON, always the same two shapes.

    {"detail": "Not found."}                                    every error
    {"detail": "...", "errors": {"field": ["message", ...]}}   400 with field errors

Field errors for a nested object are nested the same way (`{"person": {"phone": [...]}}`).
Services raise Django's ValidationError with an error_dict; the handler turns it into the
second shape so pages and API report the same messages. Messages are translated into the
language of the request.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from linkwell.referrals.services import IdempotencyConflict


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request is too large. Send less text.")
    default_code = "request_too_large"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request, or send exactly the same body to get the first answer."
    )
    default_code = "idempotency_conflict"


def field_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as {field: [message, ...]}, non-field errors under DRF's key."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): list(values)
        for name, values in messages.items()
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, Http404):
        # Always the same words: a message saying what was looked for would hint it exists.
        exc = exceptions.NotFound()
    elif isinstance(exc, IdempotencyConflict):
        exc = IdempotencyKeyReused()
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads JSON bodies through request.body, where Django enforces
        # DATA_UPLOAD_MAX_MEMORY_SIZE; left alone it would become an HTML 400 page.
        exc = RequestTooLarge()

    response = drf_exception_handler(exc, context)
    if response is None:
        # Unexpected: let Django log it and answer 500 as it does for every other crash.
        return None

    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
        response.data = {
            "detail": gettext("Some of the information sent is not valid. See “errors”."),
            "errors": errors,
        }
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": response.data}
    return response


class ErrorSerializer(serializers.Serializer):
    """Every error response has a human-readable, translated `detail`."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


class ValidationErrorSerializer(serializers.Serializer):
    """400: `errors` maps each field to a list of messages; a nested object maps to an object of
    the same shape (`{"person": {"phone": ["..."]}}`). Errors not about one field are under
    `non_field_errors`."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.JSONField(), required=False)

    class Meta:
        ref_name = "ValidationError"


_DESCRIPTIONS = {
    400: _("Invalid request: field errors under `errors`, or a body that is not valid JSON."),
    401: _("No valid token or session."),
    403: _("Signed in, but this role may not do this."),
    404: _("Not found, or outside what this user may see."),
    413: _("The request body is too large."),
    415: _("The body is not JSON (send Content-Type: application/json)."),
    422: _("The Idempotency-Key was already used with a different body."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, for `extend_schema(responses=...)`."""
    return {
        code: OpenApiResponse(
            response=ValidationErrorSerializer if code == 400 else ErrorSerializer,
            description=str(_DESCRIPTIONS[code]),
        )
        for code in codes
    }
