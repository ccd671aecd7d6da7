"""Sales statuses, projects (sales and delivery) and project notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import (
    Address,
    Contact,
    Currency,
    Customer,
    EInvoiceOperator,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
    Stamped,
)

from .querysets import ProjectNoteQuerySet, ProjectQuerySet


class SalesStatus(models.Model):
    """A step of the sales funnel; its category says whether the sale is open, won or lost."""

    IN_PROGRESS = "in_progress"
    WON = "won"
    LOST = "lost"
    CATEGORY_CHOICES = [(IN_PROGRESS, _("In progress")), (WON, _("Won")), (LOST, _("Lost"))]

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=CATEGORY_CHOICES, default=IN_PROGRESS
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("sales status")
        verbose_name_plural = _("sales statuses")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100),
                name="salesstatus_probability_max_100",
                violation_error_message=_("Probability cannot be over 100 %%."),
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="salesstatus_one_default",
                violation_error_message=_("Another sales status is already the default."),
            ),
        ]

    def __str__(self):
        return self.name


class Project(Stamped):
    """A sales project (an opportunity) or a delivery project for a customer."""

    SALES = "sales"
    DELIVERY = "delivery"
    KIND_CHOICES = [(SALES, _("Sales project")), (DELIVERY, _("Delivery project"))]

    number = models.PositiveBigIntegerField(_("project number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="projects"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("customer contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=SALES)
    sales_status = models.ForeignKey(
        SalesStatus,
        verbose_name=_("sales status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    expected_value = models.DecimalField(
        _("expected value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, null=True, blank=True
    )
    expected_order_date = models.DateField(_("expected order date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the sales status's probability."),
    )
    won_date = models.DateField(_("won date"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    closed_date = models.DateField(_("closed date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    # Billing: copied from the customer's defaults when the project is created
    # (projects.services.customer_billing_defaults) and edited here afterwards; a later change
    # of the customer's defaults leaves existing projects as they are. The look-up keys have no
    # index, as on Customer: nothing lists projects by them.
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
    invoice_language = models.ForeignKey(
        InvoiceLanguage,
        verbose_name=_("invoice language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    # Indexed: deleting an address clears it here (SET_NULL) and looks the projects up by it.
    billing_address = models.ForeignKey(
        Address,
        verbose_name=_("billing address"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="billed_projects",
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

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["customer", "is_closed", "kind"], name="project_customer_idx"),
            models.Index(fields=["is_closed", "kind", "-created_at"], name="project_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | Q(probability__lte=100),
                name="project_probability_max_100",
                violation_error_message=_("Probability cannot be over 100 %%."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def is_sales(self):
        return self.kind == self.SALES

    @property
    def is_won(self):
        return bool(self.sales_status_id and self.sales_status.category == SalesStatus.WON)

    @property
    def is_lost(self):
        return bool(self.sales_status_id and self.sales_status.category == SalesStatus.LOST)

    @property
    def can_convert_to_delivery(self):
        """Only a won sales project that is still open turns into a delivery project."""
        return self.is_sales and self.is_won and not self.is_closed

    @property
    def effective_probability(self):
        if self.probability is not None:
            return self.probability
        return self.sales_status.probability if self.sales_status_id else 0

    def clean(self):
        from customers.validators import normalise_einvoice_address

        if self.contact_id and self.customer_id and self.contact.customer_id != self.customer_id:
            raise ValidationError(
                {"contact": _("The contact belongs to another customer.")}, code="foreign_contact"
            )
        if (
            self.billing_address_id
            and self.customer_id
            and self.billing_address.customer_id != self.customer_id
        ):
            raise ValidationError(
                {"billing_address": _("The billing address belongs to another customer.")},
                code="foreign_address",
            )
        operator = self.einvoice_operator if self.einvoice_operator_id else None
        try:
            self.einvoice_address = normalise_einvoice_address(self.einvoice_address, operator)
        except ValidationError as exc:
            raise ValidationError({"einvoice_address": exc.messages}) from exc
        if self.pk and self.customer_id:
            # Activities carry the project's customer, so it stays once they exist (also in
            # the admin, which does not go through the services).
            before = Project.objects.filter(pk=self.pk).values_list("customer_id", flat=True)
            before = before.first()
            if before is not None and before != self.customer_id and self.activities.exists():
                raise ValidationError(
                    {
                        "customer": _(
                            "The project has activities with its customer, so the customer "
                            "cannot change."
                        )
                    },
                    code="customer_fixed",
                )


class ProjectNote(models.Model):
    """A collaboration post on a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="project_notes",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = ProjectNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project note")
        verbose_name_plural = _("project notes")
        indexes = [models.Index(fields=["project", "-created_at"], name="projectnote_feed_idx")]

    def __str__(self):
        return self.text[:50]
