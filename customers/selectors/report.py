"""Reads of the customer report: its columns, the page of results, and export rows.

Rows are read as plain values (``QuerySet.values``), not model instances: building a dozen
related objects per customer made a 100,000-row export take minutes. Each column names the
value paths it needs; the head office comes through one LEFT JOIN (``FilteredRelation``) and
the grouping options through one query per chunk of rows. So the page and the exports run a
fixed number of queries whatever the number of rows, categories and options.
"""

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Contact, CustomerGroupingOption

HEAD_OFFICE = "head_office"
CHUNK_SIZE = 2000


def yes_no(value):
    return _("Yes") if value else _("No")


def _blank(value):
    return "" if value is None else value


def _owner(row):
    full = f"{row['owner__first_name'] or ''} {row['owner__last_name'] or ''}".strip()
    return full or _blank(row["owner__username"])


def _groupings_text(row):
    return " | ".join(f"{g['category']}\\{g['option']}" for g in row.get("groupings", ()))


def _value(path):
    return lambda row: _blank(row[path])


@dataclass(frozen=True)
class Column:
    """A report/export column: ``get(row)`` turns the row's ``fields`` into the cell value."""

    key: str
    label: str
    fields: tuple
    get: object
    default: bool = False

    @classmethod
    def simple(cls, key, label, path, default=False):
        return cls(key, label, (path,), _value(path), default)


OWNER_FIELDS = ("owner__first_name", "owner__last_name", "owner__username")

COLUMNS = [
    Column.simple("number", _("Customer number"), "number", default=True),
    Column.simple("name", _("Customer name"), "name", default=True),
    Column.simple("organisation_number", _("Organisation number"), "organisation_number"),
    Column.simple("vat_number", _("VAT number"), "vat_number"),
    Column.simple("country", _("Country"), "country"),
    Column.simple("address", _("Address"), f"{HEAD_OFFICE}__line1"),
    Column.simple("postal_code", _("Postal code"), f"{HEAD_OFFICE}__postal_code"),
    Column.simple("city", _("City"), f"{HEAD_OFFICE}__city", default=True),
    Column.simple("industry", _("Industry"), "industry__name", default=True),
    Column("owner", _("Customer owner"), OWNER_FIELDS, _owner, default=True),
    Column.simple("email", _("Email"), "email"),
    Column.simple("website", _("Website"), "website"),
    Column("is_active", _("Active"), ("is_active",), lambda r: yes_no(r["is_active"])),
    Column(
        "created_at",
        _("Created"),
        ("created_at",),
        lambda r: timezone.localtime(r["created_at"]).date().isoformat(),
    ),
    Column("groupings", _("Groupings"), (), _groupings_text, default=True),
    Column.simple("payment_term", _("Payment term"), "payment_term__name"),
    Column.simple("price_list", _("Price list"), "price_list__name"),
    Column.simple("currency", _("Currency"), "currency__code"),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [column.key for column in COLUMNS if column.default]

# Only in exports: the remaining billing defaults, after the report's columns.
EXPORT_COLUMNS = COLUMNS + [
    Column.simple("invoice_template", _("Invoice template"), "invoice_template__name"),
    Column.simple("invoice_language", _("Invoice language"), "invoice_language__name"),
    Column.simple("overdue_interest", _("Overdue interest (%)"), "overdue_interest"),
    Column.simple("einvoice_address", _("E-invoice address"), "einvoice_address"),
    Column.simple("einvoice_operator", _("E-invoice operator"), "einvoice_operator__name"),
]

# What the page's table needs besides the chosen columns.
PAGE_FIELDS = ("pk", "name", "is_active")


def _paths(columns, extra=()):
    paths = list(extra)
    for column in columns:
        paths.extend(p for p in column.fields if p not in paths)
    return paths


# Up to this many matches a report page sorts them rather than walking the name index.
SORT_MATCHES_UP_TO = 1000


def in_page_order(queryset, count):
    """``queryset`` (ordered by name, then pk) as a page reads it, now that its ``count`` is known.

    PostgreSQL reads a page of the report in name order from ``customer_name_id_idx`` and tests
    each customer against the filters until 25 pass: cheap when many customers match, and what
    it plans whatever the filters. When few match (a grouping option and a city: 400 of 100,000)
    it tests thousands of customers, each with an index look-up per filter, for one page (90 ms).
    So with few matches the page is ordered by ``name || ''`` instead: the same order, which the
    index cannot give, so PostgreSQL finds the matches first (a join of each filter's rows) and
    sorts them (10 ms). The name is never NULL, so the order is the same.
    """
    if count > SORT_MATCHES_UP_TO:
        return queryset
    return queryset.order_by(Concat("name", Value("")), "pk")


def customer_values(queryset, columns, extra=PAGE_FIELDS):
    """``queryset`` as dicts of what ``columns`` need (plus ``extra``), head office joined."""
    paths = _paths(columns, extra)
    if any(p.startswith(f"{HEAD_OFFICE}__") for p in paths):
        queryset = queryset.annotate(
            **{
                HEAD_OFFICE: FilteredRelation(
                    "addresses", condition=Q(addresses__is_head_office=True)
                )
            }
        )
    return queryset.values(*paths)


def attach_groupings(rows):
    """Add ``row["groupings"]`` (category, option, active) to each row: one query."""
    by_customer = {row["pk"]: row for row in rows}
    for row in rows:
        row["groupings"] = []
    if not rows:
        return rows
    assignments = (
        CustomerGroupingOption.objects.filter(customer_id__in=list(by_customer))
        .order_by(
            "option__category__order", "option__category__name", "option__order", "option__name"
        )
        .values_list(
            "customer_id",
            "option__category__name",
            "option__name",
            "option__is_active",
            "option__category__is_active",
        )
    )
    for customer_id, category, option, option_active, category_active in assignments:
        by_customer[customer_id]["groupings"].append(
            {"category": category, "option": option, "is_active": option_active and category_active}
        )
    return rows


def _cells(row, columns):
    values = (column.get(row) for column in columns)
    return [str(v) if isinstance(v, Promise) else v for v in values]


def customer_rows(queryset, columns, *, chunk_size=CHUNK_SIZE):
    """Export rows in chunks: one query for the customers (a server-side cursor on
    PostgreSQL) and one for the grouping options of each chunk."""
    wants_groupings = any(column.key == "groupings" for column in columns)
    chunk = []
    for row in customer_values(queryset, columns, extra=("pk",)).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            if wants_groupings:
                attach_groupings(chunk)
            yield from (_cells(r, columns) for r in chunk)
            chunk = []
    if wants_groupings:
        attach_groupings(chunk)
    yield from (_cells(r, columns) for r in chunk)


def page_rows(rows, columns):
    """The page's table: each row with its cells and grouping badges (one query)."""
    rows = attach_groupings([dict(row) for row in rows])
    # Each cell carries its column's label, which names the value when a phone stacks the row;
    # translated once for the page, not once per cell.
    labels = [(c, str(c.label)) for c in columns]
    return [
        {
            "pk": row["pk"],
            "name": row["name"],
            "is_active": row["is_active"],
            "groupings": row["groupings"],
            "cells": [{"key": c.key, "label": label, "value": c.get(row)} for c, label in labels],
        }
        for row in rows
    ]


def _address(path):
    return lambda row: _blank(row[f"address__{path}"])


CONTACT_COLUMNS = [
    (_("Customer number"), "customer__number", _value("customer__number")),
    (_("Customer name"), "customer__name", _value("customer__name")),
    (_("First name"), "first_name", _value("first_name")),
    (_("Last name"), "last_name", _value("last_name")),
    (_("Title"), "title", _value("title")),
    (_("Role"), "role__name", _value("role__name")),
    (_("Email"), "email", _value("email")),
    (_("Phone"), "phone", _value("phone")),
    (_("Mobile"), "mobile", _value("mobile")),
    (_("Language"), "language", _value("language")),
    (_("Email allowed"), "email_allowed", lambda r: yes_no(r["email_allowed"])),
    (_("Active"), "is_active", lambda r: yes_no(r["is_active"])),
    (_("Address line 1"), "address__line1", _address("line1")),
    (_("Address line 2"), "address__line2", _address("line2")),
    (_("Postal code"), "address__postal_code", _address("postal_code")),
    (_("City"), "address__city", _address("city")),
    (_("Address country"), "address__country", _address("country")),
]


def report_contacts(*, customers_qs, user, mailing_list=False):
    """Contacts of the matching customers, by customer then name.

    ``mailing_list`` keeps only active contacts who accept marketing email and have an
    address to send it to.
    """
    contacts = (
        Contact.objects.visible_to(user)
        .filter(customer__in=customers_qs.order_by().values("pk"))
        .order_by("customer__name", "customer__number", "last_name", "first_name", "pk")
    )
    if mailing_list:
        contacts = contacts.filter(is_active=True, email_allowed=True).exclude(email="")
    return contacts


def contact_rows(contacts, *, chunk_size=CHUNK_SIZE):
    paths = [path for _label, path, _get in CONTACT_COLUMNS]
    for row in contacts.values(*paths).iterator(chunk_size=chunk_size):
        values = (get(row) for _label, _path, get in CONTACT_COLUMNS)
        yield [str(v) if isinstance(v, Promise) else v for v in values]
