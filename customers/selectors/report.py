"""Reads of the customer report: its columns, the page of results, and export rows.

Each column names what it needs loaded (``related``: select_related paths; ``prefetch``: keys
of ``PREFETCHES``), so the page and the exports load exactly that with a fixed number of
queries whatever the number of rows, categories and options.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Address, Contact, GroupingOption


def _head_office(customer):
    offices = getattr(customer, "head_offices", None)
    return offices[0] if offices else None


def _office_value(attr):
    def get(customer):
        office = _head_office(customer)
        if office is None:
            return ""
        value = getattr(office, attr)
        return value.code if attr == "country" else value

    return get


def _groupings(customer):
    return " | ".join(f"{o.category.name}\\{o.name}" for o in customer.grouping_options.all())


def _user(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def yes_no(value):
    return _("Yes") if value else _("No")


def _name_or_blank(obj):
    return "" if obj is None else str(obj)


@dataclass(frozen=True)
class Column:
    """A report/export column: ``get(customer)`` returns the cell's value for exports."""

    key: str
    label: str
    get: object
    related: tuple = ()
    prefetch: tuple = ()
    default: bool = False
    extra: dict = field(default_factory=dict)


COLUMNS = [
    Column("number", _("Customer number"), lambda c: c.number, default=True),
    Column("name", _("Customer name"), lambda c: c.name, default=True),
    Column("organisation_number", _("Organisation number"), lambda c: c.organisation_number),
    Column("vat_number", _("VAT number"), lambda c: c.vat_number),
    Column("country", _("Country"), lambda c: c.country.code),
    Column("address", _("Address"), _office_value("line1"), prefetch=("head_office",)),
    Column(
        "postal_code", _("Postal code"), _office_value("postal_code"), prefetch=("head_office",)
    ),
    Column("city", _("City"), _office_value("city"), prefetch=("head_office",), default=True),
    Column(
        "industry",
        _("Industry"),
        lambda c: _name_or_blank(c.industry),
        related=("industry",),
        default=True,
    ),
    Column(
        "owner", _("Customer owner"), lambda c: _user(c.owner), related=("owner",), default=True
    ),
    Column("email", _("Email"), lambda c: c.email),
    Column("website", _("Website"), lambda c: c.website),
    Column("is_active", _("Active"), lambda c: yes_no(c.is_active)),
    Column(
        "created_at",
        _("Created"),
        lambda c: timezone.localtime(c.created_at).date().isoformat(),
    ),
    Column("groupings", _("Groupings"), _groupings, prefetch=("grouping_options",), default=True),
    Column(
        "payment_term",
        _("Payment term"),
        lambda c: _name_or_blank(c.payment_term),
        related=("payment_term",),
    ),
    Column(
        "price_list",
        _("Price list"),
        lambda c: _name_or_blank(c.price_list),
        related=("price_list",),
    ),
    Column("currency", _("Currency"), lambda c: _name_or_blank(c.currency), related=("currency",)),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [column.key for column in COLUMNS if column.default]

# Only in exports: the remaining billing defaults, after the report's columns.
EXPORT_EXTRA_COLUMNS = [
    Column(
        "invoice_template",
        _("Invoice template"),
        lambda c: _name_or_blank(c.invoice_template),
        related=("invoice_template",),
    ),
    Column(
        "invoice_language",
        _("Invoice language"),
        lambda c: _name_or_blank(c.invoice_language),
        related=("invoice_language",),
    ),
    Column(
        "overdue_interest",
        _("Overdue interest (%)"),
        lambda c: "" if c.overdue_interest is None else c.overdue_interest,
    ),
    Column("einvoice_address", _("E-invoice address"), lambda c: c.einvoice_address),
    Column(
        "einvoice_operator",
        _("E-invoice operator"),
        lambda c: _name_or_blank(c.einvoice_operator),
        related=("einvoice_operator",),
    ),
]
EXPORT_COLUMNS = COLUMNS + EXPORT_EXTRA_COLUMNS


def _prefetch(key):
    if key == "head_office":
        return Prefetch(
            "addresses",
            queryset=Address.objects.filter(is_head_office=True),
            to_attr="head_offices",
        )
    if key == "grouping_options":
        return Prefetch(
            "grouping_options",
            queryset=GroupingOption.objects.select_related("category").order_by(
                "category__order", "category__name", "order", "name"
            ),
        )
    raise KeyError(key)


def load_for_columns(queryset, columns):
    """``queryset`` with what ``columns`` need: one join per lookup, one query per prefetch."""
    related = sorted({path for column in columns for path in column.related})
    prefetches = sorted({key for column in columns for key in column.prefetch})
    if related:
        queryset = queryset.select_related(*related)
    if prefetches:
        queryset = queryset.prefetch_related(*[_prefetch(key) for key in prefetches])
    return queryset


def customer_rows(queryset, columns, *, chunk_size=2000):
    """Export rows, read in chunks (prefetches run once per chunk)."""
    queryset = load_for_columns(queryset, columns)
    for customer in queryset.iterator(chunk_size=chunk_size):
        yield [str(v) if isinstance(v, Promise) else v for v in (c.get(customer) for c in columns)]


CONTACT_COLUMNS = [
    (_("Customer number"), lambda c: c.customer.number),
    (_("Customer name"), lambda c: c.customer.name),
    (_("First name"), lambda c: c.first_name),
    (_("Last name"), lambda c: c.last_name),
    (_("Title"), lambda c: c.title),
    (_("Role"), lambda c: _name_or_blank(c.role)),
    (_("Email"), lambda c: c.email),
    (_("Phone"), lambda c: c.phone),
    (_("Mobile"), lambda c: c.mobile),
    (_("Language"), lambda c: c.language),
    (_("Email allowed"), lambda c: yes_no(c.email_allowed)),
    (_("Active"), lambda c: yes_no(c.is_active)),
    (_("Address line 1"), lambda c: c.address.line1 if c.address_id else ""),
    (_("Address line 2"), lambda c: c.address.line2 if c.address_id else ""),
    (_("Postal code"), lambda c: c.address.postal_code if c.address_id else ""),
    (_("City"), lambda c: c.address.city if c.address_id else ""),
    (_("Address country"), lambda c: c.address.country.code if c.address_id else ""),
]


def report_contacts(*, customers_qs, user, mailing_list=False):
    """Contacts of the matching customers, by customer then name.

    ``mailing_list`` keeps only active contacts who accept marketing email and have an
    address to send it to.
    """
    contacts = (
        Contact.objects.visible_to(user)
        .filter(customer__in=customers_qs.order_by().values("pk"))
        .select_related("customer", "address", "role")
        .order_by("customer__name", "customer__number", "last_name", "first_name", "pk")
    )
    if mailing_list:
        contacts = contacts.filter(is_active=True, email_allowed=True).exclude(email="")
    return contacts


def contact_rows(contacts, *, chunk_size=2000):
    for contact in contacts.iterator(chunk_size=chunk_size):
        yield [
            str(v) if isinstance(v, Promise) else v
            for v in (g(contact) for _l, g in CONTACT_COLUMNS)
        ]
