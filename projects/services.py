"""Writes on projects and project notes: numbering, the sales-status rules, closing.

Rules (docs/architecture.md, "Domain and invariants"):
- a project's number comes from the "project" number sequence unless one is given;
- the probability follows the sales status unless the user overrides it;
- marking a sales project won sets the probability to 100 % and the won date;
- marking it lost closes it;
- only a won, open sales project turns into a delivery project;
- the contact must belong to the project's customer (``Project.clean``);
- a new project takes its billing details from the customer's defaults unless they are given
  (``customer_billing_defaults``); later changes of the customer's defaults do not reach it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Address
from customers.numbering import PROJECT_SERIES, take_number
from customers.services import versioning

from .models import Project, ProjectNote, SalesStatus

PROJECT_SEQUENCE = PROJECT_SERIES

# The billing details a project copies from its customer when it is created (currency is
# among the project's own fields too, as its expected value's currency).
BILLING_FIELDS = (
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "invoice_language",
    "billing_address",
    "einvoice_address",
    "einvoice_operator",
)

# project_create's default for a billing field: take the customer's value.
FROM_CUSTOMER = object()

# Fields project_update may change; everything else goes through its own service.
UPDATABLE_FIELDS = [
    "name",
    "customer",
    "contact",
    "owner",
    "sales_status",
    "expected_value",
    "currency",
    "expected_order_date",
    "probability",
    "start_date",
    "deadline",
    "description",
    *(name for name in BILLING_FIELDS if name != "currency"),
]


def customer_billing_defaults(customer):
    """The billing details a new project of ``customer`` starts with, as ids (``None`` when
    unset) keyed by field name: the customer's payment term, invoice template, price list,
    currency and invoice language, its default billing address (else its first billing
    address), and its e-invoice address and operator.

    The project form shows them as initial values and ``project_create`` fills in those not
    given, so both start from this one rule. One query (the address).
    """
    address_id = (
        Address.objects.filter(customer=customer, is_billing=True)
        .order_by("-is_default_billing", "id")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "payment_term": customer.payment_term_id,
        "invoice_template": customer.invoice_template_id,
        "price_list": customer.price_list_id,
        "currency": customer.currency_id,
        "invoice_language": customer.invoice_language_id,
        "billing_address": address_id,
        "einvoice_address": customer.einvoice_address or "",
        "einvoice_operator": customer.einvoice_operator_id,
    }


def default_sales_status():
    """The status new sales projects get: the default one, else the first active in progress."""
    statuses = SalesStatus.objects.filter(is_active=True)
    return (
        statuses.filter(is_default=True).first()
        or statuses.filter(category=SalesStatus.IN_PROGRESS).first()
    )


def next_project_number():
    """Take the next free project number; the sequence row is locked until the transaction ends."""
    return take_number(
        PROJECT_SEQUENCE, model=Project, start=settings.KUNDKORT_PROJECT_NUMBER_START
    )


def _apply_status(project, status, *, today, previous_status=None):
    """Bring won date, probability and closing in line with ``status``."""
    project.sales_status = status
    category = status.category if status else None
    if category == SalesStatus.WON:
        project.probability = 100
        project.won_date = project.won_date or today
    else:
        if previous_status is not None and previous_status.category == SalesStatus.WON:
            # Leaving "won": the status's own probability applies again.
            project.probability = None
        project.won_date = None
    if category == SalesStatus.LOST:
        project.is_closed = True
        project.closed_date = project.closed_date or today


def _check_status(project, status):
    if status is None:
        return
    if not project.is_sales:
        raise ValidationError(
            {"sales_status": _("Only a sales project has a sales status.")}, code="not_sales"
        )
    if not status.is_active and status.pk != project.sales_status_id:
        raise ValidationError(
            {"sales_status": _("The sales status %(status)s is not in use.") % {"status": status}},
            code="inactive_status",
        )


@transaction.atomic
def project_create(
    *,
    user,
    customer,
    name,
    kind=Project.SALES,
    number=None,
    contact=None,
    owner=None,
    sales_status=None,
    expected_value=None,
    currency=None,
    expected_order_date=None,
    probability=None,
    start_date=None,
    deadline=None,
    description="",
    payment_term=FROM_CUSTOMER,
    invoice_template=FROM_CUSTOMER,
    price_list=FROM_CUSTOMER,
    invoice_language=FROM_CUSTOMER,
    billing_address=FROM_CUSTOMER,
    einvoice_address=FROM_CUSTOMER,
    einvoice_operator=FROM_CUSTOMER,
):
    """Create a project for ``customer``, numbered from the sequence when no number is given.

    A sales project without a status gets the default one; a won status sets probability 100 %
    and the won date, a lost one closes the project. Billing details not given (and a currency
    that is ``None``) come from the customer's defaults (``customer_billing_defaults``); a
    value given, even empty, is kept.
    """
    project = Project(
        customer=customer,
        name=name,
        kind=kind,
        contact=contact,
        owner=owner if owner is not None else user,
        expected_value=expected_value,
        currency=currency if currency is not None else customer.currency,
        expected_order_date=expected_order_date,
        probability=probability,
        start_date=start_date,
        deadline=deadline,
        description=description or "",
        created_by=user,
        updated_by=user,
    )
    given = {
        "payment_term": payment_term,
        "invoice_template": invoice_template,
        "price_list": price_list,
        "invoice_language": invoice_language,
        "billing_address": billing_address,
        "einvoice_address": einvoice_address,
        "einvoice_operator": einvoice_operator,
    }
    defaults = None
    for name, value in given.items():
        if value is not FROM_CUSTOMER:
            setattr(project, name, value)
            continue
        defaults = defaults or customer_billing_defaults(customer)
        # The defaults are ids: set the column, the object loads only if something reads it.
        setattr(project, Project._meta.get_field(name).attname, defaults[name])
    if kind == Project.SALES:
        status = sales_status or default_sales_status()
        _check_status(project, status)
        _apply_status(project, status, today=timezone.localdate())
    elif sales_status is not None:
        _check_status(project, sales_status)
    project.number = number if number else next_project_number()
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project, user, expected_version, **fields):
    """Change a project's details; refuses to overwrite a newer version (StaleObjectError).

    A change of sales status follows the same rules as ``project_set_status``. The customer
    cannot change once the project has activities (``Project.clean``).
    """
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"project_update cannot change {', '.join(sorted(unknown))}")
    locked = versioning.lock_for_update(Project, pk=project.pk, expected_version=expected_version)
    previous_status = locked.sales_status
    for name, value in fields.items():
        setattr(locked, name, value)
    if "sales_status" in fields and locked.sales_status_id != getattr(previous_status, "pk", None):
        _check_status(locked, locked.sales_status)
        _apply_status(
            locked,
            locked.sales_status,
            today=timezone.localdate(),
            previous_status=previous_status,
        )
    versioning.save_new_version(locked, user=user)
    return locked


@transaction.atomic
def project_set_status(*, project, user, status, expected_version=None):
    """Move a sales project to ``status``: won sets probability 100 % and the won date,
    lost closes the project with today's date."""
    locked = versioning.lock_for_update(Project, pk=project.pk, expected_version=expected_version)
    if locked.is_closed:
        raise ValidationError(_("Reopen the project before changing its status."), code="closed")
    _check_status(locked, status)
    if status is None:
        raise ValidationError({"sales_status": _("Choose a sales status.")}, code="required")
    _apply_status(locked, status, today=timezone.localdate(), previous_status=locked.sales_status)
    versioning.save_new_version(locked, user=user)
    return locked


@transaction.atomic
def project_convert_to_delivery(*, project, user, expected_version=None):
    """Turn a won, open sales project into a delivery project (starting today if no start)."""
    locked = versioning.lock_for_update(Project, pk=project.pk, expected_version=expected_version)
    if not locked.can_convert_to_delivery:
        raise ValidationError(
            _("Only a won sales project that is still open can become a delivery project."),
            code="not_won",
        )
    locked.kind = Project.DELIVERY
    locked.start_date = locked.start_date or timezone.localdate()
    versioning.save_new_version(locked, user=user)
    return locked


@transaction.atomic
def project_close(*, project, user, expected_version=None):
    """Close a project with today's date."""
    locked = versioning.lock_for_update(Project, pk=project.pk, expected_version=expected_version)
    if locked.is_closed:
        return locked
    locked.is_closed = True
    locked.closed_date = timezone.localdate()
    versioning.save_new_version(locked, user=user)
    return locked


@transaction.atomic
def project_reopen(*, project, user, expected_version=None):
    """Reopen a closed project; a lost sales project goes back to the default status."""
    locked = versioning.lock_for_update(Project, pk=project.pk, expected_version=expected_version)
    if not locked.is_closed:
        return locked
    locked.is_closed = False
    locked.closed_date = None
    if locked.is_sales and locked.is_lost:
        status = default_sales_status()
        locked.sales_status = status
        locked.probability = None
    versioning.save_new_version(locked, user=user)
    return locked


@transaction.atomic
def project_note_create(*, project, user, text):
    """Post a note on a project's collaboration feed."""
    note = ProjectNote(project=project, author=user, text=(text or "").strip())
    note.full_clean()
    note.save()
    return note
