"""Import and export of customers in the admin (django-import-export), in one set of columns.

``CustomerImportExportResource`` declares the columns (docs/architecture.md, "Import") for
the admin's import and export pages. Exporting builds one row per address and contact, with
the customer's own columns repeated, so that an exported file imports back unchanged.
Importing does not use django-import-export's row-by-row pipeline: the admin hands the file to
``customers.importing.engine.run_import``, which validates with the same validators as the
forms and writes in bulk (see that module for why).
"""

import tablib
from django.db.models import Prefetch
from django.utils.translation import get_language
from import_export import fields, resources

from . import rules
from .exports import escape_cell
from .importing.columns import COLUMNS
from .models import Address, Contact, Customer, CustomerGroupingOption

# The template's example row: a customer the demo data does not hold, named with the
# industry, grouping categories and options the demo data configures, so trying the template as
# it ships adds one new customer (tests/customers/test_demo_and_template.py).
EXAMPLE_ROW = {
    "number": "",
    "name": "Exempelkonsult Sverige AB",
    "organisation_number": "559412-1237",
    "vat_number": "SE559412123701",
    "country": "SE",
    "website": "https://exempelkonsult.se",
    "email": "info@exempelkonsult.se",
    "industry": "Konsulttjänster",
    "owner": "",
    "payment_term": "",
    "invoice_template": "",
    "price_list": "",
    "currency": "SEK",
    "einvoice_address": "",
    "einvoice_operator": "",
    "description": "",
    "line1": "Storgatan 1",
    "line2": "",
    "postal_code": "111 22",
    "city": "Stockholm",
    "address_country": "SE",
    "address_types": "postal,visiting,billing",
    "head_office": "yes",
    "contact_first_name": "Örjan",
    "contact_last_name": "Lindström",
    "contact_title": "VD",
    "contact_role": "",
    "contact_email": "orjan@exempelkonsult.se",
    "contact_phone": "+46 8 123 456 78",
    "contact_mobile": "",
    "groupings": "Region\\Stockholm|Kundstorlek\\Medel",
}


def headers(language=None):
    """The column headers in Swedish for Swedish users, else in English (both import)."""
    language = language or get_language() or "sv"
    if language.startswith("sv"):
        return [column.swedish for column in COLUMNS]
    return [column.english for column in COLUMNS]


def template_rows():
    return [[EXAMPLE_ROW[column.key] for column in COLUMNS]]


def _lookup_name(value):
    """How a look-up is written in a file: a user by username, a currency by code, the rest
    by name (as the importer reads them back)."""
    if hasattr(value, "get_username"):
        return value.get_username()
    return getattr(value, "code", None) or value.name


def _customer_cells(customer):
    """The customer's own columns (``rules.CUSTOMER_IMPORT_FIELDS``, the order of
    ``COLUMNS``)."""
    cells = []
    for name in rules.CUSTOMER_IMPORT_FIELDS:
        if name in rules.CUSTOMER_LOOKUP_FIELDS:
            has_value = getattr(customer, f"{name}_id") is not None
            cells.append(_lookup_name(getattr(customer, name)) if has_value else "")
        elif name == "country":
            cells.append(str(customer.country))
        else:
            cells.append(getattr(customer, name))
    return cells


def _address_cells(address):
    if address is None:
        return [""] * 7
    types = [
        name
        for name, flag in (
            ("postal", address.is_postal),
            ("visiting", address.is_visiting),
            ("billing", address.is_billing),
        )
        if flag
    ]
    return [
        address.line1,
        address.line2,
        address.postal_code,
        address.city,
        str(address.country),
        ",".join(types),
        "yes" if address.is_head_office else "no",
    ]


def _contact_cells(contact):
    if contact is None:
        return [""] * 7
    return [
        contact.first_name,
        contact.last_name,
        contact.title,
        contact.role.name if contact.role_id else "",
        contact.email,
        contact.phone,
        contact.mobile,
    ]


def export_queryset(queryset):
    """The customers with everything their rows show, fetched in a fixed number of queries."""
    return queryset.select_related(
        "industry",
        "owner",
        "payment_term",
        "invoice_template",
        "price_list",
        "currency",
        "einvoice_operator",
    ).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("-is_head_office", "id")),
        Prefetch("contacts", queryset=Contact.objects.select_related("role").order_by("id")),
        Prefetch(
            "grouping_assignments",
            queryset=CustomerGroupingOption.objects.select_related("option__category").order_by(
                "option__category__order",
                "option__category__name",
                "option__order",
                "option__name",
            ),
        ),
    )


def export_rows(queryset, chunk_size=2000):
    """Yield one row per address and contact of each customer (customer columns repeated).

    A contact goes on the row of its address; an address with several contacts repeats the
    address, which the importer recognises as the same address. Contacts without an address
    and customers without addresses or contacts get rows with those columns empty.
    """
    for customer in export_queryset(queryset).order_by("number").iterator(chunk_size=chunk_size):
        head = _customer_cells(customer)
        groupings = "|".join(
            f"{a.option.category.name}\\{a.option.name}"
            for a in customer.grouping_assignments.all()
        )
        contacts_by_address = {}
        for contact in customer.contacts.all():
            contacts_by_address.setdefault(contact.address_id, []).append(contact)
        emitted = False
        for address in customer.addresses.all():
            for contact in contacts_by_address.pop(address.pk, None) or [None]:
                yield head + _address_cells(address) + _contact_cells(contact) + [groupings]
                emitted = True
        for contacts in contacts_by_address.values():
            for contact in contacts:
                yield head + _address_cells(None) + _contact_cells(contact) + [groupings]
                emitted = True
        if not emitted:
            yield head + _address_cells(None) + _contact_cells(None) + [groupings]


class CustomerImportExportResource(resources.Resource):
    """The customer columns for the admin's import and export pages."""

    for _column in COLUMNS:
        locals()[_column.key] = fields.Field(attribute=_column.key, column_name=_column.english)
    del _column

    class Meta:
        name = "Customers with addresses, contacts and groupings"

    @classmethod
    def get_display_name(cls):
        return cls._meta.name

    def get_user_visible_fields(self):
        return list(self.fields.values())

    def export(self, queryset=None, **kwargs):
        """A tablib Dataset of ``export_rows``, every text cell escaped against formulas."""
        if queryset is None:
            queryset = Customer.objects.all()
        dataset = tablib.Dataset(headers=headers())
        for row in export_rows(queryset):
            dataset.append([escape_cell("" if value is None else value) for value in row])
        return dataset
