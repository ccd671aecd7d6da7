"""Reads of the Customer settings tab: the choices of its six look-up lists in one query.

Each list offers the active values plus the one the customer has now, even when it was
deactivated. Read one list at a time, the six selects cost six queries, each one compiled and
sent (some 1.5 ms of the app's CPU apiece, more than the database's work); here one UNION
reads them all, each list in its model's own order.
"""

from django.db import models
from django.db.models import F, Q, Value

from core.prepared import Prepared

from ..models import (
    Currency,
    EInvoiceOperator,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)

# field -> (model, sort number, sort text, the label's first and second column); the sort
# columns give the model's own ``Meta.ordering`` (order and name; a currency by code, an
# invoice language by name).
LOOKUP_SOURCES = {
    "payment_term": (PaymentTerm, "order", "name", "name", None),
    "invoice_template": (InvoiceTemplate, "order", "name", "name", None),
    "price_list": (PriceList, "order", "name", "name", "currency__code"),
    "currency": (Currency, None, "code", "code", "name"),
    "invoice_language": (InvoiceLanguage, None, "name", "name", None),
    "einvoice_operator": (EInvoiceOperator, "order", "name", "name", "address_format"),
}


def active_or_current(queryset, current_pk):
    """Active values, plus the one the customer has now even when it was deactivated."""
    condition = Q(is_active=True)
    if current_pk:
        condition |= Q(pk=current_pk)
    return queryset.filter(condition)


def _lookup_union(*present, **current):
    """The UNION of the six lists; ``present`` says which fields hold a value now (the
    shape of the query), ``current`` gives those values."""
    branches = []
    for (field, (model, sort_number, sort_text, first, second)), has_value in zip(
        LOOKUP_SOURCES.items(), present, strict=True
    ):
        branches.append(
            active_or_current(model.objects.all(), current[field] if has_value else None)
            .annotate(
                lookup=Value(field, output_field=models.CharField()),
                sort_number=F(sort_number) if sort_number else Value(0),
                sort_text=F(sort_text),
                first=F(first),
                second=F(second) if second else Value(None, output_field=models.CharField()),
            )
            .values_list("lookup", "sort_number", "sort_text", "pk", "is_active", "first", "second")
            .order_by()
        )
    head, *rest = branches
    return head.union(*rest, all=True).order_by("lookup", "sort_number", "sort_text", "pk")


# Compiled once per combination of filled fields (core.prepared): the UNION of six queries
# costs more to compile than to run.
_lookup_rows = Prepared(_lookup_union)


def lookup_choice_rows(customer):
    """``{field: [(pk, is_active, first, second), ...]}`` for the six look-up fields of the
    tab, each list in its model's order, from one query (``second`` is None where a label has
    one part)."""
    current = {field: getattr(customer, f"{field}_id") for field in LOOKUP_SOURCES}
    rows = {field: [] for field in LOOKUP_SOURCES}
    union = _lookup_rows(
        *(bool(pk) for pk in current.values()), **{f: pk for f, pk in current.items() if pk}
    )
    for field, _number, _text, pk, is_active, first, second in union:
        rows[field].append((pk, is_active, first, second))
    return rows
