"""Writes of a customer's contact persons.

A contact belongs to one of its customer's addresses (the head office unless another is
chosen); an address of another customer is refused. Phone numbers are stored in E.164 (read
with the country of the contact's address, or the customer's), emails trimmed with the domain
lower-cased. Rows are saved through the ORM so django-simple-history records each change
with ``history_user`` set.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import rules
from ..models import Address, Contact, Customer
from ..validators import normalise_phone
from . import versioning

# Fields an edit form may change with ``contact_update``.
EDITABLE_FIELDS = rules.CONTACT_FIELDS


def normalise_email(value):
    """Trim the address and lower-case its domain (the local part may be case-sensitive)."""
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    return f"{local}@{domain.lower()}"


def _check_address(contact):
    if contact.address_id is None:
        return
    if not Address.objects.filter(pk=contact.address_id, customer_id=contact.customer_id).exists():
        raise ValidationError(
            {"address": _("The address belongs to another customer.")}, code="foreign_address"
        )


def _normalise(contact):
    contact.first_name = (contact.first_name or "").strip()
    contact.last_name = (contact.last_name or "").strip()
    contact.title = (contact.title or "").strip()
    contact.email = normalise_email(contact.email)
    country = contact.address.country if contact.address_id else contact.customer.country
    errors = {}
    for name in ("phone", "mobile"):
        try:
            setattr(contact, name, normalise_phone(getattr(contact, name), country or "SE"))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


def _lock_customer(customer_id):
    # Same lock order as the address services (customer first): deleting an address moves its
    # contacts while holding the customer, so a contact edit must not hold a contact first.
    Customer.objects.select_for_update().filter(pk=customer_id).first()


def _save(contact, *, user):
    contact._history_user = user
    contact.full_clean()
    contact.save()


@transaction.atomic
def contact_create(
    *,
    customer,
    user,
    first_name,
    last_name,
    address=None,
    title="",
    role=None,
    email="",
    phone="",
    mobile="",
    language="sv",
    email_allowed=False,
    notes="",
    is_active=True,
):
    """Add a contact person to ``customer`` and return it.

    Without ``address`` the contact belongs to the customer's head office (if any). An address
    of another customer raises ``ValidationError`` on ``address`` and nothing is saved.
    """
    _lock_customer(customer.pk)
    if address is None:
        head_office = Address.objects.filter(customer=customer, is_head_office=True).first()
        address = rules.contact_address(address, head_office)
    contact = Contact(
        customer=customer,
        address=address,
        first_name=first_name,
        last_name=last_name,
        title=title,
        role=role,
        email=email,
        phone=phone,
        mobile=mobile,
        language=language,
        email_allowed=bool(email_allowed),
        notes=notes,
        is_active=bool(is_active),
        created_by=user,
        updated_by=user,
    )
    _check_address(contact)
    _normalise(contact)
    _save(contact, user=user)
    return contact


@transaction.atomic
def contact_update(*, contact, user, expected_version, **fields):
    """Change a contact's fields (among ``EDITABLE_FIELDS``); refuse a stale version.

    Moving the contact to an address of another customer is refused on ``address``.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"contact_update() got unexpected fields: {sorted(unknown)}")
    _lock_customer(contact.customer_id)
    contact = versioning.lock_for_update(Contact, pk=contact.pk, expected_version=expected_version)
    for name, value in fields.items():
        setattr(contact, name, value)
    _check_address(contact)
    _normalise(contact)
    versioning.bump(contact, user=user)
    _save(contact, user=user)
    return contact


def _set_active(contact, *, user, active):
    _lock_customer(contact.customer_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_active == active:
        return contact
    contact.is_active = active
    versioning.bump(contact, user=user)
    _save(contact, user=user)
    return contact


@transaction.atomic
def contact_deactivate(*, contact, user):
    """Mark the contact inactive: hidden on the card unless "Show inactive" is on."""
    return _set_active(contact, user=user, active=False)


@transaction.atomic
def contact_activate(*, contact, user):
    """Make an inactive contact active again."""
    return _set_active(contact, user=user, active=True)


@transaction.atomic
def contact_delete(*, contact, user):
    """Delete the contact (its history stays, recording who deleted it)."""
    _lock_customer(contact.customer_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact._history_user = user
    contact.delete()
