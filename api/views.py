"""The API's views: thin. They read through ``api/selectors.py`` (narrowed by
``visible_to``), check the same permission functions as the pages, and write only through the
services of the domain apps, passing the If-Match version on as ``expected_version``."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from customers.models import (
    ContactRole,
    Currency,
    Customer,
    EInvoiceOperator,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from customers.permissions import is_restricted_to_own
from customers.selectors.groupings import customer_grouping_options, grouping_categories
from customers.services.addresses import address_create, address_update
from customers.services.contacts import contact_create, contact_update
from customers.services.customers import customer_create, customer_set_active, customer_update
from customers.services.groupings import customer_set_grouping_options
from customers.services.settings import customer_update_settings

from . import selectors, serializers
from .conditional import etag, expected_version
from .permissions import CustomerRegister, ModelViewPermission
from .schema import customer_filter_parameters, int_query


def versioned(data, *, status_code=status.HTTP_200_OK, headers=None):
    """A response for one object, its version as the ETag."""
    response = Response(data, status=status_code, headers=headers)
    response["ETag"] = etag(data["version"])
    return response


class RetrieveWithETagMixin:
    def retrieve(self, request, *args, **kwargs):
        return versioned(self.get_serializer(self.get_object()).data)


# ------------------------------------------------------------------------------ customers


class CustomerViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Customers: list (search and the report's filters), create, read, change."""

    permission_classes = [CustomerRegister]
    creates_customers = True
    cursor_ordering = "number"
    schema_filters = staticmethod(customer_filter_parameters)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return selectors.customer_list(user=user, params=self.request.query_params)
        return selectors.customer_detail_queryset(user=user)

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.CustomerListSerializer
        if self.action == "create":
            return serializers.CustomerCreateSerializer
        return serializers.CustomerSerializer

    def _detail(self, pk, **kwargs):
        customer = selectors.customer_detail_queryset(user=self.request.user).get(pk=pk)
        return versioned(serializers.CustomerSerializer(customer).data, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "owner" not in data and is_restricted_to_own(request.user):
            # As the form pre-fills it: a user who may edit only own customers owns what they add.
            data["owner"] = request.user
        address = data.pop("address", None)
        if address is not None:
            address = dict(address)
            address.setdefault("country", data.get("country") or "SE")
        customer = customer_create(user=request.user, address=address or None, **data)
        location = request.build_absolute_uri(f"{customer.pk}/")
        return self._detail(
            customer.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()  # 404 out of reach, 403 not editable
        version = expected_version(request)
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        is_active = data.pop("is_active", None)
        with transaction.atomic():
            if data or is_active is None:
                customer_update(
                    customer_pk=customer.pk, user=request.user, expected_version=version, **data
                )
                version = None  # checked: the second step is part of the same change
            if is_active is not None:
                customer_set_active(
                    customer_pk=customer.pk,
                    user=request.user,
                    is_active=is_active,
                    expected_version=version,
                )
        return self._detail(customer.pk)


class CustomerPartMixin:
    """Views of a part of one customer (/customers/{customer_pk}/...): the customer must be
    visible (else 404), and for a change editable by the user (else 403)."""

    permission_classes = [CustomerRegister]

    def get_customer(self):
        if not hasattr(self, "_customer"):
            customer = get_object_or_404(
                Customer.objects.visible_to(self.request.user), pk=self.kwargs["customer_pk"]
            )
            self.check_object_permissions(self.request, customer)
            self._customer = customer
        return self._customer


class CustomerSettingsView(CustomerPartMixin, viewsets.GenericViewSet):
    """A customer's billing defaults: read, change (If-Match: the customer's version)."""

    serializer_class = serializers.CustomerSettingsSerializer

    def retrieve(self, request, *args, **kwargs):
        return versioned(self.get_serializer(self.get_customer()).data)

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_customer()
        version = expected_version(request)
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer = customer_update_settings(
            customer_pk=customer.pk,
            user=request.user,
            expected_version=version,
            **serializer.validated_data,
        )
        return versioned(self.get_serializer(customer).data)


class CustomerGroupingsView(CustomerPartMixin, viewsets.GenericViewSet):
    """The grouping options a customer holds; PUT replaces them (If-Match: the customer's
    version), under the same rule as the settings tab (one option per single-choice
    category, no newly chosen inactive option)."""

    serializer_class = serializers.CustomerGroupingsSerializer

    def _response(self, customer):
        customer = Customer.objects.get(pk=customer.pk)
        options = customer_grouping_options(customer)
        return versioned(self.get_serializer((customer, options)).data)

    @extend_schema(responses=serializers.CustomerGroupingsReadSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._response(self.get_customer())

    @extend_schema(
        request=serializers.CustomerGroupingsSerializer,
        responses=serializers.CustomerGroupingsReadSerializer,
    )
    def update(self, request, *args, **kwargs):
        customer = self.get_customer()
        version = expected_version(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            # As the settings tab saves both parts: the settings service locks the customer,
            # refuses a stale version and makes the customer one version newer, so a grouping
            # change is a change of the customer that the next If-Match must know.
            customer_update_settings(
                customer_pk=customer.pk, user=request.user, expected_version=version
            )
            customer_set_grouping_options(
                customer=customer,
                user=request.user,
                options=serializer.validated_data["options"],
                bump_version=False,
            )
        return self._response(customer)


class AddressViewSet(CustomerPartMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A customer's addresses: list, add, read, change (If-Match: the address's version)."""

    serializer_class = serializers.AddressSerializer
    cursor_ordering = "pk"
    lookup_url_kwarg = "address_pk"

    def get_queryset(self):
        return selectors.customer_addresses(customer=self.get_customer())

    def retrieve(self, request, *args, **kwargs):
        return versioned(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = address_create(
            customer=self.get_customer(), user=request.user, **serializer.validated_data
        )
        return versioned(
            self.get_serializer(address).data,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{address.pk}/")},
        )

    def partial_update(self, request, *args, **kwargs):
        address = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(address, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # The head office moves here only when asked; false never unsets it (the service
        # refuses that with a message).
        is_head_office = data.pop("is_head_office") if "is_head_office" in request.data else None
        address = address_update(
            address=address,
            user=request.user,
            expected_version=version,
            is_head_office=is_head_office,
            **data,
        )
        return versioned(self.get_serializer(address).data)


class ContactViewSet(CustomerPartMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A customer's contacts: list (``active`` true/false), add, read, change (If-Match)."""

    serializer_class = serializers.ContactSerializer
    cursor_ordering = "pk"

    @staticmethod
    def schema_filters():
        return [
            OpenApiParameter(
                "active",
                {"type": "string", "enum": ["true", "false"]},
                OpenApiParameter.QUERY,
                description="Only active (true) or inactive (false) contacts; both when left out.",
            )
        ]

    lookup_url_kwarg = "contact_pk"

    def get_queryset(self):
        active = self.request.query_params.get("active")
        active = {"true": True, "false": False}.get((active or "").lower())
        return selectors.customer_contacts(customer=self.get_customer(), active=active)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "customer_pk" in self.kwargs and self.request.method not in ("GET", "HEAD"):
            context["customer"] = self.get_customer()
        return context

    def retrieve(self, request, *args, **kwargs):
        return versioned(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contact_create(
            customer=self.get_customer(), user=request.user, **serializer.validated_data
        )
        return versioned(
            self.get_serializer(contact).data,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{contact.pk}/")},
        )

    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contact = contact_update(
            contact=contact,
            user=request.user,
            expected_version=version,
            **serializer.validated_data,
        )
        return versioned(self.get_serializer(contact).data)


# ------------------------------------------------------------------------------- read-only


class GroupingCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CustomerRegister]
    versioned = False  # configured in the admin, not changed through the API: no ETag
    serializer_class = serializers.GroupingCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return grouping_categories()

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


class ProjectViewSet(RetrieveWithETagMixin, viewsets.ReadOnlyModelViewSet):
    """Projects the user may see, with their customer; ``customer`` narrows to one."""

    permission_classes = [ModelViewPermission]
    view_permission = "projects.view_project"
    serializer_class = serializers.ProjectSerializer
    cursor_ordering = "number"

    @staticmethod
    def schema_filters():
        return [int_query("customer", "Only the projects of this customer (id).")]

    def get_queryset(self):
        return selectors.project_list(
            user=self.request.user, customer_id=_int_param(self.request, "customer")
        )


class ActivityViewSet(RetrieveWithETagMixin, viewsets.ReadOnlyModelViewSet):
    """Activities the user may see, with their customer and project."""

    permission_classes = [ModelViewPermission]
    view_permission = "activities.view_activity"
    serializer_class = serializers.ActivitySerializer
    cursor_ordering = "pk"

    @staticmethod
    def schema_filters():
        return [
            int_query("customer", "Only the activities of this customer (id)."),
            int_query("project", "Only the activities of this project (id)."),
        ]

    def get_queryset(self):
        return selectors.activity_list(
            user=self.request.user,
            customer_id=_int_param(self.request, "customer"),
            project_id=_int_param(self.request, "project"),
        )


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValidationError({name: [_("A whole number is required.")]})
    return int(value)


def lookup_viewset(model, serializer_class):
    """A read-only list and detail of a lookup administrators configure (inactive included,
    so that ids held by customers resolve)."""

    class LookupViewSet(viewsets.ReadOnlyModelViewSet):
        permission_classes = [CustomerRegister]
        versioned = False
        pagination_class = None
        queryset = model.objects.all()

    LookupViewSet.serializer_class = serializer_class
    LookupViewSet.__name__ = f"{model.__name__}ViewSet"
    LookupViewSet.__qualname__ = LookupViewSet.__name__
    return LookupViewSet


LOOKUPS = {
    "industries": (Industry, serializers.IndustrySerializer, "industry"),
    "contact-roles": (ContactRole, serializers.ContactRoleSerializer, "contact_role"),
    "payment-terms": (PaymentTerm, serializers.PaymentTermSerializer, "payment_term"),
    "invoice-templates": (
        InvoiceTemplate,
        serializers.InvoiceTemplateSerializer,
        "invoice_template",
    ),
    "price-lists": (PriceList, serializers.PriceListSerializer, "price_list"),
    "currencies": (Currency, serializers.CurrencySerializer, "currency"),
    "invoice-languages": (
        InvoiceLanguage,
        serializers.InvoiceLanguageSerializer,
        "invoice_language",
    ),
    "einvoice-operators": (
        EInvoiceOperator,
        serializers.EInvoiceOperatorSerializer,
        "einvoice_operator",
    ),
}
