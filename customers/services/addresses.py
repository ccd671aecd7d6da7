"""Writes of a customer's addresses, one at a time, on the rules of ``customers/rules.py``.

The head office and default billing rules live in ``customers/rules.py`` (the importer calls
the same functions). Every function here locks the customer row first
(``select_for_update``), so two requests that touch the same customer's addresses run one
after the other on PostgreSQL and each sees the other's result; then it loads the customer's
addresses, lets the rule set their flags and saves the rows that changed. Rows are saved one
by one through the ORM (never ``QuerySet.update()``) so django-simple-history writes a history
row, with ``history_user`` set, for each change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import rules
from ..models import Address, Contact, Customer
from . import versioning

# Fields an edit form may change with ``address_update``.
EDITABLE_FIELDS = rules.ADDRESS_FIELDS


def lock_customer(customer):
    """Lock the customer row for the rest of the transaction and return it fresh."""
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _addresses(customer):
    """The customer's addresses, locked, in the order they were added (the rules' order)."""
    return list(Address.objects.select_for_update().filter(customer=customer).order_by("id"))


def _save(instance, *, user, bump=True):
    """Save through the ORM so history is written, stamped with the acting user."""
    if bump and instance.pk:
        versioning.bump(instance, user=user)
    instance._history_user = user
    instance.full_clean()
    instance.save()


def _save_in_order(rows, previous, *, user):
    """Save ``rows`` (the caller's address and the others a rule changed), those that lose a
    flag first: the database allows one head office and one default billing address per
    customer at any moment (``rules.lowered_first``)."""
    for address in rules.lowered_first(rows, previous):
        _save(address, user=user)


def _normalise(address):
    address.line1 = (address.line1 or "").strip()
    address.line2 = (address.line2 or "").strip()
    address.postal_code = (address.postal_code or "").strip()
    address.city = (address.city or "").strip()
    # The phone is checked with the rest of the address in Address.clean() (all errors at once).
    address.phone = (address.phone or "").strip()


@transaction.atomic
def address_create(
    *,
    customer,
    user,
    line1="",
    line2="",
    postal_code="",
    city="",
    country="SE",
    phone="",
    is_postal=False,
    is_visiting=False,
    is_billing=False,
    is_head_office=False,
):
    """Add an address to ``customer`` and return it.

    The customer's first address becomes the head office whatever ``is_head_office`` says;
    ``is_head_office=True`` on a later address moves the head office to it. A billing address
    becomes the default billing address only when the customer has none (``rules.add_address``).
    """
    customer = lock_customer(customer)
    addresses = _addresses(customer)
    address = Address(
        customer=customer,
        line1=line1,
        line2=line2,
        postal_code=postal_code,
        city=city,
        country=country or "SE",
        phone=phone,
        is_postal=bool(is_postal),
        is_visiting=bool(is_visiting),
        is_billing=bool(is_billing),
        created_by=user,
        updated_by=user,
    )
    _normalise(address)
    previous = rules.flags(addresses)
    changed = rules.add_address(addresses, address, make_head_office=bool(is_head_office))
    # Validate before touching other rows, ignoring the flags that are about to move.
    address.full_clean(validate_constraints=False)
    _save_in_order([*changed, address], previous, user=user)
    return address


@transaction.atomic
def address_update(*, address, user, expected_version, is_head_office=None, **fields):
    """Change an address's street, place, phone and types; refuse when its version moved on.

    ``fields`` are among ``EDITABLE_FIELDS``. ``is_head_office=True`` also makes it the head
    office; the head office itself cannot be unset here (another address must take its place,
    see ``address_make_head_office``). Taking the billing flag off the default billing address
    passes the default to another billing address (``rules.set_billing``).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {sorted(unknown)}")
    customer = lock_customer(address.customer)
    address = versioning.lock_for_update(Address, pk=address.pk, expected_version=expected_version)
    if address.customer_id != customer.pk:
        raise ValidationError(_("The address belongs to another customer."))
    rules.check_keeps_head_office(address, is_head_office=is_head_office)
    addresses = [address if a.pk == address.pk else a for a in _addresses(customer)]
    previous = rules.flags(addresses)
    is_billing = fields.pop("is_billing", address.is_billing)
    for name, value in fields.items():
        setattr(address, name, value)
    address.updated_by = user
    _normalise(address)
    changed = rules.set_billing(addresses, address, is_billing)
    address.full_clean(validate_constraints=False)
    if is_head_office and not address.is_head_office:
        changed += rules.move_head_office(addresses, address)
    _save_in_order([address, *(a for a in changed if a is not address)], previous, user=user)
    return address


def _locked(addresses, address):
    """``address`` as loaded (and locked) among the customer's ``addresses``."""
    for candidate in addresses:
        if candidate.pk == address.pk:
            return candidate
    raise Address.DoesNotExist("The address is not one of the customer's.")


@transaction.atomic
def address_make_head_office(*, address, user):
    """Make ``address`` its customer's head office; the previous one stops being it.

    The customer row is locked first, so two concurrent calls for different addresses run in
    turn and leave exactly one head office.
    """
    customer = lock_customer(address.customer)
    addresses = _addresses(customer)
    address = _locked(addresses, address)
    if address.is_head_office:
        return address
    previous = rules.flags(addresses)
    changed = rules.move_head_office(addresses, address)
    address.updated_by = user
    _save_in_order([*changed, address], previous, user=user)
    return address


@transaction.atomic
def address_set_default_billing(*, address, user):
    """Make ``address`` (which must be flagged billing) the customer's default billing address:
    the user's choice, which later addresses do not override."""
    customer = lock_customer(address.customer)
    addresses = _addresses(customer)
    address = _locked(addresses, address)
    if address.is_default_billing:
        return address
    previous = rules.flags(addresses)
    changed = rules.set_default_billing(addresses, address)
    address.updated_by = user
    _save_in_order([*changed, address], previous, user=user)
    return address


@transaction.atomic
def address_delete(*, address, user, new_head_office=None, move_contacts_to=None):
    """Delete ``address``; its contacts move to another address of the customer.

    The head office can be deleted only when it is the customer's last address or when
    ``new_head_office`` (another address of the same customer) takes its place in the same
    step. Contacts of the deleted address move to ``move_contacts_to`` when given, otherwise
    to the head office (the new one when the head office is deleted); with no address left
    they keep no address. Returns the number of contacts moved.
    """
    customer = lock_customer(address.customer)
    addresses = _addresses(customer)
    address = _locked(addresses, address)
    others = [a for a in addresses if a is not address]

    def _other(candidate, field):
        if candidate is None:
            return None
        for other in others:
            if other.pk == candidate.pk:
                return other
        raise ValidationError(
            {field: _("Choose another address of the same customer.")}, code="invalid_choice"
        )

    new_head_office = _other(new_head_office, "new_head_office")
    move_contacts_to = _other(move_contacts_to, "move_contacts_to")
    if not address.is_head_office:
        new_head_office = None  # nothing to replace; the head office stays where it is
    target = move_contacts_to or new_head_office or rules.head_office_of(others)
    changed = rules.remove_address(addresses, address, new_head_office=new_head_office)

    moved = 0
    for contact in Contact.objects.filter(address=address).select_for_update():
        # Only the address changes (to one of the same customer's): an old contact whose other
        # fields would not pass today's validation must not block deleting the address.
        contact.address = target
        versioning.bump(contact, user=user)
        contact._history_user = user
        contact.save(update_fields=["address", "version", "updated_by", "updated_at"])
        moved += 1

    address._history_user = user
    address.delete()
    for other in changed:  # they only gain a flag, now free
        other.updated_by = user
        _save(other, user=user)
    return moved
