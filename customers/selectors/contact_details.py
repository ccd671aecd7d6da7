"""Reads for the card's Contact details tab: the addresses and the contacts sections.

Each section runs a fixed number of queries whatever the number of rows (addresses: 1;
contacts: 2), so the tab stays as fast with 200 addresses and contacts as with one.

They return data only; what the rows show (formatted phone numbers, links) is worked out by
``customers/presenters.py``.
"""

from django.db.models import Count, Q

from ..models import Address, Contact

ADDRESS_ORDER = ("-is_head_office", "city", "line1", "id")
CONTACT_ORDER = ("last_name", "first_name", "id")
# The card lists this many contacts; a big account's others are one "Show all" click away.
CONTACT_LIMIT = 50
# What a contact row shows (customers.presenters.contact_rows): 19 columns instead of 41 to
# compile, send and load for up to 50 rows.
CONTACT_ROW_FIELDS = (
    "customer",
    "first_name",
    "last_name",
    "title",
    "email",
    "email_allowed",
    "phone",
    "mobile",
    "is_active",
    "role__name",
    "address__line1",
    "address__postal_code",
    "address__city",
    "address__is_head_office",
)


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
    head_office = next((a for a in addresses if a.is_head_office), None)
    return {
        "addresses": addresses,
        "head_office": head_office,
        "billing_count": sum(1 for a in addresses if a.is_billing),
    }


def contacts_section(*, customer, user, show_inactive=False, limit=None):
    """The customer's contacts by last name, with role and address (the fields their rows
    show); inactive ones only when ``show_inactive``; the first ``limit`` of them when given.
    Two queries.

    Returns ``{"contacts": [...], "show_inactive": bool, "inactive_count": int,
    "total": int (contacts listed with no limit), "is_truncated": bool}``.
    """
    visible = Contact.objects.visible_to(user).filter(customer=customer)
    counts = visible.aggregate(inactive=Count("pk", filter=Q(is_active=False)), all=Count("pk"))
    total = counts["all"] if show_inactive else counts["all"] - counts["inactive"]
    contacts = (
        visible.select_related("role", "address").only(*CONTACT_ROW_FIELDS).order_by(*CONTACT_ORDER)
    )
    if not show_inactive:
        contacts = contacts.filter(is_active=True)
    if limit is not None:
        contacts = contacts[:limit]
    contacts = list(contacts)
    return {
        "contacts": contacts,
        "show_inactive": bool(show_inactive),
        "inactive_count": counts["inactive"],
        "total": total,
        "is_truncated": len(contacts) < total,
    }


def contact_details(*, customer, user, show_inactive=False, contact_limit=None):
    """Both sections, as the Contact details tab's context (three queries)."""
    return {
        "address_section": addresses_section(customer=customer, user=user),
        "contact_section": contacts_section(
            customer=customer, user=user, show_inactive=show_inactive, limit=contact_limit
        ),
    }
