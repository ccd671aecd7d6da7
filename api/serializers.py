"""What the API reads and accepts. Serializers validate the shape of input (types, choices,
lengths, existing ids); every rule about the data is the services', which the views call."""

from django.contrib.auth import get_user_model
from django_countries.serializer_fields import CountryField
from rest_framework import serializers
from rest_framework.fields import ProhibitNullCharactersValidator
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from activities.models import Activity, ActivityType
from customers.input_safety import refuse_control_characters
from customers.models import (
    LANGUAGE_CHOICES,
    Address,
    Contact,
    ContactRole,
    Currency,
    Customer,
    EInvoiceOperator,
    GroupingCategory,
    GroupingOption,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from customers.permissions import may_see_financials
from customers.selectors.customers import customer_owner_choices
from projects.models import Project, SalesStatus

# ------------------------------------------------------------------------------------ bases


def _refusing_control_characters(field):
    if isinstance(field, serializers.ListField):
        _refusing_control_characters(field.child)
    elif isinstance(field, serializers.CharField) and not field.read_only:
        # The register's one rule for text (customers/input_safety.py). It covers DRF's own NUL
        # and surrogate checks, which would answer the same mistake with a second message.
        field.validators = [
            v
            for v in field.validators
            if not isinstance(
                v, (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
            )
        ] + [refuse_control_characters]


class _RefusesControlCharacters:
    """Every writable text field, declared or built from the model, refuses control
    characters: JSON strings may carry any of them (``"\\u0000"``), and no form's middleware
    sees a JSON body."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _refusing_control_characters(field)
        return fields


class Serializer(_RefusesControlCharacters, serializers.Serializer):
    pass


class ModelSerializer(_RefusesControlCharacters, serializers.ModelSerializer):
    pass


# ---------------------------------------------------------------------------------- lookups


class IndustrySerializer(ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name", "is_active", "order"]


class ContactRoleSerializer(ModelSerializer):
    class Meta:
        model = ContactRole
        fields = ["id", "name", "is_active", "order"]


class PaymentTermSerializer(ModelSerializer):
    class Meta:
        model = PaymentTerm
        fields = ["id", "name", "days", "is_active", "order"]


class InvoiceTemplateSerializer(ModelSerializer):
    class Meta:
        model = InvoiceTemplate
        fields = ["id", "name", "is_active", "order"]


class CurrencySerializer(ModelSerializer):
    class Meta:
        model = Currency
        fields = ["id", "code", "name", "is_active"]


class PriceListSerializer(ModelSerializer):
    currency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PriceList
        fields = ["id", "name", "currency", "is_active", "order"]


class InvoiceLanguageSerializer(ModelSerializer):
    class Meta:
        model = InvoiceLanguage
        fields = ["id", "code", "name", "is_active"]


class EInvoiceOperatorSerializer(ModelSerializer):
    class Meta:
        model = EInvoiceOperator
        fields = ["id", "name", "address_format", "is_active", "order"]


# -------------------------------------------------------------------------------- groupings


class GroupingOptionSerializer(ModelSerializer):
    class Meta:
        model = GroupingOption
        fields = ["id", "name", "is_active", "order"]


class GroupingCategorySerializer(ModelSerializer):
    options = GroupingOptionSerializer(many=True, read_only=True)

    class Meta:
        model = GroupingCategory
        fields = ["id", "name", "description", "selection", "is_active", "order", "options"]


class HeldOptionSerializer(ModelSerializer):
    category = serializers.SerializerMethodField()

    class Meta:
        model = GroupingOption
        fields = ["id", "name", "is_active", "category"]

    def get_category(self, option) -> dict:
        return {"id": option.category_id, "name": option.category.name}


class CustomerGroupingsSerializer(Serializer):
    """The options a customer holds; a PUT replaces them with ``options`` (ids)."""

    version = serializers.IntegerField(read_only=True)
    options = serializers.PrimaryKeyRelatedField(
        many=True, queryset=GroupingOption.objects.select_related("category")
    )

    def to_representation(self, instance):
        customer, options = instance
        return {
            "version": customer.version,
            "options": HeldOptionSerializer(options, many=True).data,
        }


class CustomerGroupingsReadSerializer(Serializer):
    """The schema of a customer's groupings as read."""

    version = serializers.IntegerField(read_only=True)
    options = HeldOptionSerializer(many=True, read_only=True)


# ------------------------------------------------------------------------ small references


class UserRefSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class CustomerRefSerializer(ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "number", "name"]


def active_or_current(model, current_id=None):
    """The values a field may take: active ones, and the object's current one (an inactive
    value may stay, not be newly chosen), as the forms offer them."""
    choices = model.objects.filter(is_active=True)
    if current_id:
        choices = choices | model.objects.filter(pk=current_id)
    return choices.distinct()


# -------------------------------------------------------------------------------- addresses


class AddressSerializer(ModelSerializer):
    """An address of a customer. ``is_head_office: true`` on a change moves the head office
    here; the head office stays until another address takes it."""

    country = CountryField(required=False, default="SE")
    is_head_office = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Address
        fields = [
            "id",
            "version",
            "line1",
            "line2",
            "postal_code",
            "city",
            "country",
            "phone",
            "is_postal",
            "is_visiting",
            "is_billing",
            "is_head_office",
            "is_default_billing",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "is_default_billing", "created_at", "updated_at"]


class HeadOfficeInputSerializer(ModelSerializer):
    """The head-office address given with a new customer."""

    country = CountryField(required=False)

    class Meta:
        model = Address
        fields = [
            "line1",
            "line2",
            "postal_code",
            "city",
            "country",
            "phone",
            "is_postal",
            "is_visiting",
            "is_billing",
        ]


# --------------------------------------------------------------------------------- contacts


class ContactSerializer(ModelSerializer):
    """A contact person; without ``address`` a new contact belongs to the head office."""

    address = serializers.PrimaryKeyRelatedField(
        queryset=Address.objects.all(), required=False, allow_null=True
    )
    role = serializers.PrimaryKeyRelatedField(
        queryset=ContactRole.objects.all(), required=False, allow_null=True
    )
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            "version",
            "customer",
            "address",
            "first_name",
            "last_name",
            "title",
            "role",
            "email",
            "phone",
            "mobile",
            "language",
            "is_active",
            "email_allowed",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "customer", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.context.get("customer")
        if customer is not None:
            # Only the customer's own addresses exist for its contacts: another's id is a 404
            # kind of "does not exist", never a hint that it exists elsewhere.
            self.fields["address"].queryset = Address.objects.filter(customer=customer)
        current = self.instance if isinstance(self.instance, Contact) else None
        self.fields["role"].queryset = active_or_current(
            ContactRole, current.role_id if current else None
        )


# -------------------------------------------------------------------------------- customers

SETTINGS_FIELDS = [
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "invoice_language",
    "overdue_interest",
    "einvoice_address",
    "einvoice_operator",
]


class CustomerSettingsSerializer(ModelSerializer):
    """The customer's billing defaults (the Customer settings tab)."""

    payment_term = serializers.PrimaryKeyRelatedField(
        queryset=PaymentTerm.objects.all(), required=False, allow_null=True
    )
    invoice_template = serializers.PrimaryKeyRelatedField(
        queryset=InvoiceTemplate.objects.all(), required=False, allow_null=True
    )
    price_list = serializers.PrimaryKeyRelatedField(
        queryset=PriceList.objects.all(), required=False, allow_null=True
    )
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.all(), required=False, allow_null=True
    )
    invoice_language = serializers.PrimaryKeyRelatedField(
        queryset=InvoiceLanguage.objects.all(), required=False, allow_null=True
    )
    einvoice_operator = serializers.PrimaryKeyRelatedField(
        queryset=EInvoiceOperator.objects.all(), required=False, allow_null=True
    )
    overdue_interest = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = Customer
        fields = ["version", *SETTINGS_FIELDS]
        read_only_fields = ["version"]


class CustomerListSerializer(ModelSerializer):
    """A row of the customer list: the head office's city, industry and owner by id."""

    city = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "version",
            "number",
            "name",
            "organisation_number",
            "vat_number",
            "country",
            "city",
            "industry",
            "owner",
            "is_active",
        ]
        read_only_fields = fields

    def get_city(self, customer) -> str:
        return getattr(customer, "head_office_city", None) or ""


DETAIL_FIELDS = [
    "number",
    "name",
    "organisation_number",
    "vat_number",
    "country",
    "website",
    "email",
    "industry",
    "owner",
    "description",
    "show_description",
]


class CustomerSerializer(ModelSerializer):
    """A customer with its head office, default billing address, settings and groupings.

    A change (PATCH) takes the details and ``is_active``; the billing defaults change through
    ``settings/``, the grouping options through ``groupings/``, addresses through
    ``addresses/``.
    """

    number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    country = CountryField(required=False)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(), required=False, allow_null=True
    )
    head_office = serializers.SerializerMethodField()
    default_billing_address = serializers.SerializerMethodField()
    settings = serializers.SerializerMethodField()
    grouping_options = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "version",
            *DETAIL_FIELDS,
            "is_active",
            "created_at",
            "updated_at",
            "head_office",
            "default_billing_address",
            "settings",
            "grouping_options",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance if isinstance(self.instance, Customer) else None
        self.fields["owner"].queryset = customer_owner_choices(
            include_pk=current.owner_id if current else None
        )
        self.fields["industry"].queryset = active_or_current(
            Industry, current.industry_id if current else None
        )

    def _address(self, customer, flag):
        for address in getattr(customer, "prefetched_addresses", None) or []:
            if getattr(address, flag):
                return AddressSerializer(address).data
        return None

    def get_head_office(self, customer) -> AddressSerializer(allow_null=True):
        return self._address(customer, "is_head_office")

    def get_default_billing_address(self, customer) -> AddressSerializer(allow_null=True):
        return self._address(customer, "is_default_billing")

    def get_settings(self, customer) -> CustomerSettingsSerializer:
        return CustomerSettingsSerializer(customer).data

    def get_grouping_options(self, customer) -> HeldOptionSerializer(many=True):
        return HeldOptionSerializer(getattr(customer, "held_options", []), many=True).data


class CustomerCreateSerializer(CustomerSerializer):
    """A new customer: its details, billing defaults and optionally its head-office address."""

    address = HeadOfficeInputSerializer(required=False, allow_null=True, write_only=True)
    payment_term = serializers.PrimaryKeyRelatedField(
        queryset=PaymentTerm.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        write_only=True,
    )
    invoice_template = serializers.PrimaryKeyRelatedField(
        queryset=InvoiceTemplate.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        write_only=True,
    )
    price_list = serializers.PrimaryKeyRelatedField(
        queryset=PriceList.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        write_only=True,
    )
    currency = serializers.PrimaryKeyRelatedField(
        queryset=Currency.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        write_only=True,
    )
    invoice_language = serializers.PrimaryKeyRelatedField(
        queryset=InvoiceLanguage.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        write_only=True,
    )

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields,
            "address",
            "payment_term",
            "invoice_template",
            "price_list",
            "currency",
            "invoice_language",
        ]
        read_only_fields = [*CustomerSerializer.Meta.read_only_fields, "is_active"]


# -------------------------------------------------------------------- projects, activities


class SalesStatusRefSerializer(ModelSerializer):
    class Meta:
        model = SalesStatus
        fields = ["id", "name", "category"]


class ProjectSerializer(ModelSerializer):
    """A project with its customer. ``expected_value``, ``currency`` and ``probability`` are
    financial figures: present only for users of the All level."""

    customer = CustomerRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    sales_status = SalesStatusRefSerializer(read_only=True, allow_null=True)
    # Not read_only in the schema's sense: they are optional in every response.
    expected_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(required=False, allow_null=True, source="currency.code")
    probability = serializers.IntegerField(required=False, allow_null=True)

    FINANCIAL_FIELDS = ("expected_value", "currency", "probability")

    class Meta:
        model = Project
        fields = [
            "id",
            "version",
            "number",
            "name",
            "kind",
            "customer",
            "contact",
            "owner",
            "sales_status",
            "expected_value",
            "currency",
            "probability",
            "expected_order_date",
            "won_date",
            "start_date",
            "deadline",
            "is_closed",
            "closed_date",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            f
            for f in fields
            if f not in ("expected_value", "currency", "probability", "customer", "owner")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        view = self.context.get("view")
        # The schema describes the fields for everyone (they are optional); a response leaves
        # them out for users below the All level, as the pages do.
        if getattr(view, "swagger_fake_view", False):
            return
        if request is not None and not may_see_financials(request.user):
            for name in self.FINANCIAL_FIELDS:
                self.fields.pop(name)


class ActivityTypeRefSerializer(ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["id", "name", "category"]


class ProjectRefSerializer(ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "number", "name"]


class ActivitySerializer(ModelSerializer):
    """An activity with its customer and project (either may be empty)."""

    type = ActivityTypeRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    customer = CustomerRefSerializer(read_only=True, allow_null=True)
    project = ProjectRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "version",
            "subject",
            "type",
            "owner",
            "starts_at",
            "ends_at",
            "is_all_day",
            "location",
            "notes",
            "is_done",
            "done_at",
            "customer",
            "project",
            "participant_users",
            "participant_contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
