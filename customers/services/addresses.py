"""Writes of a customer's addresses: the head office and default billing invariants live here.

Invariants (DESIGN.md section 3), held together with the database constraints on ``Address``:

- a customer with addresses has exactly one head office; the first address becomes it;
- at most one default billing address, and it is flagged billing; the first billing address
  becomes the default, and when the default stops being billing another takes its place.

Every function locks the customer row first (``select_for_update``), so two requests that
touch the same customer's addresses run one after the other on PostgreSQL and each sees the
other's result. Rows are saved one by one through the ORM (never ``QuerySet.update()``) so
django-simple-history writes a history row, with ``history_user`` set, for each change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Address, Contact, Customer
from . import versioning

# Fields an edit form may change with ``address_update``.
EDITABLE_FIELDS = (
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "phone",
    "is_postal",
    "is_visiting",
    "is_billing",
)


def lock_customer(customer):
    """Lock the customer row for the rest of the transaction and return it fresh."""
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _save(instance, *, user, bump=True):
    """Save through the ORM so history is written, stamped with the acting user."""
    if bump and instance.pk:
        versioning.bump(instance, user=user)
    instance._history_user = user
    instance.full_clean()
    instance.save()


def _clear_head_office(customer, *, user, except_pk=None):
    for other in (
        Address.objects.select_for_update()
        .filter(customer=customer, is_head_office=True)
        .exclude(pk=except_pk)
    ):
        other.is_head_office = False
        _save(other, user=user)


def _clear_default_billing(customer, *, user, except_pk=None):
    for other in (
        Address.objects.select_for_update()
        .filter(customer=customer, is_default_billing=True)
        .exclude(pk=except_pk)
    ):
        other.is_default_billing = False
        _save(other, user=user)


def _promote_default_billing(customer, *, user, except_pk=None):
    """Make the first remaining billing address the default when there is none."""
    addresses = Address.objects.select_for_update().filter(customer=customer).exclude(pk=except_pk)
    if addresses.filter(is_default_billing=True).exists():
        return
    candidate = addresses.filter(is_billing=True).order_by("-is_head_office", "id").first()
    if candidate is not None:
        candidate.is_default_billing = True
        _save(candidate, user=user)


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
    ``is_head_office=True`` on a later address moves the head office to it. The first billing
    address becomes the customer's default billing address.
    """
    customer = lock_customer(customer)
    existing = Address.objects.filter(customer=customer)
    has_addresses = existing.exists()
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
        is_head_office=bool(is_head_office) or not has_addresses,
        created_by=user,
        updated_by=user,
    )
    _normalise(address)
    address.is_default_billing = (
        address.is_billing and not existing.filter(is_default_billing=True).exists()
    )
    # Validate before touching other rows, ignoring the flags that are about to move.
    address.full_clean(validate_constraints=False)
    if address.is_head_office and has_addresses:
        _clear_head_office(customer, user=user)
    _save(address, user=user, bump=False)
    return address


@transaction.atomic
def address_update(*, address, user, expected_version, is_head_office=None, **fields):
    """Change an address's street, place, phone and types; refuse when its version moved on.

    ``fields`` are among ``EDITABLE_FIELDS``. ``is_head_office=True`` also makes it the head
    office; the head office itself cannot be unset here (another address must take its place,
    see ``address_make_head_office``). Taking the billing flag off the default billing address
    makes the next billing address the default.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {sorted(unknown)}")
    customer = lock_customer(address.customer)
    address = versioning.lock_for_update(Address, pk=address.pk, expected_version=expected_version)
    if address.customer_id != customer.pk:
        raise ValidationError(_("The address belongs to another customer."))
    if is_head_office is False and address.is_head_office:
        raise ValidationError(
            {
                "is_head_office": _(
                    "The head office stays until another address is made head office."
                )
            }
        )
    for name, value in fields.items():
        setattr(address, name, value)
    address.updated_by = user
    _normalise(address)
    if not address.is_billing:
        address.is_default_billing = False
    elif not Address.objects.filter(customer=customer, is_default_billing=True).exists():
        address.is_default_billing = True
    address.full_clean(validate_constraints=False)
    if is_head_office and not address.is_head_office:
        _clear_head_office(customer, user=user, except_pk=address.pk)
        address.is_head_office = True
    _save(address, user=user)
    if not address.is_default_billing:
        _promote_default_billing(customer, user=user)
    return address


@transaction.atomic
def address_make_head_office(*, address, user):
    """Make ``address`` its customer's head office; the previous one stops being it.

    The customer row is locked first, so two concurrent calls for different addresses run in
    turn and leave exactly one head office.
    """
    customer = lock_customer(address.customer)
    address = Address.objects.select_for_update().get(pk=address.pk, customer=customer)
    if address.is_head_office:
        return address
    # The old flag is cleared (and saved) before the new one is set: the partial unique
    # index allows only one head office per customer at any moment.
    _clear_head_office(customer, user=user, except_pk=address.pk)
    address.is_head_office = True
    address.updated_by = user
    _save(address, user=user)
    return address


@transaction.atomic
def address_set_default_billing(*, address, user):
    """Make ``address`` (which must be flagged billing) the customer's default billing address."""
    customer = lock_customer(address.customer)
    address = Address.objects.select_for_update().get(pk=address.pk, customer=customer)
    if not address.is_billing:
        raise ValidationError(
            _("Only a billing address can be the default billing address."), code="not_billing"
        )
    if address.is_default_billing:
        return address
    _clear_default_billing(customer, user=user, except_pk=address.pk)
    address.is_default_billing = True
    address.updated_by = user
    _save(address, user=user)
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
    address = Address.objects.select_for_update().get(pk=address.pk, customer=customer)
    others = Address.objects.select_for_update().filter(customer=customer).exclude(pk=address.pk)

    def _other(candidate, field):
        if candidate is None:
            return None
        if candidate.pk == address.pk or not others.filter(pk=candidate.pk).exists():
            raise ValidationError(
                {field: _("Choose another address of the same customer.")}, code="invalid_choice"
            )
        return others.get(pk=candidate.pk)

    new_head_office = _other(new_head_office, "new_head_office")
    move_contacts_to = _other(move_contacts_to, "move_contacts_to")
    if address.is_head_office and others.exists() and new_head_office is None:
        raise ValidationError(
            {
                "new_head_office": _(
                    "The head office can be deleted only when another address becomes the "
                    "head office."
                )
            },
            code="head_office_needs_replacement",
        )
    if not address.is_head_office:
        new_head_office = None  # nothing to replace; the head office stays where it is
    target = move_contacts_to or new_head_office or others.filter(is_head_office=True).first()

    moved = 0
    for contact in Contact.objects.filter(address=address).select_for_update():
        # Only the address changes (to one of the same customer's): an old contact whose other
        # fields would not pass today's validation must not block deleting the address.
        contact.address = target
        versioning.bump(contact, user=user)
        contact._history_user = user
        contact.save(update_fields=["address", "version", "updated_by", "updated_at"])
        moved += 1

    was_default_billing = address.is_default_billing
    address._history_user = user
    address.delete()
    if new_head_office is not None:
        new_head_office.refresh_from_db()
        new_head_office.is_head_office = True
        new_head_office.updated_by = user
        _save(new_head_office, user=user)
    if was_default_billing:
        _promote_default_billing(customer, user=user)
    return moved
