"""Reads for the card's Contact details tab: the addresses and the contacts sections.

Each section runs a fixed number of queries whatever the number of rows (addresses: 1;
contacts: 1), so the tab stays as fast with 200 addresses and contacts as with one.

They return data only; what the rows show (formatted phone numbers, links) is worked out by
``customers/presenters.py``.
"""

from django.db.models import Count, Q, Window

from core.prepared import Prepared

from ..models import Address, Contact
from ..permissions import may_view_customers

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


# Both sections' queries are the same SQL for every customer: compiled once (core.prepared).
_addresses = Prepared(
    lambda may_view, *, customer_id: (
        Address.objects.visible_if(may_view)
        .filter(customer_id=customer_id)
        .annotate(contact_count=Count("contacts"))
        .order_by(*ADDRESS_ORDER)
    )
)


def _contact_rows(may_view, show_inactive, limit, *, customer_id):
    order = CONTACT_ORDER if show_inactive else ("-is_active", *CONTACT_ORDER)
    rows = (
        Contact.objects.visible_if(may_view)
        .filter(customer_id=customer_id)
        .select_related("role", "address")
        .only(*CONTACT_ROW_FIELDS)
        .annotate(
            all_count=Window(Count("pk")),
            inactive_count=Window(Count("pk", filter=Q(is_active=False))),
        )
        .order_by(*order)
    )
    return rows if limit is None else rows[:limit]


_contacts = Prepared(_contact_rows)


def addresses_section(*, customer, user):
    """The customer's addresses, head office first, each with ``contact_count``.

    One query. Returns ``{"addresses": [...], "head_office": Address|None,
    "billing_count": int}``.
    """
    addresses = _addresses(may_view_customers(user), customer_id=customer.pk)
    head_office = next((a for a in addresses if a.is_head_office), None)
    return {
        "addresses": addresses,
        "head_office": head_office,
        "billing_count": sum(1 for a in addresses if a.is_billing),
    }


def contacts_section(*, customer, user, show_inactive=False, limit=None):
    """The customer's contacts by last name, with role and address (the fields their rows
    show); inactive ones only when ``show_inactive``; the first ``limit`` of them when given.
    One query: the counts come with the rows, as window aggregates over all the customer's
    contacts (timed alone it costs what the former two queries did: the roundtrip saved goes
    into compiling the windows; the database runs one statement). Without ``show_inactive``
    the active contacts sort first, so the limit keeps them, and the inactive ones that come
    along (all of them when there is no limit) are dropped here.

    Returns ``{"contacts": [...], "show_inactive": bool, "inactive_count": int,
    "total": int (contacts listed with no limit), "is_truncated": bool}``.
    """
    rows = _contacts(may_view_customers(user), bool(show_inactive), limit, customer_id=customer.pk)
    all_count = rows[0].all_count if rows else 0
    inactive = rows[0].inactive_count if rows else 0
    contacts = rows if show_inactive else [c for c in rows if c.is_active]
    total = all_count if show_inactive else all_count - inactive
    return {
        "contacts": contacts,
        "show_inactive": bool(show_inactive),
        "inactive_count": inactive,
        "total": total,
        "is_truncated": len(contacts) < total,
    }


def contact_details(*, customer, user, show_inactive=False, contact_limit=None):
    """Both sections, as the Contact details tab's context (two queries)."""
    return {
        "address_section": addresses_section(customer=customer, user=user),
        "contact_section": contacts_section(
            customer=customer, user=user, show_inactive=show_inactive, limit=contact_limit
        ),
    }
