"""Writes of customers: create (with the number sequence), update, (in)activate, delete.

Customer numbers come from ``customers/numbering.py`` (the series ``"customer"``), the same
function the importer numbers with; a number typed by the user is kept when it is free.
"""

from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Customer
from ..numbering import CUSTOMER_SERIES, take_number
from ..permissions import owner_refusal
from . import versioning

# Fields ``customer_create`` and ``customer_update`` accept.
CUSTOMER_FIELDS = rules.CUSTOMER_FIELDS


def next_customer_number():
    """Take the next free customer number (call inside a transaction; the row stays locked)."""
    return take_number(
        CUSTOMER_SERIES, model=Customer, start=settings.KUNDKORT_CUSTOMER_NUMBER_START
    )


def _number_taken_error(number):
    holder = Customer.objects.filter(number=number).first()
    return ValidationError(
        {
            "number": _(
                "Customer number %(number)s is already used by %(name)s. Choose another "
                "number or leave the field empty to get the next free one."
            )
            % {"number": number, "name": holder.name if holder else "?"}
        },
        code="number_taken",
    )


def _unknown_fields(fields):
    rules.unknown_fields(fields, CUSTOMER_FIELDS)


@transaction.atomic
def customer_create(*, user, address=None, **data):
    """Create a customer from ``data`` (fields of ``CUSTOMER_FIELDS``) and return it.

    ``number`` empty or missing: the next free number of the sequence. A typed number is kept
    when free; a taken one raises ``ValidationError`` on ``number``. ``address`` (a dict of
    ``address_create`` arguments) adds the head-office address in the same transaction.
    """
    _unknown_fields(data)
    refusal = owner_refusal(user, data.get("owner"))
    if refusal:
        raise ValidationError({"owner": refusal}, code="owner_not_self")
    number = data.pop("number", None)
    if number in ("", None):
        number = next_customer_number()
    elif Customer.objects.filter(number=number).exists():
        raise _number_taken_error(number)
    customer = Customer(number=number, created_by=user, updated_by=user, **data)
    customer._history_user = user
    # The number was checked above (free in the sequence, or typed and not taken): no second
    # look-up by full_clean; the unique index still refuses one taken meanwhile.
    customer.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        # Another request took the typed number between the check and the insert.
        raise _number_taken_error(number) from exc
    if address:
        from .addresses import address_create

        address = {k: v for k, v in address.items() if k != "is_head_office"}
        try:
            address_create(customer=customer, user=user, is_head_office=True, **address)
        except ValidationError as exc:
            # Name the address fields so a form can put the errors beside them.
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {f"address_{field}": errors for field, errors in exc.error_dict.items()}
                ) from exc
            raise
    return customer


@transaction.atomic
def customer_update(*, customer_pk, user, expected_version, **fields):
    """Change the given fields of a customer and return it.

    Raises ``versioning.StaleObjectError`` when someone saved the customer after the form
    with ``expected_version`` was opened, and ``ValidationError`` for invalid values.
    """
    _unknown_fields(fields)
    customer = versioning.lock_for_update(
        Customer, pk=customer_pk, expected_version=expected_version
    )
    if "number" in fields:
        if fields["number"] in ("", None):
            fields.pop("number")
        elif Customer.objects.filter(number=fields["number"]).exclude(pk=customer.pk).exists():
            raise _number_taken_error(fields["number"])
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    versioning.bump(customer, user=user)
    customer._history_user = user
    try:
        with transaction.atomic():  # a savepoint: a number taken meanwhile is a form error
            customer.save()
    except IntegrityError as exc:
        raise _number_taken_error(customer.number) from exc
    return customer


@transaction.atomic
def customer_set_active(*, customer_pk, user, is_active, expected_version=None):
    """Inactivate (``is_active=False``) or reactivate a customer and return it."""
    customer = versioning.lock_for_update(
        Customer, pk=customer_pk, expected_version=expected_version
    )
    if customer.is_active == is_active:
        return customer
    customer.is_active = is_active
    versioning.bump(customer, user=user)
    customer._history_user = user
    customer.save()
    return customer


def describe_protected(objects):
    """'2 projects, 1 activity': what keeps a customer from being deleted, in words."""
    counts = Counter(type(obj) for obj in objects)
    parts = []
    for model, count in sorted(counts.items(), key=lambda item: item[0]._meta.label):
        meta = model._meta
        name = meta.verbose_name if count == 1 else meta.verbose_name_plural
        parts.append(f"{count} {name}")
    return ", ".join(parts)


@transaction.atomic
def customer_delete(*, customer_pk, user):
    """Delete a customer with its addresses, contacts and groupings.

    Refused with ``ValidationError`` while projects or activities refer to the customer
    (their foreign keys PROTECT it): such a customer is inactivated instead.
    """
    customer = versioning.lock_for_update(Customer, pk=customer_pk, expected_version=None)
    customer._history_user = user
    try:
        customer.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _(
                "%(customer)s cannot be deleted because other records refer to it "
                "(%(what)s). Inactivate the customer instead."
            )
            % {"customer": customer.name, "what": describe_protected(exc.protected_objects)},
            code="protected",
        ) from exc
