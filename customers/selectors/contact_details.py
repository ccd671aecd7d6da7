"""Reads for the card's Contact details tab: the addresses and the contacts sections.

Each section runs a fixed number of queries whatever the number of rows (addresses: 1;
contacts: 2), so the tab stays as fast with 200 addresses and contacts as with one.
"""

from django.db.models import Count, Q

from ..models import Address, Contact
from ..validators import format_phone

ADDRESS_ORDER = ("-is_head_office", "city", "line1", "id")
CONTACT_ORDER = ("last_name", "first_name", "id")


def addresses_section(*, customer, user):
    """The customer's addresses, head office first, each with ``contact_count``.

    One query. Returns ``{"addresses": [...], "head_office": Address|None,
    "billing_count": int}``.
    """
    addresses = list(
        Address.objects.visible_to(user)
        .filter(customer=customer)
        .annotate(contact_count=Count("contacts"))
        .order_by(*ADDRESS_ORDER)
    )
    for address in addresses:
        address.phone_display = format_phone(address.phone)
    head_office = next((a for a in addresses if a.is_head_office), None)
    return {
        "addresses": addresses,
        "head_office": head_office,
        "billing_count": sum(1 for a in addresses if a.is_billing),
    }


def contacts_section(*, customer, user, show_inactive=False):
    """The customer's contacts by last name, with role and address; inactive ones only when
    ``show_inactive``. Two queries. Returns ``{"contacts": [...], "show_inactive": bool,
    "inactive_count": int}``.
    """
    contacts = (
        Contact.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("role", "address")
        .order_by(*CONTACT_ORDER)
    )
    if not show_inactive:
        contacts = contacts.filter(is_active=True)
    inactive_count = (
        Contact.objects.visible_to(user)
        .filter(customer=customer)
        .aggregate(n=Count("pk", filter=Q(is_active=False)))["n"]
    )
    contacts = list(contacts)
    for contact in contacts:
        contact.phone_display = format_phone(contact.phone)
        contact.mobile_display = format_phone(contact.mobile)
    return {
        "contacts": contacts,
        "show_inactive": bool(show_inactive),
        "inactive_count": inactive_count,
    }


def contact_details(*, customer, user, show_inactive=False):
    """Both sections, as the Contact details tab's context (three queries)."""
    return {
        "address_section": addresses_section(customer=customer, user=user),
        "contact_section": contacts_section(
            customer=customer, user=user, show_inactive=show_inactive
        ),
    }
