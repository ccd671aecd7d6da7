"""One error format for the API, in the caller's language (Accept-Language).

Validation errors answer 400 with ``{"field": ["message", ...], "non_field_errors": [...]}``;
the head-office address of a new customer nests its fields under ``"address"``; a body that is
not JSON is a ``non_field_errors`` message. Other errors
answer ``{"detail": "message"}``; 412 adds ``current_version`` (and the ETag header).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from customers.services.versioning import StaleObjectError

from .conditional import PreconditionFailed, etag


def validation_error_data(exc):
    """A service's ``ValidationError`` as the API's field → messages mapping."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(exc, "error_dict"):
        return {non_field: list(exc.messages)}
    data = {}
    for field, errors in exc.error_dict.items():
        messages = [message for error in errors for message in error.messages]
        if field == NON_FIELD_ERRORS:
            data.setdefault(non_field, []).extend(messages)
        elif field.startswith("address_"):
            data.setdefault("address", {}).setdefault(field.removeprefix("address_"), []).extend(
                messages
            )
        else:
            data.setdefault(field, []).extend(messages)
    return data


def _precondition_failed(version, detail=None):
    exc = PreconditionFailed(version)
    response = Response(
        {"detail": str(detail or exc.detail), "current_version": version},
        status=status.HTTP_412_PRECONDITION_FAILED,
    )
    if version is not None:
        response["ETag"] = etag(version)
    return response


def api_exception_handler(exc, context):
    if isinstance(exc, StaleObjectError):
        return _precondition_failed(exc.instance.version)
    if isinstance(exc, PreconditionFailed):
        return _precondition_failed(exc.current_version, exc.detail)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_data(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ParseError):
        # A 400 like every other: a client reads one shape of 400, whatever was wrong.
        return Response(
            {api_settings.NON_FIELD_ERRORS_KEY: [str(exc.detail)]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return exception_handler(exc, context)
