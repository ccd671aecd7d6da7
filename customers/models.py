"""The customer register: customers, their addresses and contacts, groupings and lookups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.history import LeanHistoricalRecords

from .querysets import AddressQuerySet, ContactQuerySet, CustomerQuerySet


class Lookup(models.Model):
    """A value administrators configure; one in use is deactivated, never deleted."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Industry(Lookup):
    """The customer's line of business ("bransch")."""

    class Meta(Lookup.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class ContactRole(Lookup):
    """A contact person's role at the customer (decision maker, invoice recipient, ...)."""

    class Meta(Lookup.Meta):
        verbose_name = _("contact role")
        verbose_name_plural = _("contact roles")


class PaymentTerm(Lookup):
    """Days until an invoice is due."""

    days = models.PositiveIntegerField(_("days"), default=30)

    class Meta(Lookup.Meta):
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")


class InvoiceTemplate(Lookup):
    """The layout invoices to the customer are printed with."""

    class Meta(Lookup.Meta):
        verbose_name = _("invoice template")
        verbose_name_plural = _("invoice templates")


class Currency(models.Model):
    """An ISO 4217 currency the company invoices in."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self):
        return self.code

    def clean(self):
        self.code = (self.code or "").upper()


class InvoiceLanguage(models.Model):
    """A language invoices can be written in."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("invoice language")
        verbose_name_plural = _("invoice languages")

    def __str__(self):
        return self.name


class PriceList(Lookup):
    """The hourly and product prices used by default for the customer's projects."""

    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta(Lookup.Meta):
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")


class EInvoiceOperator(Lookup):
    """An e-invoice operator, and the form its customers' e-invoice addresses take."""

    FORMAT_FREE = "free"
    FORMAT_PEPPOL = "peppol"
    FORMAT_GLN = "gln"
    FORMAT_CHOICES = [
        (FORMAT_FREE, _("Any text")),
        (FORMAT_PEPPOL, _("Peppol participant id (scheme:identifier)")),
        (FORMAT_GLN, _("GLN (13 digits)")),
    ]
    address_format = models.CharField(
        _("address format"), max_length=10, choices=FORMAT_CHOICES, default=FORMAT_FREE
    )

    class Meta(Lookup.Meta):
        verbose_name = _("e-invoice operator")
        verbose_name_plural = _("e-invoice operators")


class NumberSequence(models.Model):
    """The next free number of a series (customers, projects); locked row by row when taken."""

    key = models.CharField(_("series"), max_length=50, unique=True)
    next_value = models.PositiveBigIntegerField(_("next number"))

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.next_value}"


class GroupingCategory(models.Model):
    """A way to group customers (region, size, ...), with single- or multiple-choice options."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SELECTION_CHOICES = [(SINGLE, _("Single choice")), (MULTIPLE, _("Multiple choice"))]

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    selection = models.CharField(
        _("selection"), max_length=10, choices=SELECTION_CHOICES, default=MULTIPLE
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("grouping category")
        verbose_name_plural = _("grouping categories")

    def __str__(self):
        return self.name

    @property
    def is_single_choice(self):
        return self.selection == self.SINGLE


class GroupingOption(models.Model):
    """An option of a grouping category; a deactivated one stays on customers that have it."""

    category = models.ForeignKey(
        GroupingCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="options",
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__order", "category__name", "order", "name"]
        verbose_name = _("grouping option")
        verbose_name_plural = _("grouping options")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"],
                name="groupingoption_unique_name_per_category",
                violation_error_message=_("The category already has an option with this name."),
            )
        ]

    def __str__(self):
        return f"{self.category.name}\\{self.name}"


class Stamped(models.Model):
    """Who created and last changed a row, and when; ``version`` guards against lost updates.

    ``created_by`` and ``updated_by`` are audit stamps: nothing looks rows up by them, so they
    have no index, and no database constraint either (``db_constraint=False``). A constraint
    costs a check per written row at commit (with history_user, 3.5 s, half the commit of a
    100,000-row import) to guard against something that cannot happen through the application:
    deleting a user goes through Django, whose ``on_delete=SET_NULL`` clears the stamps
    (tested).
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    # References the services set themselves (the acting user; the customer they have just
    # locked), never from input: validating that the row they point to exists would cost a
    # query each on every save.
    SET_BY_SERVICES = ("created_by", "updated_by")

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude={*(exclude or ()), *self.SET_BY_SERVICES})


class Customer(Stamped):
    """A customer ("kund"): the company the card is about."""

    number = models.PositiveBigIntegerField(_("customer number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"), max_length=40, blank=True
    )  # customer_orgno_idx (exact look-ups) and customer_orgno_trgm (search)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    country = CountryField(_("country"), default="SE")
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        db_index=False,  # customer_industry_active_idx starts with it
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
        db_index=False,  # customer_owner_active_idx starts with it
    )
    description = models.TextField(_("description"), blank=True)
    show_description = models.BooleanField(
        _("show description"),
        default=False,
        help_text=_("Open the description by default in every customer window."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Billing defaults: used for new projects; changing them does not touch existing projects.
    # The look-up foreign keys below have no index (db_index=False): nothing lists customers by
    # them, and the one query that filters on them (may an administrator delete a payment term
    # still in use?) is rare, while every index costs every customer written.
    payment_term = models.ForeignKey(
        PaymentTerm,
        verbose_name=_("payment term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    invoice_template = models.ForeignKey(
        InvoiceTemplate,
        verbose_name=_("invoice template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("price list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    currency = models.ForeignKey(
        Currency,
        verbose_name=_("currency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    invoice_language = models.ForeignKey(
        InvoiceLanguage,
        verbose_name=_("invoice language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    overdue_interest = models.DecimalField(
        _("overdue interest (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    einvoice_address = models.CharField(_("e-invoice address"), max_length=100, blank=True)
    einvoice_operator = models.ForeignKey(
        EInvoiceOperator,
        verbose_name=_("e-invoice operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )

    grouping_options = models.ManyToManyField(
        GroupingOption,
        verbose_name=_("grouping options"),
        through="CustomerGroupingOption",
        related_name="customers",
        blank=True,
    )

    history = LeanHistoricalRecords(indexes={"hcustomer_id_date_idx": ("id", "history_date")})
    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "number"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_financials", _("Can see financial figures of customers (level All)")),
            ("edit_own_customers_only", _("May edit only customers they own")),
            ("import_customer", _("Can import customers")),
            ("export_customer", _("Can export customers")),
        ]
        indexes = [
            models.Index(fields=["is_active", "name"], name="customer_active_name_idx"),
            models.Index(fields=["owner", "is_active"], name="customer_owner_active_idx"),
            models.Index(fields=["industry", "is_active"], name="customer_industry_active_idx"),
            models.Index(fields=["created_at"], name="customer_created_idx"),
            # The duplicate warning looks organisation numbers up exactly.
            models.Index(fields=["organisation_number"], name="customer_orgno_idx"),
            # The customer report filters by country.
            models.Index(fields=["country", "is_active"], name="customer_country_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(overdue_interest__isnull=True) | Q(overdue_interest__gte=0),
                name="customer_overdue_interest_not_negative",
                violation_error_message=_("Overdue interest cannot be negative."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.number})"

    def clean(self):
        from .validators import (
            normalise_einvoice_address,
            normalise_organisation_number,
            normalise_vat_number,
        )

        self.name = (self.name or "").strip()
        errors = {}
        try:
            self.organisation_number = normalise_organisation_number(
                self.organisation_number, self.country
            )
        except ValidationError as exc:
            errors["organisation_number"] = exc.messages
        try:
            self.vat_number = normalise_vat_number(self.vat_number, self.country)
        except ValidationError as exc:
            errors["vat_number"] = exc.messages
        operator = self.einvoice_operator if self.einvoice_operator_id else None
        self.einvoice_address = (self.einvoice_address or "").strip()
        try:
            self.einvoice_address = normalise_einvoice_address(self.einvoice_address, operator)
        except ValidationError as exc:
            errors["einvoice_address"] = exc.messages
        if errors:
            raise ValidationError(errors)


class CustomerGroupingOption(models.Model):
    """A grouping option held by a customer (the through table, kept with history)."""

    # No index of their own: customergroupingoption_unique starts with customer and
    # cgo_option_customer_idx with option (every index slows an import's 150,000 inserts).
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="grouping_assignments", db_index=False
    )
    option = models.ForeignKey(
        GroupingOption, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = LeanHistoricalRecords(
        indexes={
            "hgrouping_id_date_idx": ("id", "history_date"),
            "hgrouping_customer_idx": ("customer",),
        }
    )

    class Meta:
        verbose_name = _("customer grouping")
        verbose_name_plural = _("customer groupings")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "option"],
                name="customergroupingoption_unique",
                violation_error_message=_("The customer already has this grouping option."),
            )
        ]
        indexes = [models.Index(fields=["option", "customer"], name="cgo_option_customer_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.option_id}"


class Address(Stamped):
    """A customer's address; exactly one of a customer's addresses is the head office."""

    SET_BY_SERVICES = (*Stamped.SET_BY_SERVICES, "customer")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="SE")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_postal = models.BooleanField(_("postal address"), default=False)
    is_visiting = models.BooleanField(_("visiting address"), default=False)
    is_billing = models.BooleanField(_("billing address"), default=False)
    is_head_office = models.BooleanField(_("head office"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)

    history = LeanHistoricalRecords(
        indexes={
            "haddress_id_date_idx": ("id", "history_date"),
            "haddress_customer_idx": ("customer",),
        }
    )
    objects = AddressQuerySet.as_manager()

    class Meta:
        ordering = ["-is_head_office", "city", "line1", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_head_office=True),
                name="address_one_head_office_per_customer",
                violation_error_message=_("The customer already has a head office."),
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default_billing=True),
                name="address_one_default_billing_per_customer",
                violation_error_message=_("The customer already has a default billing address."),
            ),
            models.CheckConstraint(
                condition=Q(is_default_billing=False) | Q(is_billing=True),
                name="address_default_billing_is_billing",
                violation_error_message=_("The default billing address must be a billing address."),
            ),
        ]
        indexes = [models.Index(fields=["city"], name="address_city_idx")]

    def __str__(self):
        return ", ".join(p for p in [self.line1, f"{self.postal_code} {self.city}".strip()] if p)

    _PLACE_FIELDS = ("line1", "postal_code", "city", "country", "phone")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_place = tuple(
            str(instance.__dict__.get(name, "")) for name in cls._PLACE_FIELDS
        )
        return instance

    def clean(self):
        """A new address, or one whose place or phone changed, must be complete and valid.

        An address saved only to move a flag (head office, default billing) is not judged
        again: a row stored before these rules must not block changes to the others.
        """
        from .validators import normalise_phone, validate_address

        loaded = getattr(self, "_loaded_place", None)
        if loaded == tuple(str(getattr(self, name)) for name in self._PLACE_FIELDS):
            return
        errors = {}
        try:
            self.postal_code = validate_address(
                line1=self.line1,
                postal_code=self.postal_code,
                city=self.city,
                country=self.country,
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            self.phone = normalise_phone(self.phone, self.country or "SE")
        except ValidationError as exc:
            errors["phone"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def types(self):
        """The address types as translated labels, in a fixed order."""
        labels = []
        if self.is_postal:
            labels.append(_("Postal"))
        if self.is_visiting:
            labels.append(_("Visiting"))
        if self.is_billing:
            labels.append(_("Billing"))
        return labels


LANGUAGE_CHOICES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("fi", _("Finnish")),
    ("nb", _("Norwegian")),
    ("da", _("Danish")),
    ("de", _("German")),
]


class Contact(Stamped):
    """A person at the customer, belonging to one of the customer's addresses."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="contacts",
        db_index=False,  # contact_customer_name_idx starts with it
    )
    address = models.ForeignKey(
        Address,
        verbose_name=_("address"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    role = models.ForeignKey(
        ContactRole,
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # a look-up: nothing lists contacts by role
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="sv", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_allowed = models.BooleanField(
        _("email allowed"), default=False, help_text=_("The contact accepts marketing email.")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = LeanHistoricalRecords(
        indexes={
            "hcontact_id_date_idx": ("id", "history_date"),
            "hcontact_customer_idx": ("customer",),
        }
    )
    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(
                fields=["customer", "is_active", "last_name", "first_name"],
                name="contact_customer_name_idx",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        if self.address_id and self.customer_id and self.address.customer_id != self.customer_id:
            raise ValidationError(
                {"address": _("The address belongs to another customer.")}, code="foreign_address"
            )


class ImportUpload(models.Model):
    """A file uploaded for import, kept between the review and the confirm of the admin import.

    Stored in the database (not on a local disk) so that the confirm may reach any app server;
    only the user who uploaded it may confirm it; the import history offers it for download
    until ``purge_import_files`` deletes it (``KUNDKORT_IMPORT_KEEP_DAYS``).
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size"))
    # The review's validated cells, so the confirm need not validate them again.
    validated = models.BinaryField(_("validated cells"), blank=True, default=b"")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self):
        return self.file_name


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first POST that carries it.

    The row is inserted in the same transaction as what the form creates: a second POST of the
    same form (a double click, a resent request) waits for the first on the unique token and
    is then sent to what the first created instead of creating it again (``form_tokens.py``).
    """

    token = models.CharField(_("token"), max_length=32, unique=True)
    user_id = models.BigIntegerField(_("user"), null=True)  # no constraint: a stamp, as Stamped
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.token


# Models of the register's plumbing that live beside the code that uses them.
from .background.models import ReportJob  # noqa: E402, F401
from .importing.models import ImportRun  # noqa: E402, F401
