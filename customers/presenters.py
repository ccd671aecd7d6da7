"""Display values for the rows of the card's Contact details tab.

The selectors (``customers/selectors/contact_details.py``) return model instances and nothing
else; the presenters here wrap each in a row that carries what the templates show but cannot
compute cheaply or without logic: formatted phone numbers, the address's lines, the number of
contacts in words and the row's links. The markup is in
``templates/customers/card/_address_row.html`` and ``_contact_row.html``.

A big account's tab draws hundreds of rows, and the template engine's cost grows with every
variable it resolves: a row is a flat dict (one look-up per value, where an attribute path
like ``row.contact.address.city`` costs one failed subscript and one ``getattr`` per step),
computed once here; the links come from one reversed URL per section (``row_url``), since
reversing a URL costs about as much as drawing the row (docs/performance.md).
"""

from django.urls import reverse
from django.utils.translation import ngettext

from core.rows import Row, user_label
from core.url_cache import pk_url

from .validators import format_phone

_PK_MARKER = 987654321


def row_url(name, customer_pk):
    """A function ``pk -> URL`` of ``name`` for the customer's rows, reversing only once."""
    prefix, suffix = reverse(name, args=[customer_pk, _PK_MARKER]).rsplit(str(_PK_MARKER), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


# What a list row shows, read with ``values()`` (core/rows.py).
CUSTOMER_LIST_COLUMNS = (
    "pk",
    "number",
    "name",
    "organisation_number",
    "is_active",
    "head_office_city",
    "industry__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def customer_list_rows(customers):
    """The rows of a customer list page (``customers``: the page's query, from
    ``selectors.customers.customer_list``) as ``Row``s: number, name, organisation_number,
    is_active, head_office_city, industry (its name), ``list_url`` (the card, from one reversed
    URL) and ``list_owner`` (the owner's name as ``User.get_full_name() or username``, "–"
    for none)."""
    rows = []
    for values in customers.values(*CUSTOMER_LIST_COLUMNS):
        username = values["owner__username"]
        owner = (
            "–"
            if username is None
            else user_label(values["owner__first_name"], values["owner__last_name"], username)
        )
        rows.append(
            Row(
                pk=values["pk"],
                number=values["number"],
                name=values["name"],
                organisation_number=values["organisation_number"],
                is_active=values["is_active"],
                head_office_city=values["head_office_city"],
                industry=values["industry__name"],
                list_url=pk_url("customers:customer_detail", values["pk"]),
                list_owner=owner,
            )
        )
    return rows


def address_lines(address, *, customer_country):
    """The lines of an address's text; the country only when it is not the customer's."""
    lines = [line for line in (address.line1, address.line2) if line]
    if address.postal_code or address.city:
        lines.append(f"{address.postal_code} {address.city}".strip())
    if address.country.code != customer_country:
        lines.append(address.country.name)
    return lines


def address_rows(addresses, *, customer):
    """One dict per address (each annotated with ``contact_count``), for ``_address_row.html``.

    Keys: pk, is_head_office, is_default_billing, is_billing, types (labels), lines (the
    address text), no_street, phone, phone_display, contacts_label, edit_url, delete_url,
    default_billing_url.
    """
    edit_url = row_url("customers:address_update", customer.pk)
    delete_url = row_url("customers:address_delete", customer.pk)
    default_billing_url = row_url("customers:address_set_default_billing", customer.pk)
    customer_country = customer.country.code
    return [
        {
            "pk": address.pk,
            "is_head_office": address.is_head_office,
            "is_default_billing": address.is_default_billing,
            "is_billing": address.is_billing,
            "types": address.types,
            "lines": address_lines(address, customer_country=customer_country),
            "no_street": not (address.line1 or address.line2 or address.city),
            "phone": address.phone,
            "phone_display": format_phone(address.phone),
            "contacts_label": ngettext(
                "%(counter)s contact", "%(counter)s contacts", address.contact_count
            )
            % {"counter": address.contact_count},
            "edit_url": edit_url(address.pk),
            "delete_url": delete_url(address.pk),
            "default_billing_url": default_billing_url(address.pk),
        }
        for address in addresses
    ]


def contact_rows(contacts, *, customer):
    """One dict per contact (``role`` and ``address`` loaded), for ``_contact_row.html``.

    Keys: pk, is_active, last_name, first_name, title, role (its name or ""), email,
    email_allowed, phone, phone_display, mobile, mobile_display, has_address, place (the
    address's city or first line), place_title (the whole address), at_head_office,
    edit_url, delete_url, toggle_url.
    """
    edit_url = row_url("customers:contact_update", customer.pk)
    delete_url = row_url("customers:contact_delete", customer.pk)
    toggle_url = row_url("customers:contact_toggle_active", customer.pk)
    rows = []
    for contact in contacts:
        address = contact.address
        rows.append(
            {
                "pk": contact.pk,
                "is_active": contact.is_active,
                "last_name": contact.last_name,
                "first_name": contact.first_name,
                "title": contact.title,
                "role": contact.role.name if contact.role else "",
                "email": contact.email,
                "email_allowed": contact.email_allowed,
                "phone": contact.phone,
                "phone_display": format_phone(contact.phone),
                "mobile": contact.mobile,
                "mobile_display": format_phone(contact.mobile),
                "has_address": address is not None,
                "place": (address.city or address.line1) if address else "",
                "place_title": str(address) if address else "",
                "at_head_office": bool(address and address.is_head_office),
                "edit_url": edit_url(contact.pk),
                "delete_url": delete_url(contact.pk),
                "toggle_url": toggle_url(contact.pk),
            }
        )
    return rows
