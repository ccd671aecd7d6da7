"""The OpenAPI schema: drf-spectacular's, plus what our views do that it cannot see.

- the token authentication (``Authorization: Bearer``);
- ETag on every object answered, If-Match (required) on every change of an existing object,
  and the 412/428 answers;
- the error answers every operation can give (400 on input, 401, 403, 404, 429);
- the customer list's filters: the report's, including one ``g<category id>`` parameter (and
  its ``_match``) per grouping category configured when the schema is read.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.APITokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("A personal API token (kk_...), created on the API tokens page.")),
        }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PreconditionFailedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(allow_null=True)


# A 400: field names with their messages (nested objects nest), "non_field_errors" for the rest.
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field names with lists of messages, in the caller's language.",
    "additionalProperties": {},
}

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The object's version in quotes; send it back in If-Match to change it.",
    response=["200", "201", "412"],
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,10}"?$'},
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag (version) of the object as last read. Stale: 412; missing: 428.",
)


def int_query(name, description):
    return OpenApiParameter(
        name, {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, description=description
    )


def customer_filter_parameters():
    """The report's filters, with a pair of parameters per grouping category."""
    from customers.selectors.groupings import grouping_categories

    parameters = [
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description="Number, name, organisation or VAT number, or the city of any address.",
        ),
        OpenApiParameter(
            "active",
            {"type": "string", "enum": ["yes", "no", "any"]},
            OpenApiParameter.QUERY,
            description="Active customers (default), inactive ones, or both.",
        ),
        int_query("owner", "The customer owner's user id."),
        int_query("industry", "The industry's id."),
        OpenApiParameter(
            "country",
            {"type": "string", "pattern": "^[A-Z]{2}$"},
            OpenApiParameter.QUERY,
            description="ISO 3166 code.",
        ),
        OpenApiParameter(
            "city", OpenApiTypes.STR, OpenApiParameter.QUERY, description="City of any address."
        ),
        OpenApiParameter("created_from", OpenApiTypes.DATE, OpenApiParameter.QUERY),
        OpenApiParameter("created_to", OpenApiTypes.DATE, OpenApiParameter.QUERY),
    ]
    for category in grouping_categories():
        ids = [option.pk for option in category.options.all()]
        if not ids:
            continue
        parameters += [
            OpenApiParameter(
                f"g{category.pk}",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                enum=ids,
                many=True,
                explode=True,
                description=f"Options of the grouping category {category.name!r}.",
            ),
            OpenApiParameter(
                f"g{category.pk}_match",
                {"type": "string", "enum": ["any", "all"]},
                OpenApiParameter.QUERY,
                description="Hold any of the options (default) or all of them.",
            ),
        ]
    return parameters


class KundkortAutoSchema(AutoSchema):
    def _is_object(self):
        return not self._is_list_view() or self._is_create_operation()

    def _changes_existing(self):
        return self.method in ("PUT", "PATCH", "DELETE")

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        view = self.view
        if self._is_object() and getattr(view, "versioned", True):
            parameters.append(ETAG)
        if self._changes_existing():
            parameters.append(IF_MATCH)
        if self.method == "GET" and self._is_list_view():
            filters = getattr(view, "schema_filters", None)
            if filters:
                parameters += filters()
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "401")

        def add(code, body):
            responses.setdefault(code, body)

        add("401", error)
        add("403", self._get_response_for_code(ErrorSerializer, "403"))
        add("429", self._get_response_for_code(ErrorSerializer, "429"))
        if "{" in self.path or self.method == "GET":
            # An object out of reach, or a list's cursor that names no position.
            add("404", self._get_response_for_code(ErrorSerializer, "404"))
        if self.method in UNSAFE or self.method == "GET":
            # GET lists answer 400 for an invalid filter or cursor.
            add("400", self._get_response_for_code(VALIDATION_ERROR, "400"))
        if self._changes_existing():
            add("412", self._get_response_for_code(PreconditionFailedSerializer, "412"))
            add("428", self._get_response_for_code(ErrorSerializer, "428"))
        return responses
